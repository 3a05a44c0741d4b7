// JSON in and out.
export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/parse") {
      try {
        const data = await request.json();
        return Response.json({ got: data, type: typeof data }, { status: 201, headers: { "x-extra": "1" } });
      } catch (e) {
        return Response.json({ error: e.name }, { status: 400 });
      }
    }
    if (url.pathname === "/custom-type") {
      return Response.json([1, 2], { headers: { "content-type": "application/vnd.test+json" } });
    }
    if (url.pathname === "/unserializable") {
      try {
        Response.json(undefined);
        return new Response("no error");
      } catch (e) {
        return new Response(e.name);
      }
    }
    return Response.json({ hello: "world", n: 1, list: [true, null] });
  },
};
