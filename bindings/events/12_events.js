// DOMException, Event, EventTarget, CustomEvent, ErrorEvent, PromiseRejectionEvent,
// AbortController and AbortSignal (DOM Living Standard), plus the global event target,
// reportError and the unhandledrejection event.

const webidl = priv.webidl;
const { converters, configureInterface, defineConstants, illegalConstructorKey } = webidl;

// ---------------------------------------------------------------------------------
// DOMException

// name → legacy code: the names of the WebIDL error names table that have one.
// DOMStringSizeError, NoDataAllowedError and ValidationError left the table (their
// constants stay), so their code is 0 like any other name.
const legacyCodes = {
  IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4,
  InvalidCharacterError: 5, NoModificationAllowedError: 7,
  NotFoundError: 8, NotSupportedError: 9, InUseAttributeError: 10, InvalidStateError: 11,
  SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15,
  TypeMismatchError: 17, SecurityError: 18, NetworkError: 19,
  AbortError: 20, URLMismatchError: 21, QuotaExceededError: 22, TimeoutError: 23,
  InvalidNodeTypeError: 24, DataCloneError: 25,
};
const legacyConstants = {
  INDEX_SIZE_ERR: 1, DOMSTRING_SIZE_ERR: 2, HIERARCHY_REQUEST_ERR: 3, WRONG_DOCUMENT_ERR: 4,
  INVALID_CHARACTER_ERR: 5, NO_DATA_ALLOWED_ERR: 6, NO_MODIFICATION_ALLOWED_ERR: 7,
  NOT_FOUND_ERR: 8, NOT_SUPPORTED_ERR: 9, INUSE_ATTRIBUTE_ERR: 10, INVALID_STATE_ERR: 11,
  SYNTAX_ERR: 12, INVALID_MODIFICATION_ERR: 13, NAMESPACE_ERR: 14, INVALID_ACCESS_ERR: 15,
  VALIDATION_ERR: 16, TYPE_MISMATCH_ERR: 17, SECURITY_ERR: 18, NETWORK_ERR: 19,
  ABORT_ERR: 20, URL_MISMATCH_ERR: 21, QUOTA_EXCEEDED_ERR: 22, TIMEOUT_ERR: 23,
  INVALID_NODE_TYPE_ERR: 24, DATA_CLONE_ERR: 25,
};

// WebIDL: DOMException.prototype inherits from Error.prototype, but the interface
// object itself from Function.prototype (it is not a subclass of Error). So the class
// extends nothing, its instances are made by the Error constructor (real error
// objects, with a stack) with new.target's prototype, and the internal slots are
// kept in a WeakMap.
const NativeError = Error;
const ReflectConstruct = Reflect.construct;
const WeakMapGet = WeakMap.prototype.get;
const WeakMapSet = WeakMap.prototype.set;
const WeakMapHas = WeakMap.prototype.has;
const domExceptionSlots = new WeakMap(); // instance → { name, message }

function domExceptionSlot(e) {
  const slot = webidl.isObject(e) ? WeakMapGet.call(domExceptionSlots, e) : undefined;
  if (slot === undefined) throw webidl.illegalInvocation();
  return slot;
}

// Makes a DOMException (of new.target's class) with the given name and message.
function newDOMException(newTarget, message, name, options) {
  const e = ReflectConstruct(NativeError, [], newTarget);
  // Error() gave it an own "message" only when given one: it has none.
  if (options !== undefined && webidl.isObject(options) && "cause" in options) {
    Object.defineProperty(e, "cause", { value: options.cause, writable: true, enumerable: false, configurable: true });
  }
  WeakMapSet.call(domExceptionSlots, e, { name, message });
  // V8 formats `stack` from name and message: capture it now that they are set.
  if (typeof NativeError.captureStackTrace === "function") NativeError.captureStackTrace(e, newTarget);
  return e;
}

