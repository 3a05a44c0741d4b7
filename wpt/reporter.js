// edged WPT reporter: runs right after testharness.js. It collects the results once
// the harness completes, forces a harness TIMEOUT after __wpt.timeout ms, and answers
// the runner's request with the results as JSON.
const __wpt_results = (function () {
  "use strict";
  let resolve;
  const results = new Promise((r) => { resolve = r; });
  // Tests patch globals (Object.prototype.then, Array.prototype.map, JSON): keep our
  // own references, and settle with a string, which no then() can intercept.
  const stringify = JSON.stringify;
  const toString = String;
  const str = (v) => (v === undefined || v === null ? null : toString(v));
  const testStatus = ["PASS", "FAIL", "TIMEOUT", "NOTRUN", "PRECONDITION_FAILED"];
  const harnessStatus = ["OK", "ERROR", "TIMEOUT", "PRECONDITION_FAILED"];
  const name = (names, s) => names[s] || "UNKNOWN(" + s + ")";
  let timer = 0;
  add_completion_callback(function (tests, harness) {
    clearTimeout(timer);
    clearInterval(poll);
    const subtests = [];
    for (let i = 0; i < tests.length; i++) {
      const t = tests[i];
      subtests[i] = { name: toString(t.name), status: name(testStatus, t.status), message: str(t.message) };
    }
    resolve(stringify({
      status: name(harnessStatus, harness.status),
      message: str(harness.message),
      stack: str(harness.stack),
      subtests,
    }));
  });
  // testharness.js has no timeout of its own outside a window; this one makes the
  // harness finish as it does when a browser test times out (pending tests TIMEOUT).
  const harnessTimeout = timeout;
  timer = setTimeout(function () { harnessTimeout(); }, __wpt.timeout);
  // Once an uncaught error has decided the harness status (ERROR), the tests still
  // pending usually wait for something that never comes (the API they need is
  // missing). Finish when nothing has moved for a second instead of waiting out
  // the timeout; the pending tests end as they would at the timeout.
  let progress = 0;
  add_result_callback(function () { progress++; });
  add_test_state_callback(function () { progress++; });
  let poll = 0;
  function onError() {
    if (poll !== 0) return;
    let last = -1;
    let idle = 0;
    poll = setInterval(function () {
      if (progress !== last) {
        last = progress;
        idle = 0;
      } else if (++idle >= 4) {
        clearInterval(poll);
        harnessTimeout();
      }
    }, 250);
  }
  addEventListener("error", onError);
  addEventListener("unhandledrejection", onError);
  addEventListener("fetch", function (event) {
    event.respondWith(results.then((r) => new Response(r, { headers: { "content-type": "application/json" } })));
  });
  return results;
})();

// Runs one test file as a script of its own: an exception at its top level is
// reported as an uncaught error (the harness status becomes ERROR) and the tests the
// file defined before it still count, as in a browser.
function __wpt_run(source, url) {
  try {
    (0, eval)(source + "\n//# sourceURL=" + url + "\n");
  } catch (e) {
    reportError(e);
  }
}

// A service worker's registration fires install once the script ran; testharness.js
// waits for it (or a message) before it can complete in a ServiceWorkerGlobalScope,
// which is what an edged worker's global is.
// What it needs is taken now: tests may change the global's prototype chain.
const __wpt_install = (function () {
  "use strict";
  const serviceWorker = typeof ServiceWorkerGlobalScope === "function" && self instanceof ServiceWorkerGlobalScope;
  const dispatch = typeof EventTarget === "function" ? EventTarget.prototype.dispatchEvent : undefined;
  const Ev = Event;
  return function () {
    if (serviceWorker && dispatch !== undefined) dispatch.call(globalThis, new Ev("install"));
  };
})();
