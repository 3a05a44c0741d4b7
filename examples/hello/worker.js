// A module worker: `make run` serves it on http://127.0.0.1:8787
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/json") {
      return Response.json({ hello: env.NAME ?? "world", method: request.method });
    }
    if (request.method === "POST") {
      const text = await request.text();
      return new Response(`you sent ${text.length} bytes\n`);
    }
    return new Response(`Hello from edged! ${request.method} ${url.pathname}\n`, {
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  },
};
