// edged WPT prelude: what testharness.js and the tests expect of a dedicated worker's
// global scope that an edged worker does not have. It runs before testharness.js, in
// the place of the wrapper that wptserve puts around an .any.js file for a worker.
// The runner defines __wpt = { url, title, timeout } just before this file.
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
    define("location", new WorkerLocation());
  }
})();

// fetch() of the fake origin: the static files the runner shipped (see static.go);
// everything else there needs the WPT server, which does not run. Other URLs go to
// edged's fetch().
(function () {
  "use strict";
  const realFetch = globalThis.fetch;
  if (typeof realFetch !== "function") return;
  const host = "web-platform.test";
  const files = __wpt.files;
  const has = Object.prototype.hasOwnProperty;
  const shim = {
    fetch(input, init = undefined) {
      let url;
      try {
        url = new URL(typeof Request === "function" && input instanceof Request ? input.url : String(input), location.href);
      } catch {
        return realFetch.apply(this, arguments);
      }
      if (!/^(https?|wss?):$/.test(url.protocol) || (url.hostname !== host && !url.hostname.endsWith("." + host))) {
        return realFetch.apply(this, arguments);
      }
      let method = "GET";
      if (init && init.method !== undefined) method = String(init.method).toUpperCase();
      else if (typeof Request === "function" && input instanceof Request) method = input.method;
      const file = url.origin === location.origin && has.call(files, url.pathname) ? files[url.pathname] : undefined;
      if (file === undefined || (method !== "GET" && method !== "HEAD")) {
        return Promise.reject(new TypeError(`wpt: ${method} ${url.href} needs the WPT server, which this runner does not run`));
      }
      let body = file[1];
      if (file[2] !== "") {
        const bin = atob(file[2]);
        body = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) body[i] = bin.charCodeAt(i);
      }
      try {
        return Promise.resolve(new Response(method === "HEAD" ? null : body, { status: 200, headers: { "content-type": file[0] } }));
      } catch (e) {
        return Promise.reject(e);
      }
    },
  }.fetch;
  Object.defineProperty(globalThis, "fetch", { value: shim, writable: true, enumerable: true, configurable: true });
})();
