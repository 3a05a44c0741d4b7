import { Hono } from "hono";
import { explode } from "./boom";
import banner from "./banner.txt";

type Bindings = {
  GREETING: string;
  LIMITS: { max: number; tags: string[] };
};

const app = new Hono<{ Bindings: Bindings }>();

app.get("/", (c) => c.text(`${c.env.GREETING} from hono`));

app.get("/json", (c) => c.json({ greeting: c.env.GREETING, max: c.env.LIMITS.max, tags: c.env.LIMITS.tags }));

app.get("/hello/:name", (c) => c.text(`${c.env.GREETING}, ${c.req.param("name")}!`));

app.get("/banner", (c) => c.text(banner.trim()));

app.get("/boom", () => {
  explode("from a route");
  return new Response("unreachable");
});

app.post("/echo", async (c) => {
  const body = await c.req.json<{ n: number }>();
  return c.json({ doubled: body.n * 2 });
});

let ran = 0;

export default {
  fetch: app.fetch,
  async scheduled(controller: { cron: string; scheduledTime: number }, env: Bindings) {
    ran++;
    console.log(`cron ${controller.cron} ran ${ran} (${env.GREETING})`);
  },
};
