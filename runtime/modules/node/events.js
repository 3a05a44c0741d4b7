// node:events for nodejs_compat, written from Node's documented behaviour.

const kCapture = Symbol("kCapture");
const errorMonitor = Symbol("events.errorMonitor");
const captureRejectionSymbol = Symbol.for("nodejs.rejection");
let defaultMaxListeners = 10;

function codedError(Ctor, code, message) {
  const e = new Ctor(message);
  e.code = code;
  return e;
}

function checkListener(listener) {
  if (typeof listener !== "function") {
    throw codedError(TypeError, "ERR_INVALID_ARG_TYPE",
      `The "listener" argument must be of type function. Received ${listener === null ? "null" : typeof listener}`);
  }
}

function events(emitter) {
  if (!Object.prototype.hasOwnProperty.call(emitter, "_events") || emitter._events === undefined) {
    emitter._events = Object.create(null);
    emitter._eventsCount = 0;
  }
  return emitter._events;
}

function warnLeak(emitter, name, count) {
  const w = new Error(`Possible EventEmitter memory leak detected. ${count} ${String(name)} listeners added to ` +
    `[${emitter.constructor.name}]. MaxListeners is ${emitter.getMaxListeners()}. Use emitter.setMaxListeners() to increase limit`);
  w.name = "MaxListenersExceededWarning";
  w.emitter = emitter;
  w.type = name;
  w.count = count;
  const p = globalThis.process;
  if (p && typeof p.emitWarning === "function") p.emitWarning(w);
  else console.warn(`${w.name}: ${w.message}`);
}

function addListener(emitter, name, listener, prepend) {
  checkListener(listener);
  const evs = events(emitter);
  if (evs.newListener !== undefined) {
    emitter.emit("newListener", name, listener.listener ? listener.listener : listener);
  }
  const list = evs[name];
  if (list === undefined) {
    evs[name] = [listener];
    emitter._eventsCount++;
  } else if (prepend) {
    list.unshift(listener);
  } else {
    list.push(listener);
  }
  const max = emitter.getMaxListeners();
  const n = evs[name].length;
  if (max > 0 && n > max && !evs[name].warned) {
    evs[name].warned = true;
    warnLeak(emitter, name, n);
  }
  return emitter;
}

function onceWrapper(emitter, name, listener) {
  const state = { fired: false };
  const wrapped = function (...args) {
    if (state.fired) return undefined;
    state.fired = true;
    emitter.removeListener(name, wrapped);
    return listener.apply(emitter, args);
  };
  wrapped.listener = listener;
  return wrapped;
}

function EventEmitter(opts) {
  EventEmitter.init.call(this, opts);
}

EventEmitter.init = function (opts) {
  if (this._events === undefined || this._events === Object.getPrototypeOf(this)._events) {
    this._events = Object.create(null);
    this._eventsCount = 0;
  }
  this._maxListeners = this._maxListeners || undefined;
  if (opts && opts.captureRejections) this[kCapture] = true;
};

