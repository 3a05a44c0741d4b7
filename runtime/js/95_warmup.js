// Runs the functions every request uses once while the snapshot is made, so their
// bytecode is in the snapshot and a new isolate's first request does not compile
// them. Touches no op and leaves nothing behind (the objects are garbage).
{
  const h = new Headers([["content-type", "text/plain"], ["x-a", "b"]]);
  h.get("x-a");
  h.set("x-b", "c");
  h.has("x-c");
  for (const _ of h) { /* iterate */ }
  const u = new URL("https://example.com/a/b?c=d#e");
  void (u.pathname + u.search + u.hostname + u.href);
  u.searchParams.get("c");
  const req = priv.newIncomingRequest("GET", "https://example.com/a?b=c", "host\0example.com\0accept\0*/*", 0, undefined);
  void (req.url + req.method);
  req.headers.get("accept");
  const res = new Response("body", { status: 200, headers: { "content-type": "text/plain" } });
  res.headers.get("content-type");
  Response.json({ a: 1 });
  new TextEncoder().encode("warm");
  new TextDecoder().decode(new Uint8Array([119]));
}
