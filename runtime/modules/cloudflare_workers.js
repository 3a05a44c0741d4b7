// cloudflare:workers for a worker that is not bundled (edged serve worker.js, or a
// bundle path in edged.toml). Bundled workers get bundle/js/workers.js instead.
const runtime = globalThis[Symbol.for("edged.workers")];

export class WorkerEntrypoint {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
  }
}

export class DurableObject {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
  }
}

export class WorkflowEntrypoint {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
  }
}

export class RpcTarget {}

// The env as a read-only view: the same object handlers receive.
export const env = new Proxy(Object.create(null), {
  get(_, key) {
    return runtime.env()[key];
  },
  has(_, key) {
    return key in runtime.env();
  },
  ownKeys() {
    return Reflect.ownKeys(runtime.env());
  },
  getOwnPropertyDescriptor(_, key) {
    const d = Reflect.getOwnPropertyDescriptor(runtime.env(), key);
    if (d !== undefined) d.configurable = true;
    return d;
  },
  set() {
    return false;
  },
  defineProperty() {
    return false;
  },
  deleteProperty() {
    return false;
  },
});

export function waitUntil(promise) {
  runtime.waitUntil(promise);
}
