package server

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quic-go/quic-go"
	"github.com/quic-go/quic-go/http3"

	"github.com/edged-dev/edged/config"
	"github.com/edged-dev/edged/runtime"
	"github.com/edged-dev/edged/server/egress"
)

// Listeners in test configs use port 0 on distinct loopback addresses
// (127.0.0.1, .2, .3): the config refuses the same "host:0" twice.

// fixture is a temp folder with an edged.toml, worker scripts and certificates.
type fixture struct {
	t    *testing.T
	dir  string
	pool *x509.CertPool
	log  *syncBuffer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return &fixture{t: t, dir: t.TempDir(), pool: x509.NewCertPool(), log: &syncBuffer{}}
}

func (f *fixture) write(name, content string) string {
	f.t.Helper()
	p := filepath.Join(f.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.t.Fatal(err)
	}
	// Write aside and rename, so a concurrent reload never reads half a file.
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		f.t.Fatal(err)
	}
	if err := os.Rename(tmp, p); err != nil {
		f.t.Fatal(err)
	}
	return p
}

// cert writes a certificate for names as <file>.pem and <file>.key and trusts it.
func (f *fixture) cert(file string, names ...string) {
	f.t.Helper()
	c, err := DevCertificate(names...)
	if err != nil {
		f.t.Fatal(err)
	}
	key, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		f.t.Fatal(err)
	}
	f.write(file+".pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate[0]})))
	f.write(file+".key", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key})))
	f.pool.AddCert(c.Leaf)
}

func (f *fixture) load() (*config.Edged, error) {
	cfg, _, err := config.LoadEdged(filepath.Join(f.dir, "edged.toml"), func(k string) (string, bool) {
		switch k {
		case "TEST_ADMIN_TOKEN":
			return "0123456789abcdef-token", true
		case "TEST_SECRET_A":
			return "secret-of-a", true
		}
		return "", false
	})
	return cfg, err
}

