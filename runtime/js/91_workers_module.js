// What the "cloudflare:workers" module reads from the runtime: the worker's env (built
// before its modules are evaluated, so it is readable at their top level) and
// waitUntil. The module itself is runtime/modules/cloudflare_workers.js when the
// worker is not bundled, and edged:facade (bundle/js) when it is; both take this
// object from a symbol-keyed, non-enumerable global, the one channel between the
// runtime and module code. It gives module code nothing it does not get anyway: the
// env is passed to every handler.
Object.defineProperty(globalThis, Symbol.for("edged.workers"), {
  value: Object.freeze({
    env: () => priv.getEnv(),
    waitUntil: (promise) => priv.waitUntilCurrent(promise),
  }),
  enumerable: false,
  writable: false,
  configurable: false,
});
