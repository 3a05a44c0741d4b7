package runtime

import "testing"

// WebAssembly: sync compile, async compile (which V8 finishes through a foreground
// task the loop must pump), and a trap as a catchable RuntimeError.
func TestWebAssembly(t *testing.T) {
	w, log := newTestWorker(t, `
// (module (memory 1) (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
//         (func (export "oob") (result i32) i32.const 70000 i32.load))
const bytes = new Uint8Array([0,97,115,109,1,0,0,0,1,11,2,96,2,127,127,1,127,96,0,1,127,3,3,2,0,1,5,3,1,0,1,7,13,2,3,97,100,100,0,0,3,111,111,98,0,1,10,19,2,7,0,32,0,32,1,106,11,9,0,65,240,162,4,40,2,0,11]);
export default { async fetch(req) {
  const p = new URL(req.url).pathname;
  if (p === "/sync") {
    const i = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    return new Response(String(i.exports.add(2, 3)));
  }
  const { instance } = await WebAssembly.instantiate(bytes);
  if (p === "/trap") {
    try { instance.exports.oob(); return new Response("no trap"); }
    catch (e) { return new Response(e.constructor.name + ": " + (e instanceof WebAssembly.RuntimeError)); }
  }
  return new Response(String(instance.exports.add(2, 40)));
} };`, Limits{})
	for path, want := range map[string]string{"/sync": "5", "/async": "42", "/trap": "RuntimeError: true"} {
		if _, got := getVia(t, w, path); got != want {
			t.Errorf("%s: got %q, want %q (console: %s)", path, got, want, log)
		}
	}
}

func TestArrayBufferTransfer(t *testing.T) {
	w, log := newTestWorker(t, `export default { fetch() {
		const a = new Uint8Array([1, 2, 3]).buffer;
		const b = a.transfer();
		const out = [a.detached, a.byteLength, b.byteLength, new Uint8Array(b)[2], b.detached];
		const c = b.transfer(5);
		out.push(c.byteLength, new Uint8Array(c)[4]);
		try { a.transfer(); out.push("no throw"); } catch (e) { out.push(e.constructor.name); }
		const src = new Uint8Array([9, 8]);
		const clone = structuredClone(src, { transfer: [src.buffer] });
		out.push(src.byteLength, clone[0], clone.buffer.byteLength);
		return new Response(out.join(","));
	} };`, Limits{})
	if _, got := getVia(t, w, "/"); got != "true,0,3,3,false,5,0,TypeError,0,9,2" {
		t.Errorf("got %q (console: %s)", got, log)
	}
}

// WebAssembly's streaming functions exist when the module's top level runs.
func TestWasmStreamingAtTopLevel(t *testing.T) {
	w, log := newTestWorker(t, `const kinds = [typeof WebAssembly.compileStreaming, typeof WebAssembly.instantiateStreaming];
export default { fetch() { return new Response(kinds.join(",")); } };`, Limits{})
	if _, got := getVia(t, w, "/"); got != "function,function" {
		t.Errorf("got %q (console: %s)", got, log)
	}
}
