// Streamed bodies end to end: responses made of many chunks (generated, transformed,
// teed, paced by timers), streamed request bodies echoed back, and a stream that fails
// midway (the client sees a cut-off response, not a clean end).
const enc = new TextEncoder();

function counter(n) {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i === n) {
        controller.close();
        return;
      }
      controller.enqueue(enc.encode(`${i++},`));
    },
  });
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    switch (url.pathname) {
      case "/many":
        // 1000 chunks pulled one at a time.
        return new Response(counter(1000), { headers: { "content-type": "text/plain" } });
      case "/bytes": {
        // A byte stream with autoAllocateChunkSize, filled in place.
        let left = 5;
        return new Response(new ReadableStream({
          type: "bytes",
          autoAllocateChunkSize: 4,
          pull(controller) {
            const req = controller.byobRequest;
            if (left === 0) {
              controller.close();
              req.respond(0);
              return;
            }
            req.view.set(enc.encode("abcd"));
            req.respond(4);
            left--;
          },
        }));
      }
      case "/timed":
        // Chunks paced by timers, as a server-sent events stream would be.
        return new Response(new ReadableStream({
          async start(controller) {
            for (let i = 0; i < 5; i++) {
              await new Promise((r) => setTimeout(r, 5));
              controller.enqueue(enc.encode(`data: ${i}\n\n`));
            }
            controller.close();
          },
        }), { headers: { "content-type": "text/event-stream" } });
      case "/echo":
        // The request body, as it arrives, upper-cased on the way through.
        return new Response(request.body
          .pipeThrough(new TextDecoderStream())
          .pipeThrough(new TransformStream({ transform(chunk, c) { c.enqueue(chunk.toUpperCase()); } }))
          .pipeThrough(new TextEncoderStream()));
      case "/echo-raw":
        return new Response(request.body);
      case "/tee": {
        const r = new Response(counter(10));
        const c = r.clone();
        const first = await c.text();
        return new Response(`${first}|${await r.text()}`);
      }
      case "/writable": {
        // A TransformStream whose writable side is fed after the response is returned.
        const { readable, writable } = new TransformStream();
        (async () => {
          const w = writable.getWriter();
          for (let i = 0; i < 3; i++) await w.write(enc.encode(`part${i} `));
          await w.close();
        })();
        return new Response(readable);
      }
      case "/fail":
        // Two chunks, then an error: the client gets a truncated body.
        return new Response(new ReadableStream({
          start(controller) {
            controller.enqueue(enc.encode("partial "));
            controller.enqueue(enc.encode("data"));
            setTimeout(() => controller.error(new Error("the generator broke")), 5);
          },
        }));
      case "/not-bytes":
        return new Response(new ReadableStream({
          start(controller) {
            controller.enqueue("a string, not bytes");
            controller.close();
          },
        }));
      case "/state": {
        const s = counter(2);
        const r = new Response(s);
        return new Response(`locked=${s.locked} used=${r.bodyUsed} same=${r.body === s}`);
      }
    }
    return new Response("not found", { status: 404 });
  },
};
