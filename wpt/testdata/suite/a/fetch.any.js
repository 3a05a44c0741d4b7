promise_test(async () => {
  const r = await fetch("resources/data.json");
  assert_equals(r.headers.get("content-type"), "application/json");
  assert_equals(r.type, "basic");
  assert_equals(r.url, location.origin + "/a/resources/data.json");
  assert_equals((await r.json()).answer, 42);
}, "static file");
promise_test(async () => {
  const r = await fetch("/fetch/api/resources/echo-content.py", { method: "POST", body: "hi" });
  assert_equals(r.headers.get("x-request-method"), "POST");
  assert_equals(r.headers.get("x-request-content-length"), "2");
  assert_equals(await r.text(), "hi");
}, "Go handler");
promise_test(async () => {
  const r = await fetch("http://www1.web-platform.test:8001/fetch/api/resources/status.py?code=299&text=Fine&content=x");
  assert_equals(r.status, 299);
  assert_equals(r.statusText, "Fine");
  assert_equals(await r.text(), "x");
}, "another host and port");
promise_test(async () => {
  const r = await fetch("resources/handler.py");
  assert_equals(r.status, 501);
  assert_equals(/needs the WPT server/.test(await r.text()), true, "body");
}, "server handler");
promise_test(async () => {
  const r = await fetch("https://www.web-platform.test:8443/a/resources/data.json");
  assert_equals((await r.json()).answer, 42);
}, "https");
promise_test(async () => {
  try {
    await fetch("https://web-platform.test:9000/a/resources/data.json");
  } catch (e) {
    assert_equals(e.name, "TypeError");
    assert_equals(/needs the WPT server/.test(e.message), true, "message");
    return;
  }
  throw new Error("fetch resolved");
}, "h2 port");
