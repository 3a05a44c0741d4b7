package crypto_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/edged-dev/edged/runtime"
)

// crypto.subtle through the whole stack: a warm request whose handler makes one
// WebCrypto call (argument checks in JS, the op, the goroutine, the completion).
const benchWorker = `
const data = new Uint8Array(256).fill(120);
let keys;
async function setup() {
  const hmac = await crypto.subtle.importKey("raw", new Uint8Array(32).fill(1), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  const ec = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
  const ed = await crypto.subtle.generateKey("Ed25519", false, ["sign", "verify"]);
  return {
    hmac, hmacSig: await crypto.subtle.sign("HMAC", hmac, data),
    ec, ecSig: await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, ec.privateKey, data),
    ed, edSig: await crypto.subtle.sign("Ed25519", ed.privateKey, data),
  };
}
const ops = {
  async digest() { return (await crypto.subtle.digest("SHA-256", data)).byteLength === 32; },
  async "hmac-verify"(k) { return crypto.subtle.verify("HMAC", k.hmac, k.hmacSig, data); },
  async "ecdsa-sign"(k) { return (await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, k.ec.privateKey, data)).byteLength === 64; },
  async "ecdsa-verify"(k) { return crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, k.ec.publicKey, k.ecSig, data); },
  async "ed25519-verify"(k) { return crypto.subtle.verify("Ed25519", k.ed.publicKey, k.edSig, data); },
};
export default {
  async fetch(request) {
    keys ??= await setup();
    const ok = await ops[new URL(request.url).pathname.slice(1)](keys);
    return new Response(ok ? "ok" : "bad");
  },
};
`

func BenchmarkJS(b *testing.B) {
	w, err := runtime.New(runtime.Config{
		MainModule: "worker.js",
		Modules:    map[string]string{"worker.js": benchWorker},
		Limits:     runtime.Limits{Isolates: 1},
		Console:    func(string, int, string) {},
	})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close(context.Background())
	for _, name := range []string{"digest", "hmac-verify", "ecdsa-sign", "ecdsa-verify", "ed25519-verify"} {
		b.Run(name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "http://example.com/"+name, nil)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				w.ServeHTTP(rec, req)
				if rec.Body.String() != "ok" {
					b.Fatalf("got %d %q", rec.Code, rec.Body.String())
				}
			}
		})
	}
}