Object.assign(EventEmitter.prototype, {
  _events: undefined,
  _eventsCount: 0,
  _maxListeners: undefined,

  setMaxListeners(n) {
    if (typeof n !== "number" || n < 0 || Number.isNaN(n)) {
      throw codedError(RangeError, "ERR_OUT_OF_RANGE",
        `The value of "n" is out of range. It must be a non-negative number. Received ${n}`);
    }
    this._maxListeners = n;
    return this;
  },

  getMaxListeners() {
    return this._maxListeners === undefined ? EventEmitter.defaultMaxListeners : this._maxListeners;
  },

  emit(name, ...args) {
    const evs = this._events;
    if (name === "error" && evs !== undefined && evs[errorMonitor] !== undefined) {
      for (const l of evs[errorMonitor].slice()) l.apply(this, args);
    }
    const list = evs === undefined ? undefined : evs[name];
    if (list === undefined) {
      if (name === "error") {
        const err = args[0];
        if (err instanceof Error) throw err;
        let shown;
        try { shown = typeof err === "string" ? `'${err}'` : String(err); } catch { shown = typeof err; }
        const e = codedError(Error, "ERR_UNHANDLED_ERROR", `Unhandled error. (${shown})`);
        e.context = err;
        throw e;
      }
      return false;
    }
    for (const l of list.slice()) {
      const r = l.apply(this, args);
      if (r !== undefined && r !== null && this[kCapture] && typeof r.then === "function") {
        r.then(undefined, (err) => {
          queueMicrotask(() => {
            if (typeof this[captureRejectionSymbol] === "function") this[captureRejectionSymbol](err, name, ...args);
            else this.emit("error", err);
          });
        });
      }
    }
    return true;
  },

  addListener(name, listener) {
    return addListener(this, name, listener, false);
  },

  prependListener(name, listener) {
    return addListener(this, name, listener, true);
  },

  once(name, listener) {
    checkListener(listener);
    return this.on(name, onceWrapper(this, name, listener));
  },

  prependOnceListener(name, listener) {
    checkListener(listener);
    return this.prependListener(name, onceWrapper(this, name, listener));
  },

  removeListener(name, listener) {
    checkListener(listener);
    const evs = this._events;
    if (evs === undefined || evs[name] === undefined) return this;
    const list = evs[name];
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i] === listener || list[i].listener === listener) {
        const removed = list[i];
        list.splice(i, 1);
        if (list.length === 0) {
          delete evs[name];
          this._eventsCount--;
        }
        if (evs.removeListener !== undefined) this.emit("removeListener", name, removed.listener || removed);
        break;
      }
    }
    return this;
  },

  removeAllListeners(name) {
    const evs = this._events;
    if (evs === undefined) return this;
    if (evs.removeListener === undefined) {
      if (arguments.length === 0) {
        this._events = Object.create(null);
        this._eventsCount = 0;
      } else if (evs[name] !== undefined) {
        delete evs[name];
        this._eventsCount--;
      }
      return this;
    }
    if (arguments.length === 0) {
      for (const key of Reflect.ownKeys(evs)) {
        if (key !== "removeListener") this.removeAllListeners(key);
      }
      this.removeAllListeners("removeListener");
      this._events = Object.create(null);
      this._eventsCount = 0;
      return this;
    }
    const list = evs[name];
    if (list !== undefined) {
      for (let i = list.length - 1; i >= 0; i--) this.removeListener(name, list[i]);
    }
    return this;
  },

  listeners(name) {
    const list = this._events === undefined ? undefined : this._events[name];
    return list === undefined ? [] : list.map((l) => l.listener || l);
  },

  rawListeners(name) {
    const list = this._events === undefined ? undefined : this._events[name];
    return list === undefined ? [] : list.slice();
  },

  listenerCount(name, listener) {
    const list = this._events === undefined ? undefined : this._events[name];
    if (list === undefined) return 0;
    if (listener === undefined) return list.length;
    return list.filter((l) => l === listener || l.listener === listener).length;
  },

  eventNames() {
    return this._events === undefined || this._eventsCount === 0 ? [] : Reflect.ownKeys(this._events);
  },
});
EventEmitter.prototype.on = EventEmitter.prototype.addListener;
EventEmitter.prototype.off = EventEmitter.prototype.removeListener;

Object.defineProperty(EventEmitter, "defaultMaxListeners", {
  enumerable: true,
  get() { return defaultMaxListeners; },
  set(n) {
    if (typeof n !== "number" || n < 0 || Number.isNaN(n)) {
      throw codedError(RangeError, "ERR_OUT_OF_RANGE",
        `The value of "defaultMaxListeners" is out of range. It must be a non-negative number. Received ${n}`);
    }
    defaultMaxListeners = n;
  },
});

function abortError(signal) {
  const e = new Error("The operation was aborted");
  e.name = "AbortError";
  e.code = "ABORT_ERR";
  if (signal && signal.reason !== undefined) e.cause = signal.reason;
  return e;
}

