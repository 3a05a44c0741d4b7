// Response.redirect and manual Location headers.
export default {
  fetch(request) {
    const url = new URL(request.url);
    const status = Number(url.searchParams.get("status") || "302");
    if (url.pathname === "/bad-status") {
      try {
        Response.redirect("https://example.com/", 200);
      } catch (e) {
        return new Response(`${e.name}`);
      }
    }
    if (url.pathname === "/relative") {
      try {
        Response.redirect("/relative");
      } catch (e) {
        return new Response(`${e.name}`);
      }
    }
    if (url.pathname === "/manual") {
      return new Response(null, { status: 301, headers: { Location: "/elsewhere" } });
    }
    const r = Response.redirect("https://example.com/target?x=1", status);
    let immutable = "no";
    try { r.headers.set("x", "y"); } catch (e) { immutable = e.name; }
    return new Response(null, { status: r.status, headers: { location: r.headers.get("location"), "x-immutable": immutable } });
  },
};