class DOMException {
  constructor(message = "", options = "Error") {
    const prefix = webidl.ctorPrefix("DOMException");
    message = converters.DOMString(message, prefix, "Argument 1");
    let name = "Error";
    if (webidl.isObject(options)) {
      const n = options.name;
      if (n !== undefined) name = converters.DOMString(n, prefix, "name");
    } else if (options !== undefined) {
      name = converters.DOMString(options, prefix, "Argument 2");
    }
    return newDOMException(new.target, message, name, options);
  }
  get name() { return domExceptionSlot(this).name; }
  get message() { return domExceptionSlot(this).message; }
  get code() { return legacyCodes[domExceptionSlot(this).name] || 0; }
}
Object.setPrototypeOf(DOMException.prototype, NativeError.prototype);
configureInterface(DOMException);
defineConstants(DOMException, legacyConstants);
core.defineGlobal("DOMException", DOMException);
priv.DOMException = DOMException;
priv.isDOMException = (v) => webidl.isObject(v) && WeakMapHas.call(domExceptionSlots, v);
priv.domExceptionData = (e) => {
  const slot = domExceptionSlot(e);
  return { name: slot.name, message: slot.message };
};

// QuotaExceededError (WebIDL): a DOMException named "QuotaExceededError" with the
// quota and the amount requested, when known.
const quotaSlots = new WeakMap(); // instance → { quota, requested }

function quotaOption(options, key, prefix) {
  const v = options[key];
  if (v === undefined) return null;
  const d = converters.double(v, prefix, key);
  if (d < 0) throw new RangeError(`${prefix}: '${key}' must not be negative.`);
  return d;
}

class QuotaExceededError extends DOMException {
  constructor(message = "", options = undefined) {
    const prefix = webidl.ctorPrefix("QuotaExceededError");
    message = converters.DOMString(message, prefix, "Argument 1");
    let quota = null, requested = null;
    if (options !== undefined && options !== null) {
      if (!webidl.isObject(options)) throw new TypeError(`${prefix}: The provided value is not of type 'QuotaExceededErrorOptions'.`);
      quota = quotaOption(options, "quota", prefix);
      requested = quotaOption(options, "requested", prefix);
      if (quota !== null && requested !== null && requested < quota) {
        throw new RangeError(`${prefix}: 'requested' must not be less than 'quota'.`);
      }
    }
    super(message, "QuotaExceededError");
    WeakMapSet.call(quotaSlots, this, { quota, requested });
  }
  get quota() { return quotaSlot(this).quota; }
  get requested() { return quotaSlot(this).requested; }
}

function quotaSlot(e) {
  const slot = webidl.isObject(e) ? WeakMapGet.call(quotaSlots, e) : undefined;
  if (slot === undefined) throw webidl.illegalInvocation();
  return slot;
}
configureInterface(QuotaExceededError);
core.defineGlobal("QuotaExceededError", QuotaExceededError);
priv.QuotaExceededError = QuotaExceededError;
priv.quotaExceededData = (e) => {
  const slot = webidl.isObject(e) ? WeakMapGet.call(quotaSlots, e) : undefined;
  return slot === undefined ? null : { quota: slot.quota, requested: slot.requested };
};

// ---------------------------------------------------------------------------------
// Event

const NONE = 0, CAPTURING_PHASE = 1, AT_TARGET = 2, BUBBLING_PHASE = 3;
const ObjectDefineProperty = Object.defineProperty;
let isTrustedDescriptor; // set by Event's static block

const eventInitDict = webidl.dictionary("EventInit", [
  { key: "bubbles", converter: converters.boolean, defaultValue: false },
  { key: "cancelable", converter: converters.boolean, defaultValue: false },
  { key: "composed", converter: converters.boolean, defaultValue: false },
]);

class Event {
  #type;
  #bubbles = false;
  #cancelable = false;
  #composed = false;
  #target = null;
  #currentTarget = null;
  #phase = NONE;
  #stopPropagation = false;
  #stopImmediate = false;
  #canceled = false;
  #inPassive = false;
  #dispatching = false;
  #initialized = true;
  #trusted = false;
  #timeStamp;

  constructor(type, eventInitDict_ = undefined) {
    const prefix = webidl.ctorPrefix(new.target ? new.target.name : "Event");
    webidl.requiredArguments(arguments.length, 1, prefix);
    this.#type = converters.DOMString(type, prefix, "Argument 1");
    if (eventInitDict_ !== undefined && eventInitDict_ !== null) {
      const init = eventInitDict(eventInitDict_, prefix, "Argument 2");
      this.#bubbles = init.bubbles;
      this.#cancelable = init.cancelable;
      this.#composed = init.composed;
    }
    this.#timeStamp = core.now();
    // [LegacyUnforgeable]: an own, non-configurable accessor of every event, with one
    // getter function shared by all.
    ObjectDefineProperty(this, "isTrusted", isTrustedDescriptor);
  }

