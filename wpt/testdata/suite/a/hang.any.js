// META: timeout=long
test(() => {}, "quick");
promise_test(() => new Promise(() => {}), "never settles");
