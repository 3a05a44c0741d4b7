// MessageEvent, MessageChannel, MessagePort and BroadcastChannel (HTML Living Standard,
// "Web messaging" and "Broadcasting to other browsing contexts"), within one isolate.
//
// Ports. The state of a port — its message queue, whether the queue is enabled, the port
// it is entangled with — is a PortRecord; the MessagePort object user code holds points
// at it. Transferring a port moves the record to a new MessagePort object (the old one is
// detached), so messages already queued travel with it, in order, and wait until the new
// port is started. A message is cloned when it is posted (StructuredSerializeWithTransfer
// and StructuredDeserializeWithTransfer in one step: nothing can observe the difference in
// one isolate), and delivered as a task of its own (a zero-delay timer), one message per
// task, in the order posted. Deserialization cannot fail here, so `messageerror` never
// fires (the handler attribute exists).
//
// Cloning uses the global structuredClone for everything but the ports: each transferred
// port carries a marker property while it is cloned, and the placeholder objects the clone
// makes of it are then replaced by the new ports. A port that is not in the transfer list
// cannot be cloned (DataCloneError), as the standard says.
//
// BroadcastChannel delivers to the other open channels of the same name in this isolate,
// in creation order, one task per destination; `origin` is `location.origin` where the
// global has a `location` (never on Workers), else "null".

const webidl = priv.webidl;
const { converters, configureInterface, illegalConstructorKey } = webidl;
const DOMException = priv.DOMException;
const Event = priv.Event;
const EventTarget = priv.EventTarget;
const EI = priv.eventInternals;
const structuredCloneFn = globalThis.structuredClone;
const ObjectFreeze = Object.freeze;
const ObjectDefineProperty = Object.defineProperty;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ObjectPrototypeHasOwnProperty = Object.prototype.hasOwnProperty;
const ObjectKeys = Object.keys;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectPrototype = Object.prototype;
const ArrayIsArray = Array.isArray;
const ReflectDeleteProperty = Reflect.deleteProperty;
const MapCtor = Map;
const SetCtor = Set;
const SymbolIterator = Symbol.iterator;
const MapPrototypeEntries = Map.prototype.entries;
const SetPrototypeValues = Set.prototype.values;
const MapSize = ObjectGetOwnPropertyDescriptor(Map.prototype, "size").get;
const SetSize = ObjectGetOwnPropertyDescriptor(Set.prototype, "size").get;

