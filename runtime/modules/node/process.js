// node:process for nodejs_compat: the parts of Node's process object that make
// sense in a worker. It is an EventEmitter, but the runtime emits none of
// process's events ('exit', 'uncaughtException', ...): on() and off() only keep
// their listeners. Only 'warning' is emitted, by emitWarning.
import { EventEmitter } from "node:events";

// Replaced when the module is resolved: nodejs_compat_populate_process_env.
const populateEnv = __POPULATE_ENV__;

function makeEnv() {
  const env = {};
  if (populateEnv) {
    // Workers fills process.env with the worker's text bindings: here its string vars
    // and secrets. Other vars (JSON) and bindings are not there.
    const runtime = globalThis[Symbol.for("edged.workers")];
    const all = runtime ? runtime.env() : {};
    for (const k of Object.keys(all)) {
      if (typeof all[k] === "string") env[k] = all[k];
    }
  }
  return env;
}

const now = typeof performance !== "undefined" && typeof performance.now === "function"
  ? () => performance.now()
  : () => Date.now();
const origin = Date.now() - now();

function hrtime(prev) {
  const t = origin + now(); // milliseconds
  let sec = Math.floor(t / 1000);
  let nsec = Math.floor((t - sec * 1000) * 1e6);
  if (prev !== undefined) {
    if (!Array.isArray(prev) || prev.length !== 2) {
      const e = new TypeError('The "time" argument must be an instance of Array of length 2');
      e.code = "ERR_INVALID_ARG_TYPE";
      throw e;
    }
    sec -= prev[0];
    nsec -= prev[1];
    if (nsec < 0) {
      sec--;
      nsec += 1e9;
    }
  }
  return [sec, nsec];
}
hrtime.bigint = function () {
  const [s, ns] = hrtime();
  return BigInt(s) * 1000000000n + BigInt(ns);
};

const started = now();

class Process extends EventEmitter {}

const process = new Process();
Object.assign(process, {
  title: "edged",
  version: "v22.0.0",
  versions: { node: "22.0.0", v8: "10.2" },
  release: { name: "node" },
  platform: "linux",
  arch: "x64",
  pid: 1,
  ppid: 0,
  argv: ["node"],
  argv0: "node",
  execArgv: [],
  execPath: "/usr/bin/node",
  exitCode: undefined,
  env: makeEnv(),
  features: {},
  config: { variables: {} },
  browser: false,
  hrtime,
  cwd() { return "/"; },
  chdir() {
    const e = new Error("process.chdir() is not supported in workers");
    e.code = "ERR_WORKER_UNSUPPORTED_OPERATION";
    throw e;
  },
  umask() { return 0o22; },
  uptime() { return (now() - started) / 1000; },
  nextTick(callback, ...args) {
    if (typeof callback !== "function") {
      const e = new TypeError(`The "callback" argument must be of type function. Received ${typeof callback}`);
      e.code = "ERR_INVALID_ARG_TYPE";
      throw e;
    }
    queueMicrotask(() => callback(...args));
  },
  emitWarning(warning, type, code) {
    let w = warning;
    if (type !== null && typeof type === "object") {
      code = type.code;
      type = type.type;
    }
    if (typeof w === "string") {
      w = new Error(w);
      w.name = typeof type === "string" ? type : "Warning";
      if (code !== undefined) w.code = code;
    }
    if (w.name === "DeprecationWarning" && process.noDeprecation) return;
    if (process.listenerCount("warning") > 0) {
      queueMicrotask(() => process.emit("warning", w));
      return;
    }
    console.warn(`${w.code ? `[${w.code}] ` : ""}${w.name}: ${w.message}`);
  },
  exit(code) {
    const e = new Error(`process.exit(${code === undefined ? "" : code}) is not supported in workers`);
    e.code = "ERR_WORKER_UNSUPPORTED_OPERATION";
    throw e;
  },
  abort() {
    throw new Error("process.abort() is not supported in workers");
  },
  memoryUsage() {
    return { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  },
  cpuUsage() {
    return { user: 0, system: 0 };
  },
  getBuiltinModule() {
    return undefined;
  },
  noDeprecation: false,
  throwDeprecation: false,
  traceDeprecation: false,
});

export default process;
export const {
  env, argv, argv0, execArgv, execPath, platform, arch, version, versions, release, pid, ppid, title, features,
  nextTick, emitWarning, cwd, chdir, umask, uptime, exit, abort, memoryUsage, cpuUsage,
} = process;
export { hrtime };
