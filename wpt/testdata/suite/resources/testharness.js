// A stand-in for WPT's testharness.js, written for the runner's own tests: just the
// part of its API that wpt/reporter.js and the fixtures use. The real harness is
// read from a WPT checkout (see wpt/README.md).
(function () {
  "use strict";
  const tests = [];
  const status = { status: null, message: null, stack: null };
  const completion = [], results = [], states = [];
  let pending = 0, loaded = false, finished = false;

  function finish() {
    if (finished) return;
    finished = true;
    if (status.status === null) status.status = 0;
    for (const t of tests) if (t.status === null) t.status = status.status === 2 ? 2 : 3;
    for (const cb of completion) cb(tests, status);
  }
  function maybeFinish() { if (loaded && pending === 0) finish(); }
  function record(t, s, message) {
    if (t.status !== null) return;
    t.status = s;
    t.message = message;
    for (const cb of results) cb(t);
    pending--;
    maybeFinish();
  }
  function add(name) {
    const t = { name, status: null, message: null };
    tests.push(t);
    pending++;
    for (const cb of states) cb(t);
    return t;
  }

  self.test = function (fn, name) {
    const t = add(name);
    try { fn(); record(t, 0, null); } catch (e) { record(t, 1, String(e && e.message || e)); }
  };
  self.promise_test = function (fn, name) {
    const t = add(name);
    Promise.resolve().then(fn).then(() => record(t, 0, null), (e) => record(t, 1, String(e && e.message || e)));
  };
  self.assert_equals = function (got, want, what) {
    if (got !== want) throw new Error(`assert_equals: ${what || ""} expected ${want} but got ${got}`);
  };
  self.add_completion_callback = (cb) => completion.push(cb);
  self.add_result_callback = (cb) => results.push(cb);
  self.add_test_state_callback = (cb) => states.push(cb);
  self.done = function () { loaded = true; maybeFinish(); };
  self.timeout = function () { if (status.status === null) status.status = 2; finish(); };
  addEventListener("error", (e) => {
    status.status = 1;
    status.message = e.message;
    done();
  });
})();