// start loads edged.toml and starts a host on it.
func (f *fixture) start(opts HostOptions) *Host {
	f.t.Helper()
	cfg, err := f.load()
	if err != nil {
		f.t.Fatal(err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewJSONHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	opts.LoadConfig = f.load
	h, err := NewHost(cfg, opts)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := h.Start(); err != nil {
		h.Close()
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { h.Close() })
	return h
}

func writeFile(dir, name, content string) error {
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(content), 0o644)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

const echoWorker = `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    return new Response(env.NAME + " " + url.pathname, { headers: { "x-worker": env.NAME } });
  },
};`

func body(t *testing.T, resp *http.Response, err error) string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// dialTo sends every connection to addr, whatever host the URL names.
func dialTo(addr string) func(ctx context.Context, network, _ string) (net.Conn, error) {
	return func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
}

const protocolsToml = `
[server]
listen = ["127.0.0.1:0"]
tls_listen = ["127.0.0.2:0"]
h2c = true
http3 = true
[[server.tls]]
server_names = ["a.test"]
cert = "a.pem"
key = "a.key"
[[server.tls]]
server_names = ["*.b.test"]
cert = "b.pem"
key = "b.key"

[[workers]]
name = "a"
path = "a.js"
compatibility_date = "2025-01-01"
vars = { NAME = "a" }

[[workers]]
name = "b"
path = "b.js"
compatibility_date = "2025-01-01"
vars = { NAME = "b" }

[[routes]]
pattern = "a.test/*"
worker = "a"
[[routes]]
pattern = "*.b.test/*"
worker = "b"
[[routes]]
pattern = "a.test/b/*"
worker = "b"
`

// HTTP/1.1, h2c, HTTP/1.1 and HTTP/2 over TLS and HTTP/3 all reach the routed
// worker, each with the certificate of its SNI name.
func TestProtocols(t *testing.T) {
	f := newFixture(t)
	f.cert("a", "a.test")
	f.cert("b", "*.b.test")
	f.write("a.js", echoWorker)
	f.write("b.js", echoWorker)
	f.write("edged.toml", protocolsToml)
	h := f.start(HostOptions{})
	a := h.Addrs()
	plain, tlsAddr := a.HTTP[0], a.HTTPS[0]
	_, port, _ := net.SplitHostPort(tlsAddr)
	if len(a.HTTP3) != 1 || !strings.HasSuffix(a.HTTP3[0], ":"+port) {
		t.Fatalf("HTTP/3 listens on %v, want the TLS port %s", a.HTTP3, port)
	}

	type client struct {
		name      string
		rt        http.RoundTripper
		scheme    string
		wantProto string
	}
	var h1, h2c, tls1, tls2 http.Protocols
	h1.SetHTTP1(true)
	h2c.SetUnencryptedHTTP2(true)
	tls1.SetHTTP1(true)
	tls2.SetHTTP2(true)
	tlsConf := &tls.Config{RootCAs: f.pool}
	h3 := &http3.Transport{
		TLSClientConfig: tlsConf,
		Dial: func(ctx context.Context, _ string, tc *tls.Config, qc *quic.Config) (*quic.Conn, error) {
			return quic.DialAddrEarly(ctx, a.HTTP3[0], tc, qc)
		},
	}
	defer h3.Close()
	clients := []client{
		{"http1", &http.Transport{DialContext: dialTo(plain), Protocols: &h1}, "http", "HTTP/1.1"},
		{"h2c", &http.Transport{DialContext: dialTo(plain), Protocols: &h2c}, "http", "HTTP/2.0"},
		{"https1", &http.Transport{DialContext: dialTo(tlsAddr), Protocols: &tls1, TLSClientConfig: tlsConf}, "https", "HTTP/1.1"},
		{"https2", &http.Transport{DialContext: dialTo(tlsAddr), Protocols: &tls2, TLSClientConfig: tlsConf}, "https", "HTTP/2.0"},
		{"http3", h3, "https", "HTTP/3.0"},
	}
	routes := []struct{ host, path, want string }{
		{"a.test", "/x", "a /x"},
		{"a.test", "/b/c", "b /b/c"},
		{"www.b.test", "/", "b /"},
	}
	for _, c := range clients {
		t.Run(c.name, func(t *testing.T) {
			hc := &http.Client{Transport: c.rt, Timeout: 10 * time.Second}
			for _, r := range routes {
				resp, err := hc.Get(c.scheme + "://" + r.host + ":" + port + r.path)
				got := body(t, resp, err)
				if got != r.want {
					t.Errorf("%s%s: got %q, want %q", r.host, r.path, got, r.want)
				}
				if resp.Proto != c.wantProto {
					t.Errorf("proto: got %s, want %s", resp.Proto, c.wantProto)
				}
				if resp.Header.Get("X-Request-Id") == "" {
					t.Errorf("no X-Request-Id")
				}
				if c.scheme == "https" {
					if got, want := resp.Header.Get("Alt-Svc"), `h3=":`+port+`"; ma=86400`; got != want {
						t.Errorf("Alt-Svc: got %q, want %q", got, want)
					}
					names := resp.TLS.PeerCertificates[0].DNSNames
					if !contains(names, r.host) && !contains(names, "*"+r.host[strings.Index(r.host, "."):]) {
						t.Errorf("%s was served the certificate for %v", r.host, names)
					}
				}
			}
			resp, err := hc.Get(c.scheme + "://nobody.test:" + port + "/")
			if c.scheme == "https" {
				// No certificate for the name: the handshake fails.
				if err == nil {
					resp.Body.Close()
					t.Errorf("unknown SNI name: got %d, want a handshake error", resp.StatusCode)
				}
				return
			}
			got := body(t, resp, err)
			if resp.StatusCode != 404 || !strings.Contains(got, "no worker is routed") {
				t.Errorf("unrouted host: got %d %q, want 404", resp.StatusCode, got)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// The single-file form with a dev certificate answers HTTP/1.1, HTTP/2 and HTTP/3
// on one port number.
func TestSingleDevTLS(t *testing.T) {
	f := newFixture(t)
	file := f.write("hello.js", `export default { fetch(req, env) { return new Response("hello " + env.WHO); } }`)
	cert, err := DevCertificate()
	if err != nil {
		t.Fatal(err)
	}
	f.pool.AddCert(cert.Leaf)
	s := Single{File: file, Addr: "127.0.0.1:0", TLS: true, Vars: map[string]any{"WHO": "you"}}
	cfg, err := s.Config()
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHost(cfg, HostOptions{DefaultCert: &cert, LoadConfig: s.Config, Logger: slog.New(slog.NewJSONHandler(f.log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Start(); err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	addr := h.Addrs().HTTPS[0]
	tlsConf := &tls.Config{RootCAs: f.pool}
	var p1, p2 http.Protocols
	p1.SetHTTP1(true)
	p2.SetHTTP2(true)
	h3 := &http3.Transport{TLSClientConfig: tlsConf}
	defer h3.Close()
	for _, rt := range []http.RoundTripper{
		&http.Transport{Protocols: &p1, TLSClientConfig: tlsConf},
		&http.Transport{Protocols: &p2, TLSClientConfig: tlsConf},
		h3,
	} {
		resp, err := (&http.Client{Transport: rt, Timeout: 10 * time.Second}).Get("https://" + addr + "/")
		if got := body(t, resp, err); got != "hello you" {
			t.Errorf("%s: got %q", resp.Proto, got)
		}
	}
}

// Two workers cannot see each other's globals or env.
func TestTenantIsolation(t *testing.T) {
	f := newFixture(t)
	src := `let hits = 0;
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/set") globalThis.shared = env.NAME + ":" + (env.SECRET ?? "none");
    hits++;
    return Response.json({ name: env.NAME, secret: env.SECRET ?? null, shared: globalThis.shared ?? null, hits, keys: Object.keys(env).sort() });
  },
};`
	f.write("a.js", src)
	f.write("b.js", src)
	f.write("edged.toml", `
[server]
listen = ["127.0.0.1:0"]
[[workers]]
name = "a"
path = "a.js"
compatibility_date = "2025-01-01"
vars = { NAME = "a" }
secrets = { SECRET = "TEST_SECRET_A" }
[[workers]]
name = "b"
path = "b.js"
compatibility_date = "2025-01-01"
vars = { NAME = "b" }
[[routes]]
pattern = "a.test/*"
worker = "a"
[[routes]]
pattern = "b.test/*"
worker = "b"
`)
	h := f.start(HostOptions{IsolatesPerWorker: 1})
	hc := &http.Client{Transport: &http.Transport{DialContext: dialTo(h.Addrs().HTTP[0])}}
	get := func(url string) string { resp, err := hc.Get(url); return body(t, resp, err) }
	if got, want := get("http://a.test/set"), `{"name":"a","secret":"secret-of-a","shared":"a:secret-of-a","hits":1,"keys":["NAME","SECRET"]}`; got != want {
		t.Errorf("a: got %s, want %s", got, want)
	}
	if got, want := get("http://b.test/"), `{"name":"b","secret":null,"shared":null,"hits":1,"keys":["NAME"]}`; got != want {
		t.Errorf("b: got %s, want %s", got, want)
	}
	if got, want := get("http://a.test/"), `{"name":"a","secret":"secret-of-a","shared":"a:secret-of-a","hits":2,"keys":["NAME","SECRET"]}`; got != want {
		t.Errorf("a again: got %s, want %s", got, want)
	}
}

func versionWorker(v int) string {
	return fmt.Sprintf(`export default { async fetch() { await null; return new Response("v%d"); } };`, v)
}

const reloadToml = `
[server]
listen = ["127.0.0.1:0"]
[server.admin]
listen = "127.0.0.3:0"
token_env = "TEST_ADMIN_TOKEN"
[[workers]]
name = "app"
path = "app.js"
compatibility_date = "2025-01-01"
[[workers]]
name = "other"
path = "other.js"
compatibility_date = "2025-01-01"
[[routes]]
pattern = "app.test/*"
worker = "app"
[[routes]]
pattern = "other.test/*"
worker = "other"
`

// 50 reloads under a concurrent load: every request succeeds, and after each
// reload new requests see the new version.
func TestReloadUnderLoad(t *testing.T) {
	f := newFixture(t)
	f.write("app.js", versionWorker(0))
	f.write("other.js", echoWorker)
	f.write("edged.toml", reloadToml)
	h := f.start(HostOptions{})
	a := h.Addrs()
	tr := &http.Transport{DialContext: dialTo(a.HTTP[0]), MaxIdleConnsPerHost: 16}
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer tr.CloseIdleConnections()

	var stop atomic.Bool
	var ok, failed atomic.Int64
	var errMu sync.Mutex
	var firstErr string
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				resp, err := hc.Get("http://app.test/")
				var b []byte
				if err == nil {
					b, err = io.ReadAll(resp.Body)
					resp.Body.Close()
					if err == nil && (resp.StatusCode != 200 || !strings.HasPrefix(string(b), "v")) {
						err = fmt.Errorf("got %d %q", resp.StatusCode, b)
					}
				}
				if err != nil {
					failed.Add(1)
					errMu.Lock()
					if firstErr == "" {
						firstErr = err.Error()
					}
					errMu.Unlock()
					continue
				}
				ok.Add(1)
			}
		}()
	}
	deadline := time.Now().Add(60 * time.Second)
	for v := 1; v <= 50 && time.Now().Before(deadline); v++ {
		f.write("app.js", versionWorker(v))
		if v%10 == 0 {
			// Every tenth reload goes through the admin endpoint.
			req, _ := http.NewRequest("POST", "http://"+a.Admin+"/reload", nil)
			req.Header.Set("Authorization", "Bearer 0123456789abcdef-token")
			resp, err := http.DefaultClient.Do(req)
			if got := body(t, resp, err); resp.StatusCode != 200 || !strings.Contains(got, `"updated": [`) {
				t.Fatalf("POST /reload: got %d %s", resp.StatusCode, got)
			}
		} else {
			res, err := h.Reload()
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Updated) != 1 || res.Updated[0] != "app" || len(res.Unchanged) != 1 {
				t.Fatalf("reload %d: %+v", v, res)
			}
		}
		resp, err := hc.Get("http://app.test/")
		if got, want := body(t, resp, err), fmt.Sprintf("v%d", v); got != want {
			t.Fatalf("after reload %d: got %q, want %q", v, got, want)
		}
	}
	stop.Store(true)
	wg.Wait()
	t.Logf("%d requests during 50 reloads, %d failed", ok.Load(), failed.Load())
	if failed.Load() > 0 {
		t.Fatalf("%d requests failed during reloads; first: %s", failed.Load(), firstErr)
	}
	if ok.Load() < 50 {
		t.Fatalf("only %d requests ran during the reloads", ok.Load())
	}
	// Old versions are closed once drained.
	waitFor(t, 10*time.Second, func() bool {
		h.metrics.mu.Lock()
		defer h.metrics.mu.Unlock()
		wm := h.metrics.workers["app"]
		wm.mu.Lock()
		defer wm.mu.Unlock()
		return len(wm.versions) == 1
	}, "old versions of app were not closed")
	if v := h.gen.Load().workers["other"].version; v != 1 {
		t.Errorf("the unchanged worker was rebuilt: version %d", v)
	}
}

func waitFor(t *testing.T, d time.Duration, cond func() bool, msg string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A reload with a broken worker or a broken config is rejected whole; the old
// version keeps serving.
func TestReloadRejected(t *testing.T) {
	f := newFixture(t)
	f.write("app.js", versionWorker(1))
	f.write("other.js", echoWorker)
	f.write("edged.toml", reloadToml)
	h := f.start(HostOptions{})
	hc := &http.Client{Transport: &http.Transport{DialContext: dialTo(h.Addrs().HTTP[0])}}

	f.write("other.js", `export default { fetch() { return new Response("other v2"); } };`)
	f.write("app.js", "export default {\n  fetch() { return new Response(\"broken\" }\n};")
	_, err := h.Reload()
	if !errors.Is(err, ErrReloadRejected) || !strings.Contains(err.Error(), "app.js:2") || !strings.Contains(err.Error(), "(app)") {
		t.Fatalf("got %v, want a rejection naming app.js:2", err)
	}
	resp, gerr := hc.Get("http://app.test/")
	if got := body(t, resp, gerr); got != "v1" {
		t.Errorf("after a bad reload: got %q, want v1", got)
	}
	resp, gerr = hc.Get("http://other.test/")
	if got := body(t, resp, gerr); got != "undefined /" {
		t.Errorf("the good half of a rejected reload was applied: got %q", got)
	}

	f.write("app.js", versionWorker(1))
	f.write("edged.toml", reloadToml+"\n[[routes]]\npattern = \"x.test/*\"\nworker = \"missing\"\n")
	if _, err := h.Reload(); !errors.Is(err, ErrReloadRejected) || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("bad config: got %v", err)
	}
	f.write("app.js", `export default { fetch() { throw new Error("load ok, fetch fails"); } };
throw new Error("top-level throw");`)
	f.write("edged.toml", reloadToml)
	if _, err := h.Reload(); !errors.Is(err, ErrReloadRejected) || !strings.Contains(err.Error(), "top-level throw") {
		t.Fatalf("throwing worker: got %v", err)
	}
	resp, gerr = hc.Get("http://app.test/")
	if got := body(t, resp, gerr); got != "v1" {
		t.Errorf("after bad reloads: got %q, want v1", got)
	}
	if !strings.Contains(f.log.String(), "reload rejected") {
		t.Errorf("the log does not mention the rejected reload")
	}
}

// A worker that hits its CPU limit gets 503 on that worker only.
func TestLimitsPerWorker(t *testing.T) {
	f := newFixture(t)
	f.write("spin.js", `export default { async fetch(req) {
    if (new URL(req.url).pathname === "/spin") { for (;;) {} }
    return new Response("spin ok");
  } };`)
	f.write("calm.js", `export default { async fetch(req) { return new Response("calm ok"); } };`)
	f.write("edged.toml", `
[server]
listen = ["127.0.0.1:0"]
max_body_bytes = 1000
[server.admin]
listen = "127.0.0.3:0"
[[workers]]
name = "spin"
path = "spin.js"
compatibility_date = "2025-01-01"
limits = { cpu_ms = 20 }
[[workers]]
name = "calm"
path = "calm.js"
compatibility_date = "2025-01-01"
[[routes]]
pattern = "spin.test/*"
worker = "spin"
[[routes]]
pattern = "calm.test/*"
worker = "calm"
`)
	h := f.start(HostOptions{})
	hc := &http.Client{Transport: &http.Transport{DialContext: dialTo(h.Addrs().HTTP[0])}, Timeout: 10 * time.Second}
	var wg sync.WaitGroup
	calmFailed := atomic.Int64{}
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			resp, err := hc.Get("http://calm.test/")
			if err != nil || resp.StatusCode != 200 {
				calmFailed.Add(1)
			}
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
	}()
	for i := 0; i < 3; i++ {
		start := time.Now()
		resp, err := hc.Get("http://spin.test/spin")
		got := body(t, resp, err)
		if resp.StatusCode != 503 || !strings.Contains(got, "CPU time limit") {
			t.Errorf("spin: got %d %q, want 503 CPU time limit", resp.StatusCode, got)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("spin took %v", d)
		}
	}
	resp, err := hc.Get("http://spin.test/")
	if got := body(t, resp, err); got != "spin ok" {
		t.Errorf("spin after the limit: got %q", got)
	}
	close(stop)
	wg.Wait()
	if calmFailed.Load() > 0 {
		t.Errorf("%d requests to the calm worker failed while the other spun", calmFailed.Load())
	}
	m := scrape(t, h, "")
	for _, want := range []string{
		`edged_worker_limit_hits_total{worker="spin",limit="cpu_or_memory"} 3`,
		`edged_worker_limit_hits_total{worker="calm",limit="cpu_or_memory"} 0`,
		`edged_requests_total{worker="spin",code="503"} 3`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s:\n%s", want, m)
		}
	}
}

func scrape(t *testing.T, h *Host, token string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+h.Addrs().Admin+"/metrics", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	b := body(t, resp, err)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /metrics: %d %s", resp.StatusCode, b)
	}
	return b
}

const limitsToml = `
[server]
listen = ["127.0.0.1:0"]
max_body_bytes = 1000
max_header_bytes = 4096
[server.timeouts]
read_header = "300ms"
shutdown = "5s"
[server.admin]
listen = "127.0.0.3:0"
token_env = "TEST_ADMIN_TOKEN"
[[workers]]
name = "echo"
path = "echo.js"
compatibility_date = "2025-01-01"
[[routes]]
pattern = "*/*"
worker = "echo"
`

const bodyEcho = `export default { async fetch(req) {
    const url = new URL(req.url);
    if (url.pathname === "/sleep") { await new Promise(r => setTimeout(r, 300)); return new Response("slept"); }
    if (req.method !== "POST") return new Response("ok");
    try {
      const t = await req.text();
      return new Response("got " + t.length);
    } catch (e) {
      return new Response("read failed: " + e.message, { status: 500 });
    }
  } };`

// Bodies over the limit get 413 (declared or streamed), too many or too large
// headers 431, and the counters say so.
func TestBodyAndHeaderLimits(t *testing.T) {
	f := newFixture(t)
	f.write("echo.js", bodyEcho)
	f.write("edged.toml", limitsToml)
	h := f.start(HostOptions{})
	url := "http://" + h.Addrs().HTTP[0]
	post := func(b io.Reader, n int64) (int, string) {
		req, _ := http.NewRequest("POST", url+"/", b)
		req.ContentLength = n
		resp, err := http.DefaultClient.Do(req)
		got := body(t, resp, err)
		return resp.StatusCode, got
	}
	if code, got := post(strings.NewReader(strings.Repeat("x", 1000)), 1000); code != 200 || got != "got 1000" {
		t.Errorf("at the limit: got %d %q", code, got)
	}
	if code, got := post(strings.NewReader(strings.Repeat("x", 1001)), 1001); code != 413 {
		t.Errorf("declared over the limit: got %d %q, want 413", code, got)
	}
	// Chunked: no length up front; the worker's read fails and the client gets 413.
	if code, got := post(io.MultiReader(strings.NewReader(strings.Repeat("x", 5000))), -1); code != 413 || !strings.Contains(got, "Content Too Large") {
		t.Errorf("streamed over the limit: got %d %q, want 413", code, got)
	}
	if code, got := post(io.MultiReader(strings.NewReader("small")), -1); code != 200 || got != "got 5" {
		t.Errorf("streamed under the limit: got %d %q", code, got)
	}

	req, _ := http.NewRequest("GET", url+"/", nil)
	for i := 0; i < 150; i++ {
		req.Header.Set(fmt.Sprintf("X-H%d", i), "v")
	}
	resp, err := http.DefaultClient.Do(req)
	if got := body(t, resp, err); resp.StatusCode != 431 {
		t.Errorf("150 header fields: got %d %q, want 431", resp.StatusCode, got)
	}
	req, _ = http.NewRequest("GET", url+"/", nil)
	req.Header.Set("X-Big", strings.Repeat("b", 16000)) // net/http allows 4 kB of slack
	resp, err = http.DefaultClient.Do(req)
	if got := body(t, resp, err); resp.StatusCode != 431 {
		t.Errorf("16 kB header: got %d %q, want 431", resp.StatusCode, got)
	}
	m := scrape(t, h, "0123456789abcdef-token")
	for _, want := range []string{
		`edged_worker_limit_hits_total{worker="echo",limit="body_size"} 2`,
		`edged_http_rejected_total{reason="header_count"} 1`,
		`edged_http_rejected_total{reason="body_size"} 1`,
		`edged_requests_total{worker="echo",code="200"} 2`,
		`edged_request_duration_seconds_count{worker="echo"} 3`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// Slowloris: a client that trickles its headers is cut off at read_header; one
// that stalls its body gets 408.
func TestSlowClients(t *testing.T) {
	f := newFixture(t)
	f.write("echo.js", bodyEcho)
	f.write("edged.toml", limitsToml)
	h := f.start(HostOptions{BodyIdleTimeout: 300 * time.Millisecond})
	addr := h.Addrs().HTTP[0]

	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n")
	var closedAt time.Duration
	for i := 0; i < 40; i++ {
		time.Sleep(50 * time.Millisecond)
		if _, err := io.WriteString(c, "X-Slow: 1\r\n"); err != nil {
			break
		}
	}
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	io.Copy(io.Discard, c) // returns when the server closes the connection
	closedAt = time.Since(start)
	if closedAt > 2500*time.Millisecond {
		t.Errorf("a trickling client kept its connection for %v (read_header is 300ms)", closedAt)
	}

	c2, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	io.WriteString(c2, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b")
	// Generous: the point is the 408, and this is the worker's first request (a new
	// isolate) on a machine that may be running every other package's tests.
	c2.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c2), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 408 {
		t.Errorf("stalled body: got %d %q, want 408", resp.StatusCode, got)
	}
}

// Shutdown lets in-flight requests finish and refuses new connections.
func TestGracefulShutdown(t *testing.T) {
	f := newFixture(t)
	f.write("echo.js", bodyEcho)
	f.write("edged.toml", limitsToml)
	h := f.start(HostOptions{})
	addr := h.Addrs().HTTP[0]
	done := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/sleep")
		if err != nil {
			done <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- string(b)
	}()
	time.Sleep(100 * time.Millisecond) // the request is inside the worker
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if got := <-done; got != "slept" {
		t.Errorf("in-flight request: got %q, want slept", got)
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Errorf("the listener still accepts after shutdown")
	}
}

func TestAdminAuth(t *testing.T) {
	f := newFixture(t)
	f.write("echo.js", bodyEcho)
	f.write("edged.toml", limitsToml)
	h := f.start(HostOptions{})
	admin := "http://" + h.Addrs().Admin
	for _, c := range []struct {
		method, path, token string
		want                int
	}{
		{"GET", "/healthz", "", 200},
		{"GET", "/metrics", "", 401},
		{"GET", "/metrics", "wrong-token-wrong-token", 401},
		{"POST", "/reload", "", 401},
		{"GET", "/reload", "0123456789abcdef-token", 405},
		{"GET", "/workers", "0123456789abcdef-token", 200},
		{"POST", "/reload", "0123456789abcdef-token", 200},
	} {
		req, _ := http.NewRequest(c.method, admin+c.path, nil)
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		resp, err := http.DefaultClient.Do(req)
		got := body(t, resp, err)
		if resp.StatusCode != c.want {
			t.Errorf("%s %s token=%q: got %d %q, want %d", c.method, c.path, c.token, resp.StatusCode, got, c.want)
		}
	}
}

// warmCounter records Warm calls on top of a real worker.
type warmCounter struct {
	Worker
	n *atomic.Int64
}

func (w warmCounter) Warm() {
	w.n.Add(1)
	if x, ok := w.Worker.(warmer); ok {
		x.Warm()
	}
}

// The TLS handshake starts warming the workers routed for the SNI name.
func TestWarmOnHandshake(t *testing.T) {
	f := newFixture(t)
	f.cert("a", "a.test")
	f.cert("b", "*.b.test")
	f.write("a.js", echoWorker)
	f.write("b.js", echoWorker)
	f.write("edged.toml", protocolsToml)
	counts := map[string]*atomic.Int64{}
	var mu sync.Mutex
	h := f.start(HostOptions{NewWorker: func(c runtimeConfig) (Worker, error) {
		w, err := defaultNewWorker(c)
		if err != nil {
			return nil, err
		}
		mu.Lock()
		defer mu.Unlock()
		counts[c.Name] = new(atomic.Int64)
		return warmCounter{w, counts[c.Name]}, nil
	}})
	conn, err := tls.Dial("tcp", h.Addrs().HTTPS[0], &tls.Config{ServerName: "x.b.test", RootCAs: f.pool})
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if a, b := counts["a"].Load(), counts["b"].Load(); a != 0 || b != 1 {
		t.Errorf("after a handshake for x.b.test: warmed a %d times, b %d times; want 0 and 1", a, b)
	}
	conn, err = tls.Dial("tcp", h.Addrs().HTTPS[0], &tls.Config{ServerName: "a.test", RootCAs: f.pool})
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
	// a.test/* routes to a, and a.test/b/* to b.
	if a, b := counts["a"].Load(), counts["b"].Load(); a != 1 || b != 2 {
		t.Errorf("after a handshake for a.test: warmed a %d times, b %d times; want 1 and 2", a, b)
	}
}

type runtimeConfig = runtime.Config

func defaultNewWorker(c runtime.Config) (Worker, error) { return runtime.New(c) }

// A worker given as a wrangler project folder is bundled (TypeScript, imports);
// D1 and KV bindings live in a folder per worker, so two workers naming the same
// ids still cannot reach each other's data.
func TestProjectAndStorage(t *testing.T) {
	f := newFixture(t)
	f.write("proj/wrangler.toml", "name = \"proj\"\nmain = \"src/index.ts\"\ncompatibility_date = \"2025-01-01\"\n[vars]\nFROM_WRANGLER = \"yes\"\n")
	f.write("proj/src/greet.ts", "export const greet = (who: string): string => `hi ${who}`;\n")
	f.write("proj/src/index.ts", `import { greet } from "./greet";
export default {
  async fetch(req: Request, env: any): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname === "/put") {
      await env.KV.put("k", env.NAME);
      await env.DB.exec("CREATE TABLE IF NOT EXISTS t (v TEXT)");
      await env.DB.prepare("INSERT INTO t VALUES (?)").bind(env.NAME).run();
    }
    const kv = await env.KV.get("k");
    const row = await env.DB.prepare("SELECT group_concat(v) AS v FROM t").first().catch(() => null);
    return new Response(greet(env.NAME) + " " + env.FROM_WRANGLER + " kv=" + kv + " db=" + (row ? row.v : null));
  },
};
`)
	f.write("edged.toml", `
[server]
listen = ["127.0.0.1:0"]
[[workers]]
name = "one"
path = "proj"
vars = { NAME = "one" }
d1_databases = [{ binding = "DB", database_id = "same-db" }]
kv_namespaces = [{ binding = "KV", id = "same-kv" }]
[[workers]]
name = "two"
path = "proj"
vars = { NAME = "two" }
d1_databases = [{ binding = "DB", database_id = "same-db" }]
kv_namespaces = [{ binding = "KV", id = "same-kv" }]
[[routes]]
pattern = "one.test/*"
worker = "one"
[[routes]]
pattern = "two.test/*"
worker = "two"
`)
	stores := NewStores(filepath.Join(f.dir, "state"))
	defer stores.Close()
	h := f.start(HostOptions{Bindings: stores.Bindings})
	hc := &http.Client{Transport: &http.Transport{DialContext: dialTo(h.Addrs().HTTP[0])}, Timeout: 10 * time.Second}
	get := func(url string) string { resp, err := hc.Get(url); return body(t, resp, err) }
	if got, want := get("http://one.test/put"), "hi one yes kv=one db=one"; got != want {
		t.Errorf("one: got %q, want %q", got, want)
	}
	if got, want := get("http://two.test/"), "hi two yes kv=null db=null"; got != want {
		t.Errorf("two sees one's storage: got %q, want %q", got, want)
	}
	// A reload keeps the stores (and their data) for an unchanged worker's new version.
	f.write("proj/src/greet.ts", "export const greet = (who: string): string => `hello ${who}`;\n")
	if _, err := h.Reload(); err != nil {
		t.Fatal(err)
	}
	if got, want := get("http://one.test/"), "hello one yes kv=one db=one"; got != want {
		t.Errorf("one after reload: got %q, want %q", got, want)
	}
}

func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{"abc-1_x.y": "abc-1_x.y", "../x": "%2e.%2fx", "": "_", "a/b": "a%2fb", ".hidden": "%2ehidden"} {
		if got := safeName(in); got != want {
			t.Errorf("safeName(%q) = %q, want %q", in, got, want)
		}
	}
}

// fetch() from a worker dials through the egress guard: a server on loopback is
// refused unless the host's policy allows it; limits.subrequests caps fetches.
func TestEgressGuard(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "internal data") }))
	defer upstream.Close()
	for _, c := range []struct {
		name   string
		policy *egress.Policy
		want   string
	}{
		{"default refuses loopback", nil, "blocked: "},
		{"allowed class", &egress.Policy{AllowClasses: []egress.Class{egress.Loopback}}, "internal data|internal data|Too many subrequests."},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			f.write("ssrf.js", `export default { async fetch(req, env) {
    const out = [];
    for (let i = 0; i < 3; i++) {
      try { out.push(await (await fetch(env.TARGET)).text()); }
      catch (e) { out.push("blocked: " + e.message); if (!e.message.includes("subrequests")) break; }
    }
    return new Response(out.join("|"));
  } };`)
			f.write("edged.toml", fmt.Sprintf(`
[server]
listen = ["127.0.0.1:0"]
[[workers]]
name = "ssrf"
path = "ssrf.js"
compatibility_date = "2025-01-01"
vars = { TARGET = %q }
limits = { subrequests = 2 }
[[routes]]
pattern = "*/*"
worker = "ssrf"
`, upstream.URL+"/secret"))
			h := f.start(HostOptions{Egress: c.policy})
			resp, err := http.Get("http://" + h.Addrs().HTTP[0] + "/")
			got := body(t, resp, err)
			if c.policy == nil {
				if !strings.HasPrefix(got, "blocked: ") || strings.Contains(got, "internal data") || !strings.Contains(got, "loopback") {
					t.Errorf("got %q, want the fetch refused as a loopback address", got)
				}
				return
			}
			if !strings.HasPrefix(got, "internal data|internal data|blocked: ") || !strings.Contains(got, "Too many subrequests") {
				t.Errorf("got %q, want two fetches then the subrequest limit", got)
			}
		})
	}
}

