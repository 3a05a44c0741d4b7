// Status codes, status text, null-body statuses and header shapes on the way out.
export default {
  fetch(request) {
    const url = new URL(request.url);
    switch (url.pathname) {
      case "/teapot":
        return new Response("short and stout", { status: 418, statusText: "I'm a teapot" });
      case "/no-content":
        return new Response(null, { status: 204 });
      case "/null-body-with-body":
        try {
          new Response("x", { status: 204 });
          return new Response("no error");
        } catch (e) {
          return new Response(e.name);
        }
      case "/cookies": {
        const h = new Headers();
        h.append("Set-Cookie", "a=1; Path=/");
        h.append("Set-Cookie", "b=2; Path=/");
        h.append("X-Multi", "1");
        h.append("X-Multi", "2");
        return new Response(`${h.getSetCookie().length} ${h.get("x-multi")}`, { headers: h });
      }
      case "/bytes":
        return new Response(new Uint8Array([0x68, 0x65, 0x79]));
      case "/empty":
        return new Response();
    }
    return new Response("?", { status: 599 });
  },
};
