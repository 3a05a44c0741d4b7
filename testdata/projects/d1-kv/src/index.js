// Notes kept in D1, the last one in KV (with the version that wrote it as metadata)
// and in the Cache API. GET / shows all three.
import { version } from "./version.js";

const LAST = "https://notes.internal/last";

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (request.method === "POST" && url.pathname === "/notes") {
      const body = await request.text();
      const { meta } = await env.DB.prepare("INSERT INTO notes (body) VALUES (?)").bind(body).run();
      await env.KV.put("last", body, { metadata: { version } });
      await caches.default.put(LAST, new Response(body, { headers: { "cache-control": "max-age=3600" } }));
      return Response.json({ id: meta.last_row_id });
    }
    if (url.pathname === "/") {
      const { results } = await env.DB.prepare("SELECT body FROM notes ORDER BY id").all();
      const last = await env.KV.getWithMetadata("last");
      const hit = await caches.default.match(LAST);
      return Response.json({
        greeting: env.GREETING,
        version,
        env: Object.keys(env).sort(),
        notes: results.map((r) => r.body),
        kv: last.value,
        kvVersion: last.metadata ? last.metadata.version : null,
        cron: await env.KV.get("cron"),
        cache: hit ? await hit.text() : null,
        cacheStatus: hit ? hit.headers.get("cf-cache-status") : null,
      });
    }
    return new Response("not found", { status: 404 });
  },

  async scheduled(controller, env, ctx) {
    ctx.waitUntil(env.KV.put("cron", controller.cron));
    await env.DB.prepare("INSERT INTO notes (body) VALUES (?)").bind(`cron ${controller.cron}`).run();
  },
};