// limits.wall_ms: a request that runs past it gets 503; the worker's other
// requests and the next ones are unaffected.
func TestWallTimeLimit(t *testing.T) {
	f := newFixture(t)
	f.write("slow.js", `export default { async fetch(req) {
    const ms = Number(new URL(req.url).searchParams.get("ms") ?? "0");
    if (ms) await new Promise(r => setTimeout(r, ms));
    return new Response("done after " + ms, { headers: { "x-from-worker": "1" } });
  } };`)
	f.write("edged.toml", `
[server]
listen = ["127.0.0.1:0"]
[server.admin]
listen = "127.0.0.3:0"
[[workers]]
name = "slow"
path = "slow.js"
compatibility_date = "2025-01-01"
limits = { wall_ms = 200 }
[[routes]]
pattern = "*/*"
worker = "slow"
`)
	h := f.start(HostOptions{})
	url := "http://" + h.Addrs().HTTP[0] + "/"
	start := time.Now()
	resp, err := http.Get(url + "?ms=1000")
	got := body(t, resp, err)
	if resp.StatusCode != 503 || !strings.Contains(got, "wall time limit (200 ms)") || resp.Header.Get("X-From-Worker") != "" {
		t.Errorf("past the wall limit: got %d %q %v", resp.StatusCode, got, resp.Header)
	}
	if d := time.Since(start); d > 900*time.Millisecond {
		t.Errorf("the 503 came after %v", d)
	}
	resp, err = http.Get(url + "?ms=10")
	if got := body(t, resp, err); resp.StatusCode != 200 || got != "done after 10" || resp.Header.Get("X-From-Worker") != "1" {
		t.Errorf("within the limit: got %d %q", resp.StatusCode, got)
	}
	if m := scrape(t, h, ""); !strings.Contains(m, `edged_worker_limit_hits_total{worker="slow",limit="wall_time"} 1`) {
		t.Errorf("metrics lack the wall-time hit")
	}
}