function isKind(v, getter) {
  try {
    getter.call(v);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------
// MessageEvent

let isMessageEvent;
let newMessageEvent; // (type, data, origin, ports array) → a MessageEvent, no conversions

function convertPort(v, prefix, context) {
  if (!isMessagePort(v)) throw new TypeError(`${prefix}: ${context} is not of type 'MessagePort'.`);
  return v;
}
const convertPorts = webidl.sequence(convertPort);

function convertSource(v, prefix, context) {
  if (v === null || v === undefined) return null;
  if (isMessagePort(v)) return v;
  throw new TypeError(`${prefix}: ${context} is not of type '(MessagePort or ServiceWorker or WindowProxy)'.`);
}

class MessageEvent extends Event {
  #data = null;
  #origin = "";
  #lastEventId = "";
  #source = null;
  #ports;

  constructor(type, eventInitDict = undefined) {
    const prefix = webidl.ctorPrefix("MessageEvent");
    webidl.requiredArguments(arguments.length, 1, prefix);
    if (type === illegalConstructorKey) {
      // Internal: newMessageEvent fills the fields in.
      super(eventInitDict);
      this.#ports = EMPTY_PORTS;
      return;
    }
    if (eventInitDict !== undefined && eventInitDict !== null && !webidl.isObject(eventInitDict)) {
      throw new TypeError(`${prefix}: The provided value is not of type 'MessageEventInit'.`);
    }
    super(type, eventInitDict);
    const init = eventInitDict == null ? {} : eventInitDict;
    let v = init.data;
    if (v !== undefined) this.#data = v;
    v = init.lastEventId;
    if (v !== undefined) this.#lastEventId = converters.DOMString(v, prefix, "'lastEventId' member of MessageEventInit");
    v = init.origin;
    if (v !== undefined) this.#origin = converters.USVString(v, prefix, "'origin' member of MessageEventInit");
    v = init.ports;
    this.#ports = v === undefined ? EMPTY_PORTS : ObjectFreeze(convertPorts(v, prefix, "'ports' member of MessageEventInit"));
    v = init.source;
    if (v !== undefined) this.#source = convertSource(v, prefix, "'source' member of MessageEventInit");
  }

  static #check(e) {
    if (!(webidl.isObject(e) && #ports in e)) throw webidl.illegalInvocation();
    return e;
  }
  get data() { return MessageEvent.#check(this).#data; }
  get origin() { return MessageEvent.#check(this).#origin; }
  get lastEventId() { return MessageEvent.#check(this).#lastEventId; }
  get source() { return MessageEvent.#check(this).#source; }
  get ports() { return MessageEvent.#check(this).#ports; }

  initMessageEvent(type, bubbles = false, cancelable = false, data = null, origin = "", lastEventId = "", source = null, ports = []) {
    MessageEvent.#check(this);
    const prefix = webidl.methodPrefix("MessageEvent", "initMessageEvent");
    webidl.requiredArguments(arguments.length, 1, prefix);
    type = converters.DOMString(type, prefix, "parameter 1");
    origin = converters.USVString(origin, prefix, "parameter 5");
    lastEventId = converters.DOMString(lastEventId, prefix, "parameter 6");
    source = convertSource(source, prefix, "parameter 7");
    ports = ObjectFreeze(convertPorts(ports, prefix, "parameter 8"));
    if (EI.dispatching(this)) return;
    this.initEvent(type, bubbles, cancelable);
    this.#data = data;
    this.#origin = origin;
    this.#lastEventId = lastEventId;
    this.#source = source;
    this.#ports = ports;
  }

  static {
    isMessageEvent = (v) => webidl.isObject(v) && #ports in v;
    newMessageEvent = (type, data, origin, ports) => {
      const e = new MessageEvent(illegalConstructorKey, type);
      e.#data = data;
      e.#origin = origin;
      e.#ports = ports;
      return e;
    };
  }
}
const EMPTY_PORTS = ObjectFreeze([]);
configureInterface(MessageEvent);
core.defineGlobal("MessageEvent", MessageEvent);
priv.MessageEvent = MessageEvent;
priv.newMessageEvent = (type, data, origin = "", ports = EMPTY_PORTS) => newMessageEvent(type, data, origin, ports);

// ---------------------------------------------------------------------------------
// Tasks

// Runs fn(arg) as a task of its own, after the tasks already queued.
function queueTask(fn, arg) {
  core.setTimer(fn, 0, [arg], false);
}

function dispatch(target, event) {
  priv.dispatchTrusted(target, event);
}

// ---------------------------------------------------------------------------------
// MessagePort

class PortRecord {
  constructor() {
    this.owner = null;  // the MessagePort that holds this record
    this.remote = null; // the entangled PortRecord, or null
    this.queue = [];    // messages: { data, ports }
    this.head = 0;
    this.enabled = false;
    this.scheduled = 0; // delivery tasks queued and not yet run
  }
}

let isMessagePort;
let portRecord; // (port) → its PortRecord, or null when detached
let detachPort; // (port) → its PortRecord, leaving the port detached
let newPort;    // (record) → a MessagePort that holds it

function entangle(a, b) {
  a.remote = b;
  b.remote = a;
}

// Queues one delivery task per queued message that has none yet (an enabled queue only).
function schedule(rec) {
  if (!rec.enabled) return;
  const want = rec.queue.length - rec.head;
  for (; rec.scheduled < want; rec.scheduled++) queueTask(deliver, rec);
}

// One task: delivers the first queued message, if the port still wants it (a task left
// over from before a transfer or close finds the queue disabled and does nothing).
function deliver(rec) {
  rec.scheduled--;
  const port = rec.owner;
  if (!rec.enabled || port === null || rec.head >= rec.queue.length) return;
  const msg = rec.queue[rec.head];
  rec.queue[rec.head++] = undefined;
  if (rec.head === rec.queue.length) {
    rec.queue = [];
    rec.head = 0;
  }
  dispatch(port, newMessageEvent("message", msg.data, "", msg.ports));
}

// Disentangles rec from its remote port, which gets a `close` event.
function disentangle(rec) {
  const other = rec.remote;
  if (other === null) return;
  rec.remote = null;
  other.remote = null;
  queueTask(fireClose, other);
}

function fireClose(rec) {
  if (rec.owner !== null) dispatch(rec.owner, new Event("close"));
}

class MessagePort extends EventTarget {
  #rec = null;

  constructor(key = undefined, rec = undefined) {
    if (key !== illegalConstructorKey || !(rec instanceof PortRecord)) throw webidl.illegalConstructor();
    super();
    this.#rec = rec;
    rec.owner = this;
  }

  static #check(p) {
    if (!(webidl.isObject(p) && #rec in p)) throw webidl.illegalInvocation();
    return p;
  }

  postMessage(message, transferOrOptions = undefined) {
    const self = MessagePort.#check(this);
    const prefix = webidl.methodPrefix("MessagePort", "postMessage");
    webidl.requiredArguments(arguments.length, 1, prefix);
    const transfer = convertTransfer(transferOrOptions, prefix);
    for (let i = 0; i < transfer.length; i++) {
      if (transfer[i] === self) throw new DOMException(`${prefix}: The source port cannot be in the transfer list.`, "DataCloneError");
    }
    const rec = self.#rec;
    const target = rec === null ? null : rec.remote;
    let doomed = false;
    if (target !== null) {
      for (let i = 0; i < transfer.length; i++) if (transfer[i] === target.owner) doomed = true;
    }
    const { data, ports } = serializeWithTransfer(message, transfer, prefix);
    if (target === null || doomed) return;
    target.queue.push({ data, ports });
    schedule(target);
  }

  start() {
    const rec = MessagePort.#check(this).#rec;
    if (rec === null || rec.enabled) return;
    rec.enabled = true;
    schedule(rec);
  }

  close() {
    const self = MessagePort.#check(this);
    const rec = self.#rec;
    if (rec === null) return;
    self.#rec = null;
    rec.owner = null;
    rec.enabled = false;
    rec.queue = [];
    rec.head = 0;
    disentangle(rec);
  }

  static {
    isMessagePort = (v) => webidl.isObject(v) && #rec in v;
    portRecord = (p) => p.#rec;
    detachPort = (p) => {
      const rec = p.#rec;
      p.#rec = null;
      return rec;
    };
    newPort = (rec) => new MessagePort(illegalConstructorKey, rec);
  }
}
const portCheck = (p) => {
  if (!isMessagePort(p)) throw webidl.illegalInvocation();
  return p;
};
priv.defineEventHandler(MessagePort.prototype, "message", portCheck);
priv.defineEventHandler(MessagePort.prototype, "messageerror", portCheck);
priv.defineEventHandler(MessagePort.prototype, "close", portCheck);
{
  // Setting onmessage starts the port's queue (HTML: "implicit start").
  const desc = ObjectGetOwnPropertyDescriptor(MessagePort.prototype, "onmessage");
  const set = desc.set;
  ObjectDefineProperty(MessagePort.prototype, "onmessage", {
    get: desc.get,
    set: function onmessage(value) {
      set.call(this, value);
      MessagePort.prototype.start.call(this);
    },
    enumerable: true,
    configurable: true,
  });
}
configureInterface(MessagePort);
core.defineGlobal("MessagePort", MessagePort);
priv.isMessagePort = isMessagePort;

// ---------------------------------------------------------------------------------
// StructuredSerializeWithTransfer / StructuredDeserializeWithTransfer, with ports

const PORT_MARK = "\u0000edged.messagePort";
const transferring = new SetCtor(); // ports being transferred right now

// A MessagePort is transferable, not serializable: structuredClone rejects one unless it
// is being transferred (then it is cloned as a placeholder, replaced below).
if (typeof priv.registerPlatformObject === "function") {
  priv.registerPlatformObject((v) => isMessagePort(v) && !transferring.has(v));
}

// postMessage's second argument: a sequence<object>, or StructuredSerializeOptions.
function convertTransfer(v, prefix) {
  if (v === undefined || v === null) return [];
  if (!webidl.isObject(v)) throw new TypeError(`${prefix}: The provided value is not of type 'StructuredSerializeOptions'.`);
  const method = v[SymbolIterator];
  if (method !== undefined && method !== null) return webidl.sequence(converters.object)(v, prefix, "parameter 2");
  const t = v.transfer;
  if (t === undefined) return [];
  return webidl.sequence(converters.object)(t, prefix, "'transfer' member of StructuredSerializeOptions");
}

// Clones message, transferring the ports and buffers in transfer. Returns the clone and
// the new ports (a frozen array, in transfer-list order).
function serializeWithTransfer(message, transfer, prefix) {
  const ports = [];
  const others = [];
  for (let i = 0; i < transfer.length; i++) {
    const t = transfer[i];
    if (isMessagePort(t)) {
      if (ports.includes(t)) throw new DOMException(`${prefix}: Message port at index ${i} is a duplicate of an earlier port.`, "DataCloneError");
      if (portRecord(t) === null) throw new DOMException(`${prefix}: Message port at index ${i} is detached (closed or already transferred).`, "DataCloneError");
      ports.push(t);
    } else {
      others.push(t);
    }
  }
  if (ports.length === 0) {
    return { data: structuredCloneFn(message, others.length > 0 ? { transfer: others } : undefined), ports: EMPTY_PORTS };
  }
  let data;
  // structuredClone rejects every EventTarget (a test of 22_timers.js that reads
  // priv.isEventTarget when it runs): while the ports are cloned, that test leaves them out.
  const isEventTarget = priv.isEventTarget;
  try {
    for (let i = 0; i < ports.length; i++) {
      transferring.add(ports[i]);
      ObjectDefineProperty(ports[i], PORT_MARK, { value: i, enumerable: true, configurable: true });
    }
    priv.isEventTarget = (v) => !transferring.has(v) && isEventTarget(v);
    data = structuredCloneFn(message, others.length > 0 ? { transfer: others } : undefined);
  } finally {
    priv.isEventTarget = isEventTarget;
    for (let i = 0; i < ports.length; i++) {
      transferring.delete(ports[i]);
      ReflectDeleteProperty(ports[i], PORT_MARK);
    }
  }
  // Transfer: each record moves to a new port; the old objects are detached.
  const moved = [];
  for (let i = 0; i < ports.length; i++) {
    const rec = detachPort(ports[i]);
    rec.enabled = false;
    moved.push(newPort(rec));
  }
  const newPorts = ObjectFreeze(moved);
  return { data: replacePlaceholders(data, newPorts, new SetCtor()), ports: newPorts };
}

// The clone holds a plain object { [PORT_MARK]: i } wherever the message held port i.
function placeholderIndex(v) {
  if (v === null || typeof v !== "object" || !ObjectPrototypeHasOwnProperty.call(v, PORT_MARK)) return -1;
  return v[PORT_MARK];
}

function replacePlaceholders(v, ports, seen) {
  if (v === null || typeof v !== "object") return v;
  const i = placeholderIndex(v);
  if (i >= 0) return ports[i];
  if (seen.has(v)) return v;
  seen.add(v);
  if (isKind(v, MapSize)) {
    const entries = [...MapPrototypeEntries.call(v)];
    let changed = false;
    for (const e of entries) {
      const k = replacePlaceholders(e[0], ports, seen);
      const x = replacePlaceholders(e[1], ports, seen);
      if (k !== e[0] || x !== e[1]) changed = true;
      e[0] = k;
      e[1] = x;
    }
    if (changed) {
      v.clear();
      for (const e of entries) v.set(e[0], e[1]);
    }
    return v;
  }
  if (isKind(v, SetSize)) {
    const values = [...SetPrototypeValues.call(v)];
    const out = values.map((x) => replacePlaceholders(x, ports, seen));
    if (out.some((x, j) => x !== values[j])) {
      v.clear();
      for (const x of out) v.add(x);
    }
    return v;
  }
  // Arrays and plain objects: the clone's other objects (buffers, views, dates...) hold
  // no references to walk.
  if (ArrayIsArray(v) || ObjectGetPrototypeOf(v) === ObjectPrototype) {
    const keys = ObjectKeys(v);
    for (let j = 0; j < keys.length; j++) {
      const x = v[keys[j]];
      if (x !== null && typeof x === "object") v[keys[j]] = replacePlaceholders(x, ports, seen);
    }
  }
  return v;
}

// ---------------------------------------------------------------------------------
// MessageChannel

class MessageChannel {
  #port1;
  #port2;
  constructor() {
    const a = new PortRecord();
    const b = new PortRecord();
    entangle(a, b);
    this.#port1 = newPort(a);
    this.#port2 = newPort(b);
  }
  static #check(c) {
    if (!(webidl.isObject(c) && #port1 in c)) throw webidl.illegalInvocation();
    return c;
  }
  get port1() { return MessageChannel.#check(this).#port1; }
  get port2() { return MessageChannel.#check(this).#port2; }
  static {
    if (typeof priv.registerPlatformObject === "function") priv.registerPlatformObject((v) => webidl.isObject(v) && #port1 in v);
  }
}
configureInterface(MessageChannel);
core.defineGlobal("MessageChannel", MessageChannel);

// ---------------------------------------------------------------------------------
// BroadcastChannel

const channelsByName = new MapCtor(); // name → BroadcastChannel[] (open ones, creation order)
let isBroadcastChannel;
let isClosed;

function globalOrigin() {
  const loc = globalThis.location;
  if (loc !== null && typeof loc === "object") {
    try {
      const o = loc.origin;
      if (typeof o === "string") return o;
    } catch { /* no origin */ }
  }
  return "null";
}

class BroadcastChannel extends EventTarget {
  #name;
  #closed = false;

  constructor(name) {
    const prefix = webidl.ctorPrefix("BroadcastChannel");
    webidl.requiredArguments(arguments.length, 1, prefix);
    name = converters.DOMString(name, prefix, "parameter 1");
    super();
    this.#name = name;
    let list = channelsByName.get(name);
    if (list === undefined) {
      list = [];
      channelsByName.set(name, list);
    }
    list.push(this);
  }

  static #check(c) {
    if (!(webidl.isObject(c) && #name in c)) throw webidl.illegalInvocation();
    return c;
  }

  get name() { return BroadcastChannel.#check(this).#name; }

  postMessage(message) {
    const self = BroadcastChannel.#check(this);
    const prefix = webidl.methodPrefix("BroadcastChannel", "postMessage");
    webidl.requiredArguments(arguments.length, 1, prefix);
    if (self.#closed) throw new DOMException(`${prefix}: Channel is closed`, "InvalidStateError");
    const data = structuredCloneFn(message);
    const list = channelsByName.get(self.#name).slice();
    const origin = globalOrigin();
    let first = true;
    for (let i = 0; i < list.length; i++) {
      const dest = list[i];
      if (dest === self) continue;
      // Each destination gets its own copy (its own deserialization).
      queueTask(deliverBroadcast, { dest, data: first ? data : structuredCloneFn(data), origin });
      first = false;
    }
  }

  close() {
    const self = BroadcastChannel.#check(this);
    if (self.#closed) return;
    self.#closed = true;
    const list = channelsByName.get(self.#name);
    const i = list.indexOf(self);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) channelsByName.delete(self.#name);
  }

  static {
    isBroadcastChannel = (v) => webidl.isObject(v) && #name in v;
    isClosed = (c) => c.#closed;
  }
}

function deliverBroadcast(m) {
  if (isClosed(m.dest)) return;
  dispatch(m.dest, newMessageEvent("message", m.data, m.origin, EMPTY_PORTS));
}

const channelCheck = (c) => {
  if (!isBroadcastChannel(c)) throw webidl.illegalInvocation();
  return c;
};
priv.defineEventHandler(BroadcastChannel.prototype, "message", channelCheck);
priv.defineEventHandler(BroadcastChannel.prototype, "messageerror", channelCheck);
configureInterface(BroadcastChannel);
core.defineGlobal("BroadcastChannel", BroadcastChannel);
if (typeof priv.registerPlatformObject === "function") {
  priv.registerPlatformObject((v) => isBroadcastChannel(v) || isMessageEvent(v));
}
