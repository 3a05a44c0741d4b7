// ctx.waitUntil: the response goes out at once; the request finishes later.
const log = [];
export default {
  async fetch(request, env, ctx) {
    const path = new URL(request.url).pathname;
    if (path === "/start") {
      ctx.waitUntil(new Promise((resolve) => setTimeout(() => {
        log.push("first");
        // A waitUntil added while the others are pending is waited for too.
        ctx.waitUntil(new Promise((r) => setTimeout(() => { log.push("nested"); r(); }, 5)));
        resolve();
      }, 5)));
      ctx.waitUntil(Promise.reject(new Error("rejected waitUntil is reported, not fatal")));
      return new Response("started");
    }
    if (path === "/log") return new Response(log.join(","));
    if (path === "/sync-only") {
      ctx.waitUntil(Promise.resolve(1));
      return new Response("sync");
    }
    return new Response("?", { status: 404 });
  },
};
