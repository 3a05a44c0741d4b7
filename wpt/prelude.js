// edged WPT prelude: what testharness.js and the tests expect of a worker's global
// scope (a ServiceWorkerGlobalScope, as edged's is) that an edged worker lacks. It
// runs before testharness.js, in the place of the wrapper that wptserve puts around
// an .any.js file for a worker.
// The runner defines __wpt = { url, title, timeout } just before this file. fetch()
// is edged's own: the runner makes the fake hosts reach its server (server.go).
(function () {
  "use strict";
  function define(name, value) {
    Object.defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
  }
  if (!("self" in globalThis)) define("self", globalThis);
  // As wptserve's worker wrapper: testharness.js and the tests ask GLOBAL what they run in.
  define("GLOBAL", {
    isWindow() { return false; },
    isWorker() { return true; },
    isShadowRealm() { return false; },
  });
  if (__wpt.title) define("META_TITLE", __wpt.title);

  // A WorkerLocation for the fake server address the test is served from.
  if (!("location" in globalThis)) {
    const m = /^([a-z][a-z0-9+.-]*:)\/\/(([^/:?#]*)(?::(\d+))?)([^?#]*)(\?[^#]*)?(#.*)?$/i.exec(__wpt.url);
    const parts = {
      href: __wpt.url,
      protocol: m[1],
      host: m[2],
      hostname: m[3],
      port: m[4] || "",
      pathname: m[5] || "/",
      search: m[6] && m[6] !== "?" ? m[6] : "",
      hash: m[7] && m[7] !== "#" ? m[7] : "",
    };
    parts.origin = parts.protocol + "//" + parts.host;
    class WorkerLocation {
      toString() { return parts.href; }
    }
    for (const k of Object.keys(parts)) {
      Object.defineProperty(WorkerLocation.prototype, k, { get() { return parts[k]; }, enumerable: true, configurable: true });
    }
    Object.defineProperty(WorkerLocation.prototype, Symbol.toStringTag, { value: "WorkerLocation", configurable: true });
    const location = new WorkerLocation();
    // WorkerGlobalScope's location attribute: a getter on its prototype that only
    // takes the global (or an undefined/null this).
    const holder = typeof WorkerGlobalScope === "function" ? WorkerGlobalScope.prototype : globalThis;
    Object.defineProperty(holder, "location", {
      get: Object.getOwnPropertyDescriptor({
        get location() {
          if (this !== undefined && this !== null && this !== globalThis) throw new TypeError("Illegal invocation");
          return location;
        },
      }, "location").get,
      enumerable: true,
      configurable: true,
    });
  }
})();
