// Service-worker syntax: a global `fetch` listener.
let counter = 0;
addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.pathname === "/skip") return; // the next listener answers
  if (url.pathname === "/none") return;
  if (url.pathname === "/throw") throw new Error("listener threw");
  if (url.pathname === "/twice") {
    event.respondWith(new Response("first"));
    try {
      event.respondWith(new Response("second"));
    } catch (e) {
      // stopImmediatePropagation was applied by the first respondWith, so report here
      counter = e.name;
    }
    return;
  }
  if (url.pathname === "/twice-result") {
    event.respondWith(new Response(String(counter)));
    return;
  }
  if (url.pathname === "/async") {
    event.respondWith((async () => {
      await new Promise((r) => setTimeout(r, 5));
      return new Response("later", { headers: { "x-type": event.type } });
    })());
    return;
  }
  if (url.pathname === "/wait") {
    event.waitUntil(new Promise((r) => setTimeout(r, 10)));
    event.respondWith(new Response("waited"));
    return;
  }
  event.respondWith(new Response(`sw ${event.request.method} ${event instanceof FetchEvent} ${event.target === globalThis} ${self === globalThis}`));
});
addEventListener("fetch", (event) => {
  if (new URL(event.request.url).pathname === "/skip") event.respondWith(new Response("second listener"));
});
