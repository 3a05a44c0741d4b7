// Entry points beyond fetch: class default exports (WorkerEntrypoint style) and the
// scheduled (cron) handler. Runs after the fetch dispatch (45_dispatch.js) and wraps
// its moduleLoaded hook.

const opSchedDone = opTable.op_sched_done;
let main = null; // the object whose fetch/scheduled methods handle events

// A default export that is a class with handler methods gets a new instance per
// event, constructed as new Class(ctx, env), as Workers does for WorkerEntrypoint.
function adaptClass(Class) {
  const proto = Class.prototype;
  const adapter = {};
  if (typeof proto.fetch === "function") {
    adapter.fetch = (request, env, ctx) => new Class(ctx, env).fetch(request);
  }
  if (typeof proto.scheduled === "function") {
    adapter.scheduled = (controller, env, ctx) => new Class(ctx, env).scheduled(controller);
  }
  return adapter;
}

const innerLoaded = core.hooks.moduleLoaded;
core.hooks.moduleLoaded = function moduleLoaded(namespace, envJson) {
  let def = namespace == null ? undefined : namespace.default;
  if (typeof def === "function" && def.prototype != null &&
      (typeof def.prototype.fetch === "function" || typeof def.prototype.scheduled === "function")) {
    def = adaptClass(def);
    namespace = { default: def };
  }
  innerLoaded(namespace, envJson);
  main = def !== null && typeof def === "object" ? def : null;
};

const constructKey = Symbol("ScheduledController");

class ScheduledController {
  #cron;
  #time;
  #noRetry = false;
  constructor(key, cron, scheduledTime) {
    if (key !== constructKey) throw new TypeError("Illegal constructor");
    this.#cron = cron;
    this.#time = scheduledTime;
  }
  get cron() { return this.#cron; }
  get scheduledTime() { return this.#time; }
  get type() { return "scheduled"; }
  noRetry() { this.#noRetry = true; }
  static retryOf(c) { return !c.#noRetry; }
}
Object.defineProperty(ScheduledController.prototype, Symbol.toStringTag, { value: "ScheduledController", configurable: true });
core.defineGlobal("ScheduledController", ScheduledController);

function errorText(e) {
  return e && e.stack ? String(e.stack) : String(e);
}

// core.hooks.scheduled(rid, cron, scheduledTimeMs): runs the scheduled handler and
// answers with op_sched_done(rid, ok, retry, errorText) once it and every waitUntil
// promise have settled.
core.hooks.scheduled = function scheduled(rid, cron, scheduledTime) {
  if (main === null || typeof main.scheduled !== "function") {
    op(opSchedDone, rid, false, false,
      "Error: no scheduled handler: the worker has no default export with a scheduled() method");
    return;
  }
  const controller = new ScheduledController(constructKey, cron, scheduledTime);
  const waits = [];
  let open = true;
  const ctx = {
    waitUntil(promise) {
      if (!open) throw new TypeError("waitUntil: the scheduled event has finished");
      waits.push(Promise.resolve(promise));
    },
    passThroughOnException() {},
  };
  const finish = (ok, text) => {
    open = false;
    op(opSchedDone, rid, ok, ScheduledController.retryOf(controller), text);
  };
  let result;
  try {
    result = main.scheduled(controller, priv.getEnv(), ctx);
  } catch (e) {
    finish(false, errorText(e));
    return;
  }
  Promise.resolve(result).then(
    async () => {
      // waitUntil may be called while earlier promises are pending.
      for (let i = 0; i < waits.length; i++) {
        try {
          await waits[i];
        } catch (e) {
          finish(false, errorText(e));
          return;
        }
      }
      finish(true, "");
    },
    (e) => finish(false, errorText(e)),
  );
};
