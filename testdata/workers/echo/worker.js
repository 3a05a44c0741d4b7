// Echoes the request back in several ways, chosen by path.
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    switch (url.pathname) {
      case "/stream":
        // Pass the incoming body handle straight to the response.
        return new Response(request.body, { headers: { "content-type": request.headers.get("content-type") || "application/octet-stream" } });
      case "/text":
        return new Response(await request.text());
      case "/bytes": {
        const b = await request.arrayBuffer();
        return new Response(b, { headers: { "x-length": String(b.byteLength) } });
      }
      case "/clone": {
        const c = request.clone();
        const [a, b] = await Promise.all([request.text(), c.text()]);
        return new Response(`${a}|${b}|${request.bodyUsed}|${c.bodyUsed}`);
      }
      case "/reuse": {
        await request.text();
        try {
          await request.text();
          return new Response("no error");
        } catch (e) {
          return new Response(`${e.name}: ${e.message}`);
        }
      }
      case "/meta":
        return new Response(`${request.method} ${url.pathname}${url.search} body=${request.body === null ? "null" : "stream"}`);
      case "/headers": {
        // Headers round trip: every request header is returned with an x-echo- prefix.
        const h = new Headers();
        for (const [k, v] of request.headers) h.append(`x-echo-${k}`, v);
        return new Response(null, { status: 204, headers: h });
      }
      case "/reader": {
        const reader = request.body.getReader();
        let n = 0, chunks = 0;
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          n += value.length;
          chunks++;
        }
        return new Response(`bytes=${n} used=${request.bodyUsed} chunks>0=${chunks > 0}`);
      }
      case "/request-from-request": {
        const r2 = new Request(request, { headers: { "x-new": "1" } });
        return new Response(`${r2.method} ${r2.headers.get("x-new")} ${await r2.text()} used=${request.bodyUsed}`);
      }
    }
    return new Response("not found", { status: 404 });
  },
};
