// Self-checking: MessageChannel, MessagePort, MessageEvent and BroadcastChannel within one
// isolate. Answers "ok" or the failures.
const failures = [];
function eq(name, got, want) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g !== w) failures.push(`${name}: got ${g}, want ${w}`);
}
function throws(name, fn, errName) {
  try {
    fn();
    failures.push(`${name}: did not throw`);
  } catch (e) {
    if (e.name !== errName) failures.push(`${name}: threw ${e.name} (${e.message}), want ${errName}`);
  }
}
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
// Resolves with the next `message` event on target (started through onmessage).
const next = (target) => new Promise((r) => { target.onmessage = r; });

async function run() {
  // MessageEvent.
  const e = new MessageEvent("message", { data: { a: 1 }, origin: "https://x", lastEventId: "7" });
  eq("MessageEvent fields", [e.type, e.data, e.origin, e.lastEventId, e.source, e.ports.length, e.bubbles, e.isTrusted], ["message", { a: 1 }, "https://x", "7", null, 0, false, false]);
  eq("ports frozen", Object.isFrozen(e.ports), true);
  eq("ports same array", e.ports === e.ports, true);
  throws("MessageEvent needs a type", () => new MessageEvent(), "TypeError");
  throws("ports must be MessagePorts", () => new MessageEvent("x", { ports: [{}] }), "TypeError");
  throws("source must be a port", () => new MessageEvent("x", { source: {} }), "TypeError");
  throws("initMessageEvent needs arguments", () => e.initMessageEvent(), "TypeError");
  e.initMessageEvent("other", true, false, 5);
  eq("initMessageEvent", [e.type, e.bubbles, e.data, e.origin], ["other", true, 5, ""]);
  eq("MessageEvent is an Event", e instanceof Event, true);

  // Channels and ports.
  const ch = new MessageChannel();
  eq("ports", [ch.port1 instanceof MessagePort, ch.port1 instanceof EventTarget, ch.port1 === ch.port1], [true, true, true]);
  throws("MessagePort is not constructible", () => new MessagePort(), "TypeError");
  throws("postMessage needs an argument", () => ch.port1.postMessage(), "TypeError");

  // Delivered as a task, cloned, trusted, with the receiving port as target.
  const obj = { n: 1, list: [1, 2], when: new Date(0), map: new Map([["k", "v"]]) };
  let got = next(ch.port2);
  let sync = true;
  ch.port1.postMessage(obj);
  obj.n = 2;
  await Promise.resolve();
  eq("not delivered in a microtask", sync, true);
  const ev = await got;
  sync = false;
  eq("data cloned at post time", ev.data.n, 1);
  eq("clone is a copy", ev.data !== obj && ev.data.map.get("k") === "v" && ev.data.when instanceof Date, true);
  eq("event", [ev.type, ev.target === ch.port2, ev.isTrusted, ev.bubbles, ev.cancelable, ev.origin, ev.source], ["message", true, true, false, false, "", null]);

  // Order, and both directions.
  const seen = [];
  ch.port2.onmessage = (m) => seen.push(m.data);
  for (let i = 0; i < 5; i++) ch.port1.postMessage(i);
  const back = next(ch.port1);
  ch.port2.postMessage("back");
  eq("reply", (await back).data, "back");
  await tick();
  eq("in order", seen, [0, 1, 2, 3, 4]);

  // One task per message, queued when it is posted: a timer the first handler sets runs
  // after the second message, whose task was already queued.
  const order = [];
  const c2 = new MessageChannel();
  c2.port2.onmessage = (m) => {
    order.push(m.data);
    if (m.data === "a") setTimeout(() => order.push("timer"), 0);
  };
  c2.port1.postMessage("a");
  c2.port1.postMessage("b");
  await tick(5);
  eq("one message per task", order, ["a", "b", "timer"]);

  // The queue starts disabled: addEventListener alone does not start it; start() does.
  const c3 = new MessageChannel();
  let count = 0;
  c3.port2.addEventListener("message", () => count++);
  c3.port1.postMessage(1);
  await tick(5);
  eq("disabled until start()", count, 0);
  c3.port2.start();
  await tick(5);
  eq("delivered after start()", count, 1);

  // Errors.
  throws("source port in transfer", () => c3.port1.postMessage(1, [c3.port1]), "DataCloneError");
  throws("uncloneable data", () => c3.port1.postMessage(() => 1), "DataCloneError");
  throws("symbol", () => c3.port1.postMessage(Symbol()), "DataCloneError");
  throws("port without transfer", () => c3.port1.postMessage({ p: new MessageChannel().port1 }), "DataCloneError");
  throws("transfer list of primitives", () => c3.port1.postMessage(1, [1]), "TypeError");
  const dup = new MessageChannel().port1;
  throws("duplicate port", () => c3.port1.postMessage(1, [dup, dup]), "DataCloneError");

  // Transferring ports: a new port object, messages queued before the transfer follow it.
  const a = new MessageChannel(), b = new MessageChannel();
  a.port2.postMessage("queued before");
  const arrived = next(b.port2);
  b.port1.postMessage({ port: a.port1, label: "here" }, [a.port1]);
  const t1 = await arrived;
  const moved = t1.ports[0];
  eq("transferred", [t1.ports.length, moved instanceof MessagePort, moved !== a.port1, t1.data.port === moved, t1.data.label], [1, true, true, true, "here"]);
  eq("event ports frozen", Object.isFrozen(t1.ports), true);
  throws("a shipped port cannot be transferred again", () => b.port1.postMessage(1, [a.port1]), "DataCloneError");
  const q1 = next(moved);
  eq("queued message follows the port", (await q1).data, "queued before");
  const q2 = next(moved);
  a.port2.postMessage("after");
  eq("still entangled", (await q2).data, "after");
  const rev = next(a.port2);
  moved.postMessage("reverse");
  eq("the moved port sends", (await rev).data, "reverse");
  // Options form, with an ArrayBuffer transferred alongside.
  const buf = new Uint8Array([1, 2, 3]).buffer;
  const withBuf = next(b.port2);
  b.port1.postMessage({ buf }, { transfer: [buf] });
  const gotBuf = (await withBuf).data.buf;
  eq("ArrayBuffer transferred", [buf.byteLength, gotBuf.byteLength, new Uint8Array(gotBuf)[2]], [0, 3, 3]);

  // close(): no more messages either way; the other port gets `close`.
  const c4 = new MessageChannel();
  let received = 0;
  c4.port1.onmessage = () => received++;
  const closed = new Promise((r) => { c4.port1.onclose = () => r("close"); });
  c4.port2.close();
  c4.port2.postMessage("lost");
  c4.port2.close(); // twice is fine
  eq("close event", await closed, "close");
  await tick(5);
  eq("nothing after close", received, 0);
  throws("a closed port cannot be transferred", () => c4.port1.postMessage(1, [c4.port2]), "DataCloneError");
  const c5 = new MessageChannel();
  let inflight = null;
  c5.port1.onmessage = (m) => { inflight = m.data; };
  c5.port2.postMessage("in flight");
  c5.port2.close();
  await tick(5);
  eq("in-flight message delivered after the sender closed", inflight, "in flight");
  throws("ports are not cloneable", () => structuredClone(c5.port1), "DataCloneError");
  throws("channels are not cloneable", () => structuredClone(new MessageChannel()), "DataCloneError");

  // BroadcastChannel: other channels of the same name, in creation order, not the sender.
  const x = new BroadcastChannel("news"), y = new BroadcastChannel("news"), z = new BroadcastChannel("other");
  eq("name", [x.name, new BroadcastChannel(12).name], ["news", "12"]);
  const heard = [];
  x.onmessage = (m) => heard.push(["x", m.data]);
  y.onmessage = (m) => heard.push(["y", m.data, m.isTrusted, m.source]);
  z.onmessage = (m) => heard.push(["z", m.data]);
  x.postMessage({ v: 1 });
  y.postMessage("hi");
  await tick(5);
  eq("broadcast", heard, [["y", { v: 1 }, true, null], ["x", "hi"]]);
  y.close();
  x.close();
  throws("postMessage after close", () => x.postMessage(1), "InvalidStateError");
  throws("BroadcastChannel needs a name", () => new BroadcastChannel(), "TypeError");
  throws("BroadcastChannel uncloneable", () => z.postMessage(Symbol()), "DataCloneError");
  z.close();
}

export default {
  async fetch() {
    failures.length = 0;
    try { await run(); } catch (e) { failures.push(`uncaught: ${e.stack || e}`); }
    return new Response(failures.length ? failures.join("\n") : "ok");
  },
};