  static #check(e) {
    if (!(webidl.isObject(e) && #type in e)) throw webidl.illegalInvocation();
  }

  get type() { Event.#check(this); return this.#type; }
  get target() { Event.#check(this); return this.#target; }
  get srcElement() { Event.#check(this); return this.#target; }
  get currentTarget() { Event.#check(this); return this.#currentTarget; }
  composedPath() {
    Event.#check(this);
    return this.#currentTarget === null ? [] : [this.#currentTarget];
  }
  get eventPhase() { Event.#check(this); return this.#phase; }
  stopPropagation() { Event.#check(this); this.#stopPropagation = true; }
  get cancelBubble() { Event.#check(this); return this.#stopPropagation; }
  set cancelBubble(v) { Event.#check(this); if (v) this.#stopPropagation = true; }
  stopImmediatePropagation() { Event.#check(this); this.#stopPropagation = true; this.#stopImmediate = true; }
  get bubbles() { Event.#check(this); return this.#bubbles; }
  get cancelable() { Event.#check(this); return this.#cancelable; }
  get returnValue() { Event.#check(this); return !this.#canceled; }
  set returnValue(v) {
    Event.#check(this);
    if (!v && this.#cancelable && !this.#inPassive) this.#canceled = true;
  }
  preventDefault() {
    Event.#check(this);
    if (this.#cancelable && !this.#inPassive) this.#canceled = true;
  }
  get defaultPrevented() { Event.#check(this); return this.#canceled; }
  get composed() { Event.#check(this); return this.#composed; }
  get timeStamp() { Event.#check(this); return this.#timeStamp; }
  initEvent(type, bubbles = false, cancelable = false) {
    Event.#check(this);
    webidl.requiredArguments(arguments.length, 1, webidl.methodPrefix("Event", "initEvent"));
    if (this.#dispatching) return;
    this.#initialized = true;
    this.#stopPropagation = false;
    this.#stopImmediate = false;
    this.#canceled = false;
    this.#trusted = false;
    this.#target = null;
    this.#type = converters.DOMString(type);
    this.#bubbles = !!bubbles;
    this.#cancelable = !!cancelable;
  }

  static {
    // Internal access for EventTarget's dispatch.
    priv.eventInternals = {
      isEvent: (e) => webidl.isObject(e) && #type in e,
      type: (e) => e.#type,
      dispatching: (e) => e.#dispatching,
      initialized: (e) => e.#initialized,
      begin(e, target) {
        e.#dispatching = true;
        e.#target = target;
        e.#currentTarget = target;
        e.#phase = AT_TARGET;
      },
      end(e) {
        e.#dispatching = false;
        e.#currentTarget = null;
        e.#phase = NONE;
        e.#stopPropagation = false;
        e.#stopImmediate = false;
      },
      stoppedImmediate: (e) => e.#stopImmediate,
      setPassive(e, v) { e.#inPassive = v; },
      canceled: (e) => e.#canceled,
      setTrusted(e) { e.#trusted = true; },
    };
    isTrustedDescriptor = {
      get: Object.getOwnPropertyDescriptor({ get isTrusted() { Event.#check(this); return this.#trusted; } }, "isTrusted").get,
      set: undefined,
      enumerable: true,
      configurable: false,
    };
  }
}
defineConstants(Event, { NONE, CAPTURING_PHASE, AT_TARGET, BUBBLING_PHASE });
configureInterface(Event);
core.defineGlobal("Event", Event);
priv.Event = Event;
const EI = priv.eventInternals;

// ---------------------------------------------------------------------------------
// EventTarget

function flattenOptions(options) {
  if (webidl.isObject(options)) return !!options.capture;
  return !!options;
}

class EventTarget {
  #listeners = null; // Map type → array of listener records
  // When set, events dispatched here report this object as target (the global scope).
  #targetOverride = null;

  constructor() {}

  static #check(t) {
    if (webidl.isObject(t) && #listeners in t) return t;
    if (t === undefined || t === null || t === globalThis) return globalTarget;
    throw webidl.illegalInvocation();
  }

  addEventListener(type, callback, options = undefined) {
    const self = EventTarget.#check(this);
    const prefix = webidl.methodPrefix("EventTarget", "addEventListener");
    webidl.requiredArguments(arguments.length, 2, prefix);
    type = converters.DOMString(type, prefix, "Argument 1");
    if (callback !== null && !webidl.isObject(callback)) {
      throw new TypeError(`${prefix}: The callback provided as parameter 2 is not an object.`);
    }
    let capture = false, once = false, passive = false, signal = null;
    if (webidl.isObject(options)) {
      capture = !!options.capture;
      once = !!options.once;
      passive = !!options.passive;
      if (options.signal !== undefined) {
        signal = options.signal;
        if (!priv.isAbortSignal(signal)) {
          throw new TypeError(`${prefix}: Failed to read the 'signal' property from 'AddEventListenerOptions': Failed to convert value to 'AbortSignal'.`);
        }
      }
    } else {
      capture = !!options;
    }
    if (signal !== null && signal.aborted) return;
    if (callback === null) return;
    if (self.#listeners === null) self.#listeners = new Map();
    let list = self.#listeners.get(type);
    if (list === undefined) { list = []; self.#listeners.set(type, list); }
    for (let i = 0; i < list.length; i++) {
      if (list[i].callback === callback && list[i].capture === capture) return;
    }
    const rec = { callback, capture, once, passive, removed: false };
    list.push(rec);
    if (signal !== null) {
      priv.signalAddAlgorithm(signal, () => self.#remove(type, rec));
    }
  }

  #remove(type, rec) {
    rec.removed = true;
    const list = this.#listeners && this.#listeners.get(type);
    if (list === undefined || list === null) return;
    const i = list.indexOf(rec);
    if (i >= 0) {
      // Copy-on-write so an in-progress dispatch keeps its snapshot.
      const copy = list.slice();
      copy.splice(i, 1);
      if (copy.length === 0) this.#listeners.delete(type);
      else this.#listeners.set(type, copy);
    }
  }

  removeEventListener(type, callback, options = undefined) {
    const self = EventTarget.#check(this);
    const prefix = webidl.methodPrefix("EventTarget", "removeEventListener");
    webidl.requiredArguments(arguments.length, 2, prefix);
    type = converters.DOMString(type, prefix, "Argument 1");
    const capture = flattenOptions(options);
    const list = self.#listeners && self.#listeners.get(type);
    if (!list) return;
    for (let i = 0; i < list.length; i++) {
      if (list[i].callback === callback && list[i].capture === capture) {
        self.#remove(type, list[i]);
        return;
      }
    }
  }

  dispatchEvent(event) {
    const self = EventTarget.#check(this);
    const prefix = webidl.methodPrefix("EventTarget", "dispatchEvent");
    webidl.requiredArguments(arguments.length, 1, prefix);
    if (!EI.isEvent(event)) throw new TypeError(`${prefix}: parameter 1 is not of type 'Event'.`);
    if (EI.dispatching(event) || !EI.initialized(event)) {
      throw new DOMException(`${prefix}: The event is already being dispatched.`, "InvalidStateError");
    }
    return self.#dispatch(event);
  }

  #dispatch(event) {
    const target = this.#targetOverride !== null ? this.#targetOverride : this;
    EI.begin(event, target);
    try {
      const live = this.#listeners && this.#listeners.get(EI.type(event));
      if (live !== undefined && live !== null) {
        // Listeners added during this dispatch do not run in it (DOM: a cloned list).
        const list = live.slice();
        // At target: capture listeners first, then the others (DOM "invoke" twice).
        this.#invoke(event, list, true);
        if (!EI.stoppedImmediate(event)) this.#invoke(event, list, false);
      }
    } finally {
      EI.end(event);
    }
    return !EI.canceled(event);
  }

  #invoke(event, list, capturePhase) {
    const type = EI.type(event);
    for (let i = 0; i < list.length; i++) {
      const rec = list[i];
      if (rec.removed || rec.capture !== capturePhase) continue;
      if (rec.once) this.#remove(type, rec);
      const cb = rec.callback;
      let fn = cb, thisArg = event.currentTarget;
      if (typeof cb !== "function") {
        try {
          fn = cb.handleEvent;
          thisArg = cb;
          if (typeof fn !== "function") throw new TypeError("'handleEvent' property of the event listener is not callable.");
        } catch (e) {
          priv.reportError(e);
          continue;
        }
      }
      if (rec.passive) EI.setPassive(event, true);
      try {
        fn.call(thisArg, event);
      } catch (e) {
        priv.reportError(e);
      }
      if (rec.passive) EI.setPassive(event, false);
      if (EI.stoppedImmediate(event)) break;
    }
  }

  static {
    priv.isEventTarget = (t) => webidl.isObject(t) && #listeners in t;
    priv.hasListeners = (t, type) => {
      const list = t.#listeners && t.#listeners.get(type);
      return list !== undefined && list !== null && list.length > 0;
    };
    priv.setTargetOverride = (t, o) => { t.#targetOverride = o; };
    // Dispatches without the re-entrancy check messages (for internal, trusted events).
    priv.dispatchTrusted = (t, event) => {
      EI.setTrusted(event);
      return t.#dispatch(event);
    };
  }
}
configureInterface(EventTarget);
core.defineGlobal("EventTarget", EventTarget);
priv.EventTarget = EventTarget;

// `on<event>` attributes: a single listener slot per name kept on the target.
const handlerSlots = new WeakMap();
function defineEventHandler(proto, name, check) {
  const type = name;
  Object.defineProperty(proto, `on${name}`, {
    get() {
      const self = check(this);
      const slots = handlerSlots.get(self);
      return (slots && slots[type] && slots[type].value) || null;
    },
    set(value) {
      const self = check(this);
      let slots = handlerSlots.get(self);
      if (slots === undefined) { slots = {}; handlerSlots.set(self, slots); }
      const fn = typeof value === "function" || webidl.isObject(value) ? value : null;
      if (slots[type] === undefined) {
        const slot = { value: null };
        slots[type] = slot;
        const listener = function (event) {
          const h = slot.value;
          if (typeof h !== "function") return;
          const rv = h.call(this, event);
          if (type === "error" ? rv === true : rv === false) event.preventDefault();
        };
        slot.value = fn;
        self.addEventListener(type, listener);
        return;
      }
      slots[type].value = fn;
    },
    enumerable: true,
    configurable: true,
  });
  // WebIDL names accessor functions "get on<name>" / "set on<name>".
  const d = Object.getOwnPropertyDescriptor(proto, `on${name}`);
  Object.defineProperty(d.get, "name", { value: `get on${name}` });
  Object.defineProperty(d.set, "name", { value: `set on${name}` });
}
priv.defineEventHandler = defineEventHandler;

// ---------------------------------------------------------------------------------
// CustomEvent, ErrorEvent, PromiseRejectionEvent

class CustomEvent extends Event {
  #detail = null;
  constructor(type, eventInitDict_ = undefined) {
    const prefix = webidl.ctorPrefix("CustomEvent");
    webidl.requiredArguments(arguments.length, 1, prefix);
    super(type, eventInitDict_);
    if (webidl.isObject(eventInitDict_) && eventInitDict_.detail !== undefined) this.#detail = eventInitDict_.detail;
  }
  get detail() {
    if (!(webidl.isObject(this) && #detail in this)) throw webidl.illegalInvocation();
    return this.#detail;
  }
  initCustomEvent(type, bubbles = false, cancelable = false, detail = null) {
    if (!(webidl.isObject(this) && #detail in this)) throw webidl.illegalInvocation();
    if (EI.dispatching(this)) return;
    this.initEvent(type, bubbles, cancelable);
    this.#detail = detail;
  }
}
configureInterface(CustomEvent);
core.defineGlobal("CustomEvent", CustomEvent);

class ErrorEvent extends Event {
  #message = "";
  #filename = "";
  #lineno = 0;
  #colno = 0;
  #error = undefined;
  constructor(type, init = undefined) {
    const prefix = webidl.ctorPrefix("ErrorEvent");
    webidl.requiredArguments(arguments.length, 1, prefix);
    super(type, init);
    if (webidl.isObject(init)) {
      if (init.message !== undefined) this.#message = converters.DOMString(init.message, prefix, "message");
      if (init.filename !== undefined) this.#filename = converters.USVString(init.filename, prefix, "filename");
      if (init.lineno !== undefined) this.#lineno = converters["unsigned long"](init.lineno);
      if (init.colno !== undefined) this.#colno = converters["unsigned long"](init.colno);
      this.#error = init.error;
    }
  }
  static #check(e) { if (!(webidl.isObject(e) && #message in e)) throw webidl.illegalInvocation(); }
  get message() { ErrorEvent.#check(this); return this.#message; }
  get filename() { ErrorEvent.#check(this); return this.#filename; }
  get lineno() { ErrorEvent.#check(this); return this.#lineno; }
  get colno() { ErrorEvent.#check(this); return this.#colno; }
  get error() { ErrorEvent.#check(this); return this.#error; }
}
configureInterface(ErrorEvent);
core.defineGlobal("ErrorEvent", ErrorEvent);
priv.ErrorEvent = ErrorEvent;

class PromiseRejectionEvent extends Event {
  #promise;
  #reason;
  constructor(type, init) {
    const prefix = webidl.ctorPrefix("PromiseRejectionEvent");
    webidl.requiredArguments(arguments.length, 2, prefix);
    if (!webidl.isObject(init)) throw new TypeError(`${prefix}: The provided value is not of type 'PromiseRejectionEventInit'.`);
    if (init.promise === undefined) throw new TypeError(`${prefix}: Required member 'promise' is undefined in PromiseRejectionEventInit.`);
    if (!webidl.isObject(init.promise)) throw new TypeError(`${prefix}: 'promise' member of PromiseRejectionEventInit is not an object.`);
    super(type, init);
    this.#promise = init.promise;
    this.#reason = init.reason;
  }
  static #check(e) { if (!(webidl.isObject(e) && #promise in e)) throw webidl.illegalInvocation(); }
  get promise() { PromiseRejectionEvent.#check(this); return this.#promise; }
  get reason() { PromiseRejectionEvent.#check(this); return this.#reason; }
}
configureInterface(PromiseRejectionEvent);
core.defineGlobal("PromiseRejectionEvent", PromiseRejectionEvent);

// ---------------------------------------------------------------------------------
// AbortSignal and AbortController

class AbortSignal extends EventTarget {
  #aborted = false;
  #reason = undefined;
  #algorithms = null; // Set of functions run on abort
  #dependents = null; // Set of dependent signals (AbortSignal.any)
  #sources = null;    // for a dependent signal: its source signals
  #dependent = false;

  constructor(key) {
    if (key !== illegalConstructorKey) throw webidl.illegalConstructor();
    super();
  }

  static #check(s) {
    if (!(webidl.isObject(s) && #aborted in s)) throw webidl.illegalInvocation();
  }

  get aborted() { AbortSignal.#check(this); return this.#aborted; }
  get reason() { AbortSignal.#check(this); return this.#reason; }
  throwIfAborted() {
    AbortSignal.#check(this);
    if (this.#aborted) throw this.#reason;
  }

  static abort(reason = undefined) {
    const s = new AbortSignal(illegalConstructorKey);
    s.#aborted = true;
    s.#reason = reason !== undefined ? reason : new DOMException("signal is aborted without reason", "AbortError");
    return s;
  }

  static timeout(milliseconds) {
    const prefix = webidl.methodPrefix("AbortSignal", "timeout");
    webidl.requiredArguments(arguments.length, 1, prefix);
    const ms = converters["unsigned long long"](milliseconds, prefix, "Argument 1", { enforceRange: true });
    const s = new AbortSignal(illegalConstructorKey);
    core.setTimer(() => {
      s.#signalAbort(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
    }, ms, [], false);
    return s;
  }

  static any(signals) {
    const prefix = webidl.methodPrefix("AbortSignal", "any");
    webidl.requiredArguments(arguments.length, 1, prefix);
    const list = webidl.sequence((v) => {
      if (!(webidl.isObject(v) && #aborted in v)) throw new TypeError(`${prefix}: Failed to convert value to 'AbortSignal'.`);
      return v;
    })(signals, prefix, "Argument 1");
    const result = new AbortSignal(illegalConstructorKey);
    for (let i = 0; i < list.length; i++) {
      if (list[i].#aborted) {
        result.#aborted = true;
        result.#reason = list[i].#reason;
        return result;
      }
    }
    result.#dependent = true;
    result.#sources = new Set();
    for (let i = 0; i < list.length; i++) {
      const s = list[i];
      const sources = s.#dependent ? s.#sources : [s];
      for (const src of sources) {
        if (src.#aborted) continue;
        result.#sources.add(src);
        if (src.#dependents === null) src.#dependents = new Set();
        src.#dependents.add(result);
      }
    }
    return result;
  }

  #signalAbort(reason) {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason !== undefined ? reason : new DOMException("signal is aborted without reason", "AbortError");
    const toRun = [this];
    if (this.#dependents !== null) {
      for (const d of this.#dependents) {
        if (d.#aborted) continue;
        d.#aborted = true;
        d.#reason = this.#reason;
        toRun.push(d);
      }
      this.#dependents = null;
    }
    for (const s of toRun) s.#runAbortSteps();
  }

  #runAbortSteps() {
    // Detach from sources so they do not keep this signal alive.
    if (this.#sources !== null) {
      for (const src of this.#sources) if (src.#dependents !== null) src.#dependents.delete(this);
      this.#sources = null;
    }
    const algs = this.#algorithms;
    this.#algorithms = null;
    if (algs !== null) {
      for (const fn of algs) {
        try { fn(); } catch (e) { priv.reportError(e); }
      }
    }
    const event = new Event("abort");
    priv.dispatchTrusted(this, event);
  }

  static {
    priv.isAbortSignal = (s) => webidl.isObject(s) && #aborted in s;
    priv.signalAbort = (s, reason) => s.#signalAbort(reason);
    priv.signalAddAlgorithm = (s, fn) => {
      if (s.#aborted) return;
      if (s.#algorithms === null) s.#algorithms = new Set();
      s.#algorithms.add(fn);
    };
    priv.signalRemoveAlgorithm = (s, fn) => { if (s.#algorithms !== null) s.#algorithms.delete(fn); };
    priv.newAbortSignal = () => new AbortSignal(illegalConstructorKey);
  }
}
defineEventHandler(AbortSignal.prototype, "abort", (s) => {
  if (!priv.isAbortSignal(s)) throw webidl.illegalInvocation();
  return s;
});
configureInterface(AbortSignal);
core.defineGlobal("AbortSignal", AbortSignal);
priv.AbortSignal = AbortSignal;

class AbortController {
  #signal;
  constructor() {
    this.#signal = priv.newAbortSignal();
  }
  get signal() {
    if (!(webidl.isObject(this) && #signal in this)) throw webidl.illegalInvocation();
    return this.#signal;
  }
  abort(reason = undefined) {
    if (!(webidl.isObject(this) && #signal in this)) throw webidl.illegalInvocation();
    priv.signalAbort(this.#signal, reason);
  }
}
configureInterface(AbortController);
core.defineGlobal("AbortController", AbortController);

// Console views of events and signals (their state is in private fields).
const inspectSymbol = Symbol.for("nodejs.util.inspect.custom");
Object.defineProperty(Event.prototype, inspectSymbol, {
  value: function inspectEvent(depth, options) {
    const shown = { type: this.type, defaultPrevented: this.defaultPrevented, cancelable: this.cancelable, timeStamp: this.timeStamp };
    const name = (this.constructor && this.constructor.name) || "Event";
    return `${name} ${priv.inspect(shown, options)}`;
  },
  configurable: true,
});
Object.defineProperty(AbortSignal.prototype, inspectSymbol, {
  value: function inspectSignal(depth, options) {
    return `AbortSignal ${priv.inspect({ aborted: this.aborted }, options)}`;
  },
  configurable: true,
});

// ---------------------------------------------------------------------------------
// The global scope as an event target. V8's global object cannot take EventTarget's
// private fields, so a hidden EventTarget holds the listeners; the global functions
// delegate to it and events report globalThis as their target.

const globalTarget = new EventTarget();
priv.setTargetOverride(globalTarget, globalThis);
priv.globalTarget = globalTarget;

function defineGlobalMethod(name, fn) {
  Object.defineProperty(globalThis, name, { value: fn, writable: true, enumerable: true, configurable: true });
}

// The global scope's interfaces, as on Workers: globalThis is a ServiceWorkerGlobalScope,
// which is a WorkerGlobalScope, which is an EventTarget. addEventListener and friends
// are EventTarget.prototype's, reached through the global's prototype chain (their
// brand check takes the global, or undefined/null this, for the hidden target).
class WorkerGlobalScope extends EventTarget {
  constructor(key = undefined) {
    if (key !== illegalConstructorKey) throw webidl.illegalConstructor();
    super();
  }
}
class ServiceWorkerGlobalScope extends WorkerGlobalScope {
  constructor(key = undefined) {
    if (key !== illegalConstructorKey) throw webidl.illegalConstructor();
    super(key);
  }
}
configureInterface(WorkerGlobalScope);
configureInterface(ServiceWorkerGlobalScope);
core.defineGlobal("WorkerGlobalScope", WorkerGlobalScope);
core.defineGlobal("ServiceWorkerGlobalScope", ServiceWorkerGlobalScope);
Object.setPrototypeOf(globalThis, ServiceWorkerGlobalScope.prototype);
for (const cls of [WorkerGlobalScope, ServiceWorkerGlobalScope]) {
  Object.defineProperty(cls, "length", { value: 0, writable: false, enumerable: false, configurable: true });
}
priv.WorkerGlobalScope = WorkerGlobalScope;

// Defines a WindowOrWorkerGlobalScope attribute as WebIDL places it in a worker: an
// accessor on WorkerGlobalScope.prototype whose getter takes the global (or an
// undefined/null this, as for a [Global]) and rejects other receivers. A
// [Replaceable] one has a setter that shadows it with an own data property.
webidl.defineGlobalScopeAttribute = function defineGlobalScopeAttribute(name, get, replaceable) {
  const check = (self) => {
    if (self !== undefined && self !== null && self !== globalThis) throw webidl.illegalInvocation();
  };
  const holder = {
    get [name]() { check(this); return get(); },
    set [name](v) {
      check(this);
      Object.defineProperty(globalThis, name, { value: v, writable: true, enumerable: true, configurable: true });
    },
  };
  const desc = Object.getOwnPropertyDescriptor(holder, name);
  Object.defineProperty(WorkerGlobalScope.prototype, name, {
    get: desc.get, set: replaceable ? desc.set : undefined, enumerable: true, configurable: true,
  });
};
const globalCheck = (t) => (t === undefined || t === null || t === globalThis ? globalTarget : (() => { throw webidl.illegalInvocation(); })());
for (const name of ["error", "unhandledrejection", "rejectionhandled"]) {
  const holder = {};
  defineEventHandler(holder, name, globalCheck);
  const desc = Object.getOwnPropertyDescriptor(holder, `on${name}`);
  Object.defineProperty(globalThis, `on${name}`, desc);
}

// ---------------------------------------------------------------------------------
// reportError and unhandled rejections

function errorText(e) {
  if (priv.inspect !== undefined) return priv.inspect(e);
  if (e !== null && typeof e === "object" && typeof e.stack === "string") return e.stack;
  return String(e);
}
priv.errorText = errorText;

let reporting = false;
priv.reportError = function reportError(error) {
  let handled = false;
  if (!reporting) {
    reporting = true;
    try {
      let message = "";
      try {
        message = error !== null && typeof error === "object" && "message" in error ? String(error.message) : String(error);
      } catch { /* keep the empty message */ }
      const event = new ErrorEvent("error", { message, error, cancelable: true });
      handled = !priv.dispatchTrusted(globalTarget, event);
    } catch (e) {
      void e;
    } finally {
      reporting = false;
    }
  }
  if (!handled) {
    let text;
    try { text = errorText(error); } catch { text = "<error could not be formatted>"; }
    core.opSync(core.ops.op_console, 3, "Uncaught " + text);
  }
};
defineGlobalMethod("reportError", function reportError(e) {
  webidl.requiredArguments(arguments.length, 1, "Failed to execute 'reportError' on 'ServiceWorkerGlobalScope'");
  priv.reportError(e);
});

priv.onUnhandledRejection = function onUnhandledRejection(promise, reason) {
  if (!priv.hasListeners(globalTarget, "unhandledrejection")) return false;
  const event = new PromiseRejectionEvent("unhandledrejection", { promise, reason, cancelable: true });
  return !priv.dispatchTrusted(globalTarget, event);
};
