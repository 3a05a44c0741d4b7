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
