promise_test(async () => {
  const r = await fetch("resources/data.json");
  assert_equals(r.headers.get("content-type"), "application/json");
  assert_equals((await r.json()).answer, 42);
}, "static file");
promise_test(async () => {
  try {
    await fetch("resources/handler.py");
  } catch (e) {
    assert_equals(e.name, "TypeError");
    assert_equals(/needs the WPT server/.test(e.message), true, "message");
    return;
  }
  throw new Error("fetch resolved");
}, "server handler");
