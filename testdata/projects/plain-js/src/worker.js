// A plain JavaScript worker with no config: `edged dev src/worker.js`.
// The default export is a class, as Cloudflare's WorkerEntrypoint allows.
import { WorkerEntrypoint, env, waitUntil } from "cloudflare:workers";
import page from "./page.html";
import { version, fail } from "./lib.js";

let background = 0; const topName = env.NAME; // env is readable at the top level too

export default class extends WorkerEntrypoint {
  async fetch(request) {
    const url = new URL(request.url);
    switch (url.pathname) {
      case "/":
        return new Response(`plain ${version}`);
      case "/page":
        return new Response(page, { headers: { "content-type": "text/html" } });
      case "/env":
        return Response.json({ same: env.NAME === this.env.NAME, name: env.NAME ?? null, hasCtx: typeof this.ctx.waitUntil });
      case "/wait":
        waitUntil(Promise.resolve().then(() => { background++; }));
        return new Response("queued");
      case "/background":
        return new Response(String(background));
      case "/throw":
        fail("on purpose");
        break;
      case "/top":
        return new Response(String(topName));
    }
    return new Response("not found", { status: 404 });
  }

  async scheduled(controller) {
    console.log(`scheduled ${controller.cron} at ${controller.scheduledTime}`);
    controller.noRetry();
  }
}