function isEventTarget(t) {
  return t && typeof t.addEventListener === "function" && typeof t.on !== "function";
}

// once(emitter, name) resolves with the event's arguments; an 'error' event first rejects.
function once(emitter, name, options = {}) {
  const signal = options ? options.signal : undefined;
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) {
      reject(abortError(signal));
      return;
    }
    if (isEventTarget(emitter)) {
      const onEvent = (ev) => { cleanup(); resolve([ev]); };
      const cleanup = () => {
        emitter.removeEventListener(name, onEvent);
        if (signal) signal.removeEventListener("abort", onAbort);
      };
      const onAbort = () => { cleanup(); reject(abortError(signal)); };
      emitter.addEventListener(name, onEvent, { once: true });
      if (signal) signal.addEventListener("abort", onAbort, { once: true });
      return;
    }
    const onEvent = (...args) => { cleanup(); resolve(args); };
    const onError = (err) => { cleanup(); reject(err); };
    const onAbort = () => { cleanup(); reject(abortError(signal)); };
    const cleanup = () => {
      emitter.removeListener(name, onEvent);
      if (name !== "error") emitter.removeListener("error", onError);
      if (signal) signal.removeEventListener("abort", onAbort);
    };
    emitter.on(name, onEvent);
    if (name !== "error") emitter.on("error", onError);
    if (signal) signal.addEventListener("abort", onAbort, { once: true });
  });
}

// on(emitter, name) is an async iterator over the event's arguments.
function on(emitter, name, options = {}) {
  const signal = options ? options.signal : undefined;
  const queue = [];
  const waiting = [];
  let error = null, done = false;
  const onEvent = (...args) => {
    if (waiting.length) waiting.shift().resolve({ value: args, done: false });
    else queue.push(args);
  };
  const onError = (err) => {
    if (waiting.length) waiting.shift().reject(err);
    else error = err;
    finish();
  };
  const onAbort = () => onError(abortError(signal));
  const finish = () => {
    done = true;
    emitter.removeListener(name, onEvent);
    emitter.removeListener("error", onError);
    if (signal) signal.removeEventListener("abort", onAbort);
    for (const w of waiting.splice(0)) w.resolve({ value: undefined, done: true });
  };
  if (signal && signal.aborted) throw abortError(signal);
  emitter.on(name, onEvent);
  if (name !== "error") emitter.on("error", onError);
  if (signal) signal.addEventListener("abort", onAbort, { once: true });
  return {
    next() {
      if (queue.length) return Promise.resolve({ value: queue.shift(), done: false });
      if (error) {
        const e = error;
        error = null;
        return Promise.reject(e);
      }
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    return() {
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(err) {
      onError(err);
      return Promise.reject(err);
    },
    [Symbol.asyncIterator]() { return this; },
  };
}

function listenerCount(emitter, name) {
  return emitter.listenerCount(name);
}

function getEventListeners(emitter, name) {
  if (typeof emitter.listeners === "function") return emitter.listeners(name);
  return [];
}

function setMaxListeners(n = defaultMaxListeners, ...targets) {
  if (targets.length === 0) EventEmitter.defaultMaxListeners = n;
  for (const t of targets) if (typeof t.setMaxListeners === "function") t.setMaxListeners(n);
}

Object.defineProperty(EventEmitter, "captureRejections", {
  enumerable: true,
  get() { return EventEmitter.prototype[kCapture] === true; },
  set(v) { EventEmitter.prototype[kCapture] = !!v; },
});

Object.assign(EventEmitter, {
  EventEmitter, once, on, listenerCount, getEventListeners, setMaxListeners, errorMonitor, captureRejectionSymbol,
  usingDomains: false,
});

export { EventEmitter, once, on, listenerCount, getEventListeners, setMaxListeners, errorMonitor, captureRejectionSymbol };
export default EventEmitter;
