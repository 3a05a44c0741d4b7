// Failures of the handler become 500 responses (op_resp_error).
export default {
  async fetch(request, env, ctx) {
    const path = new URL(request.url).pathname;
    switch (path) {
      case "/throw-sync":
        throw new Error("boom (sync)");
      case "/reject":
        await null;
        throw new TypeError("boom (async)");
      case "/not-a-response":
        return "just a string";
      case "/undefined":
        return undefined;
      case "/response-error":
        return Response.error();
      case "/used-body": {
        const r = new Response("x");
        await r.text();
        return r;
      }
      case "/throw-string":
        throw "a string";
      case "/caught": {
        ctx.passThroughOnException();
        try {
          new Response("x", { status: 99 });
        } catch (e) {
          return new Response(`${e.name}`, { status: 200 });
        }
        return new Response("no error");
      }
    }
    return new Response("ok");
  },
};
