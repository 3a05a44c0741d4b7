// Self-checking: structuredClone (HTML structured serialize/deserialize).
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

async function run() {
  eq("primitives", [1, "s", true, null, undefined, -0, NaN, 10n].map((v) => structuredClone(v)).map((v) => (typeof v === "bigint" ? `${v}n` : Object.is(v, -0) ? "-0" : Number.isNaN(v) ? "NaN" : v === undefined ? "undef" : v)), [1, "s", true, null, "undef", "-0", "NaN", "10n"]);
  const wrappers = structuredClone([new Number(3), new String("s"), new Boolean(false), Object(5n)]);
  eq("wrappers", wrappers.map((w) => [typeof w, Object.prototype.toString.call(w), String(w.valueOf())]), [["object", "[object Number]", "3"], ["object", "[object String]", "s"], ["object", "[object Boolean]", "false"], ["object", "[object BigInt]", "5"]]);
  const d = new Date(1234567890);
  const dc = structuredClone(d);
  eq("Date", [dc !== d, dc instanceof Date, dc.getTime()], [true, true, 1234567890]);
  const re = /ab+c/gi;
  re.lastIndex = 3;
  const rc = structuredClone(re);
  eq("RegExp", [rc !== re, rc.source, rc.flags, rc.lastIndex], [true, "ab+c", "gi", 0]);

  const buf = new Uint8Array([1, 2, 3, 4]).buffer;
  const bc = structuredClone(buf);
  eq("ArrayBuffer copied", [bc !== buf, bc.byteLength, [...new Uint8Array(bc)]], [true, 4, [1, 2, 3, 4]]);
  for (const T of [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array]) {
    const src = new T(4);
    src[1] = T.name.startsWith("Big") ? 7n : 7;
    const c = structuredClone(src);
    eq(`${T.name}`, [c.constructor === T, c.length, String(c[1]), c.buffer !== src.buffer], [true, 4, "7", true]);
  }
  const shared = new ArrayBuffer(8);
  const views = structuredClone({ a: new Uint8Array(shared, 2, 3), b: new DataView(shared, 4), c: shared });
  eq("views share the cloned buffer", [views.a.buffer === views.c, views.b.buffer === views.c, views.a.byteOffset, views.a.length, views.b.byteOffset, views.b.byteLength], [true, true, 2, 3, 4, 4]);

  const map = new Map([[{ k: 1 }, new Set([1, 2])], ["s", "v"]]);
  const mc = structuredClone(map);
  eq("Map", [mc instanceof Map, mc.size, [...mc.values()][0] instanceof Set, [...mc.keys()][0].k, mc.get("s")], [true, 2, true, 1, "v"]);
  const arr = [1, , 3];
  arr.extra = "prop";
  const ac = structuredClone(arr);
  eq("Array with holes", [ac.length, 1 in ac, ac[2], ac.extra], [3, false, 3, "prop"]);
  eq("sparse length", structuredClone(new Array(5)).length, 5);

  const obj = { a: 1, nested: { b: [1, { c: 2 }] } };
  obj.self = obj;
  obj.nested.parent = obj;
  const oc = structuredClone(obj);
  eq("circular", [oc !== obj, oc.self === oc, oc.nested.parent === oc, oc.nested.b[1].c], [true, true, true, 2]);
  const same = { x: 1 };
  const pair = structuredClone([same, same]);
  eq("shared references kept", pair[0] === pair[1], true);

  class Point { constructor() { this.x = 1; } get y() { return 2; } }
  const pc = structuredClone(new Point());
  eq("class instance becomes plain object", [Object.getPrototypeOf(pc) === Object.prototype, pc.x, pc.y], [true, 1, undefined]);
  const withSym = structuredClone({ [Symbol("s")]: 1, s: 2 });
  eq("symbol keys dropped", [Object.getOwnPropertySymbols(withSym).length, withSym.s], [0, 2]);
  eq("non-enumerable dropped", Object.keys(structuredClone(Object.defineProperty({}, "h", { value: 1 }))).length, 0);
  eq("getter value copied", structuredClone({ get g() { return 5; } }).g, 5);

  for (const [E, name] of [[Error, "Error"], [TypeError, "TypeError"], [RangeError, "RangeError"], [SyntaxError, "SyntaxError"], [ReferenceError, "ReferenceError"], [EvalError, "EvalError"], [URIError, "URIError"]]) {
    const ec = structuredClone(new E("msg"));
    eq(`${name} clone`, [ec instanceof E, ec.name, ec.message], [true, name, "msg"]);
  }
  class CustomError extends Error { constructor(m) { super(m); this.name = "CustomError"; } }
  const cec = structuredClone(new CustomError("c"));
  eq("unknown error name becomes Error", [cec.constructor === Error, cec.message], [true, "c"]);
  const de = structuredClone(new DOMException("gone", "NotFoundError"));
  eq("DOMException clone", [de instanceof DOMException, de.name, de.message, de.code], [true, "NotFoundError", "gone", 8]);

  for (const [label, v] of [["function", () => 1], ["symbol", Symbol("x")], ["WeakMap", new WeakMap()], ["WeakSet", new WeakSet()], ["Promise", Promise.resolve()], ["nested function", { f() {} }], ["symbol in array", [Symbol()]], ["Headers", new Headers()], ["Request", new Request("https://e.com")], ["Response", new Response()], ["EventTarget", new EventTarget()], ["AbortSignal", AbortSignal.abort()]]) {
    throws(`DataCloneError for ${label}`, () => structuredClone(v), "DataCloneError");
  }
  eq("DataCloneError code", (() => { try { structuredClone(() => 1); } catch (e) { return [e instanceof DOMException, e.code]; } })(), [true, 25]);
  throws("no argument", () => structuredClone(), "TypeError");
  throws("transfer of a non-transferable", () => structuredClone(1, { transfer: [{}] }), "DataCloneError");
  throws("duplicate transfer", () => { const b = new ArrayBuffer(1); structuredClone(b, { transfer: [b, b] }); }, "DataCloneError");
  eq("empty transfer list", structuredClone({ a: 1 }, { transfer: [] }).a, 1);
}

export default {
  async fetch(request) {
    try { await run(request); } catch (e) { failures.push(`uncaught: ${e.stack || e}`); }
    return new Response(failures.length ? failures.join("\n") : "ok");
  },
};
