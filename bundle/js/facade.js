// edged:facade — how edged presents a bundled worker's default export to the
// runtime's dispatch. bundle.Wrap fills in TOKEN and DEV for each load.
//
// - A default export that is a class extending WorkerEntrypoint gets one instance per
//   event: new Class(ctx, env), then instance.fetch(request) / .scheduled(controller).
//   WorkerEntrypoint, env and waitUntil come from the runtime's cloudflare:workers
//   (runtime/modules/cloudflare_workers.js), which the bundle leaves external.
// - Internal routes: a request carrying the header x-edged-internal: TOKEN runs a
//   scheduled event (/__edged/scheduled?cron=...&time=...) instead of fetch.
// - DEV: an exception from fetch becomes a 500 response whose body is the stack and
//   whose x-edged-error header is TOKEN, for the dev server's error page.

import { WorkerEntrypoint } from "cloudflare:workers";

const TOKEN = __TOKEN__;
const DEV = __DEV__;
const INTERNAL_HEADER = "x-edged-internal";
const ERROR_HEADER = "x-edged-error";

// The runtime builds the env before the worker's modules are evaluated (see
// runtime/js/91_workers_module.js), so env is readable at their top level too.
function isThenable(v) {
  return v !== null && (typeof v === "object" || typeof v === "function") && typeof v.then === "function";
}

function errorText(e) {
  try {
    if (e !== null && typeof e === "object" && typeof e.stack === "string" && e.stack !== "") return e.stack;
    if (e !== null && typeof e === "object" && "message" in e) return `${e.name || "Error"}: ${e.message}`;
    return `Uncaught ${String(e)}`;
  } catch {
    return "Error: (the thrown value could not be formatted)";
  }
}

function errorResponse(e) {
  return new Response(errorText(e), {
    status: 500,
    headers: { "content-type": "text/plain; charset=utf-8", [ERROR_HEADER]: TOKEN },
  });
}

// guard runs call and turns an exception it throws or a promise it rejects into
// onError's result (when there is an onError).
function guard(call, onError) {
  if (onError === undefined) return call();
  let r;
  try {
    r = call();
  } catch (e) {
    return onError(e);
  }
  return isThenable(r) ? Promise.resolve(r).then(undefined, onError) : r;
}

function jsonResponse(status, value) {
  return new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });
}

async function runScheduled(scheduled, url, env, ctx) {
  const cron = url.searchParams.get("cron") ?? "";
  const time = Number(url.searchParams.get("time") ?? Date.now());
  if (scheduled === undefined) {
    return jsonResponse(200, { outcome: "exception", error: "Error: the worker has no scheduled() handler", noRetry: false });
  }
  let noRetry = false;
  const controller = {
    type: "scheduled",
    cron,
    scheduledTime: time,
    noRetry() {
      noRetry = true;
    },
  };
  try {
    await scheduled(controller, env, ctx);
    return jsonResponse(200, { outcome: "ok", noRetry });
  } catch (e) {
    return jsonResponse(200, { outcome: "exception", error: errorText(e), noRetry });
  }
}

// adapt returns the object the runtime dispatches to, for the worker's default export.
export function adapt(exported) {
  let fetch;
  let scheduled;
  let problem;
  if (typeof exported === "function") {
    if (exported.prototype instanceof WorkerEntrypoint) {
      const Class = exported;
      if (typeof Class.prototype.fetch === "function") {
        fetch = (request, env, ctx) => new Class(ctx, env).fetch(request);
      }
      if (typeof Class.prototype.scheduled === "function") {
        scheduled = (controller, env, ctx) => new Class(ctx, env).scheduled(controller);
      }
    } else {
      problem = "TypeError: the default export is a function or a class that does not extend WorkerEntrypoint; " +
        "export an object with a fetch() method, or a class that extends WorkerEntrypoint from \"cloudflare:workers\"";
    }
  } else if (exported !== null && typeof exported === "object") {
    const h = exported;
    if (typeof h.fetch === "function") fetch = (request, env, ctx) => h.fetch(request, env, ctx);
    if (typeof h.scheduled === "function") scheduled = (controller, env, ctx) => h.scheduled(controller, env, ctx);
  } else {
    return exported; // nothing to adapt: fetch listeners, or the runtime's own error
  }
  const handler = {
    fetch(request, env, ctx) {
      if (TOKEN !== "" && request.headers.get(INTERNAL_HEADER) === TOKEN) {
        const url = new URL(request.url);
        if (url.pathname === "/__edged/scheduled") return runScheduled(scheduled, url, env, ctx);
        return jsonResponse(404, { error: `no internal route ${url.pathname}` });
      }
      if (problem !== undefined) throw new Error(problem);
      if (fetch === undefined) {
        throw new Error("no fetch handler: the worker's default export has no fetch() method");
      }
      return guard(() => fetch(request, env, ctx), DEV ? errorResponse : undefined);
    },
  };
  if (scheduled !== undefined) {
    handler.scheduled = (controller, env, ctx) => scheduled(controller, env, ctx);
  }
  return handler;
}
