package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeCert writes a throwaway self-signed certificate and key into dir.
func writeCert(t *testing.T, dir, name string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		DNSNames: []string{name}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, name+".pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	must(os.WriteFile(filepath.Join(dir, name+".key"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600))
}

func edgedFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeCert(t, dir, "example.com")
	if err := os.MkdirAll(filepath.Join(dir, "workers", "site"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "workers", "api.js"), []byte("export default {}"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

const goodEdged = `
[server]
listen = [":8080"]
tls_listen = [":8443"]
h2c = true
http3 = true
max_body_bytes = 1048576
[server.timeouts]
read_header = "5s"
write = "1m"
[[server.tls]]
server_names = ["example.com", "*.example.com"]
cert = "example.com.pem"
key = "example.com.key"
[server.admin]
listen = "0.0.0.0:9901"
token_env = "ADMIN_TOKEN"

[[workers]]
name = "api"
path = "workers/api.js"
compatibility_date = "2025-01-01"
compatibility_flags = ["nodejs_compat"]
vars = { MODE = "prod", N = 2 }
secrets = { API_KEY = "API_KEY_ENV" }
d1_databases = [{ binding = "DB", database_id = "api-db" }]
kv_namespaces = [{ binding = "CACHE", id = "c" }]
limits = { cpu_ms = 50, memory_mb = 128, subrequests = 50, wall_ms = 30000 }

[[workers]]
name = "site"
path = "workers/site"
secrets = ["SITE_SECRET"]

[[routes]]
pattern = "example.com/*"
worker = "site"
[[routes]]
pattern = "example.com/api/*"
worker = "api"
[[routes]]
pattern = "*.example.com/api/*"
worker = "api"
`

func TestParseEdged(t *testing.T) {
	dir := edgedFixture(t)
	lookup := env(map[string]string{"ADMIN_TOKEN": "0123456789abcdef0123", "API_KEY_ENV": "k", "SITE_SECRET": "s"})
	e, warns, err := ParseEdged(filepath.Join(dir, "edged.toml"), []byte(goodEdged), lookup)
	if err != nil {
		t.Fatalf("ParseEdged: %v", err)
	}
	if len(warns) != 0 {
		t.Errorf("warnings: got %v", warns)
	}
	s := e.Server
	if len(s.Listen) != 1 || len(s.TLSListen) != 1 || !s.H2C || !s.HTTP3 || s.MaxBodyBytes != 1<<20 || s.MaxHeaderBytes != 64<<10 {
		t.Errorf("server: got %+v", s)
	}
	if s.Timeouts.ReadHeader != 5*time.Second || s.Timeouts.Write != time.Minute || s.Timeouts.Idle != 120*time.Second {
		t.Errorf("timeouts: got %+v", s.Timeouts)
	}
	if len(s.TLS) != 1 || len(s.TLS[0].Certificate.Certificate) != 1 || s.TLS[0].CertFile != filepath.Join(dir, "example.com.pem") {
		t.Errorf("tls: got %+v", s.TLS)
	}
	if s.Admin.Token != "0123456789abcdef0123" {
		t.Errorf("admin token: got %q", s.Admin.Token)
	}
	api, site := e.Workers[0], e.Workers[1]
	if api.Path != filepath.Join(dir, "workers/api.js") || api.IsProject || !api.Compat.Enabled("nodejs_compat_v2") {
		t.Errorf("api worker: got %+v", api)
	}
	if api.Secrets["API_KEY"] != "k" || api.SecretEnv["API_KEY"] != "API_KEY_ENV" || api.Vars["N"] != int64(2) {
		t.Errorf("api bindings: got secrets %v vars %v", api.Secrets, api.Vars)
	}
	if (api.Limits != WorkerLimits{CPUMs: 50, MemoryMB: 128, Subrequests: 50, WallMs: 30000}) {
		t.Errorf("api limits: got %+v", api.Limits)
	}
	if !site.IsProject || site.CompatibilityDate != "" || site.Secrets["SITE_SECRET"] != "s" {
		t.Errorf("site worker: got %+v", site)
	}
	for _, tt := range []struct{ host, path, want string }{
		{"example.com", "/", "site"}, {"example.com", "/api/x", "api"}, {"a.example.com", "/api/", "api"},
	} {
		if r, _ := e.Router.Match(tt.host, tt.path); r.Worker != tt.want {
			t.Errorf("Router.Match(%q, %q): got %q, want %q", tt.host, tt.path, r.Worker, tt.want)
		}
	}
}

func TestParseEdgedErrors(t *testing.T) {
	dir := edgedFixture(t)
	src := `
[server]
tls_listen = ["nope", ":8443"]
listen = [":8443"]
http3 = true
max_header_bytes = 10
[server.timeouts]
idle = "forever"
[[server.tls]]
server_names = ["*.*.bad"]
cert = "missing.pem"
key = "missing.key"
[server.admin]
listen = "0.0.0.0:9901"

[[workers]]
name = "api"
path = "workers/api.js"
compatibility_flags = ["bogus"]
vars = { K = "v" }
secrets = { K = "UNSET_ENV" }
limits = { cpu_ms = -1, memory_mb = 1 }

[[workers]]
name = "api"
path = "workers/none.js"
compatibility_date = "2030-01-01"

[[workers]]
path = "workers/site"

[[routes]]
pattern = "example.com"
worker = "api"
[[routes]]
pattern = "example.com/*"
worker = "ghost"
[[routes]]
pattern = "EXAMPLE.com/*"
worker = "api"
`
	_, _, err := ParseEdged(filepath.Join(dir, "edged.toml"), []byte(src), env(nil))
	if err == nil {
		t.Fatal("got nil error")
	}
	want := []string{
		`server.tls_listen[1]: address ":8443" is already used by server.listen[0]`,
		`server.max_header_bytes: expected a number from 1024 to 16777216, got 10`,
		`server.timeouts.idle: "forever" is not a duration`,
		`server.tls[0].server_names[0]: "*.*.bad" is not a server name`,
		`server.tls[0]: cannot load certificate`,
		`server.admin.token_env: required: the admin listener 0.0.0.0:9901 is not on loopback`,
		`server.tls_listen[0]: "nope" is not a host:port address`,
		`server.tls: required: tls_listen needs at least one [[server.tls]] certificate`,
		`workers[0].secrets.K: environment variable UNSET_ENV is not set`,
		`workers[0].limits.cpu_ms: expected a number from 1 to 300000, got -1`,
		`workers[0].limits.memory_mb: expected a number from 16 to 16384, got 1`,
		`workers[0].compatibility_date: required for a bundle file`,
		`workers[1].name: worker "api" is defined twice`,
		`workers[1].path: ` + filepath.Join(dir, "workers/none.js") + `: no such file or folder`,
		`workers[1].compatibility_date: compatibility date 2030-01-01 is later than`,
		`workers[2].name: required`,
		`routes[0].pattern: route pattern "example.com" has no path`,
		`routes[1].worker: no worker named "ghost"`,
		`routes[2].pattern: example.com/* is already routed by routes[1]`,
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("want error containing %q", w)
		}
	}
	if n := len(err.(Errors)); n != len(want) {
		t.Errorf("got %d errors, want %d:\n%s", n, len(want), err)
	}

	// The compatibility flags of a worker are checked once its date is valid,
	// and a secret may not shadow a var.
	src2 := `
[server]
listen = ["127.0.0.1:8080"]
[server.admin]
listen = "127.0.0.1:9901"
[[workers]]
name = "api"
path = "workers/api.js"
compatibility_date = "2025-01-01"
compatibility_flags = ["bogus"]
vars = { K = "v" }
secrets = { K = "K_ENV" }
`
	_, warns, err := ParseEdged(filepath.Join(dir, "edged.toml"), []byte(src2), env(map[string]string{"K_ENV": "x"}))
	for _, w := range []string{`workers[0].compatibility_flags: unknown compatibility flag "bogus"`, `workers[0].secrets.K: binding "K" is already used by workers[0].vars.K`} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("got %v, want %q", err, w)
		}
	}
	var wf []string
	for _, w := range warns {
		wf = append(wf, w.Field)
	}
	if strings.Join(wf, ",") != "server.admin.token_env,workers[0].name" {
		t.Errorf("warnings: got %v", warns)
	}
}

func TestParseEdgedMissingSections(t *testing.T) {
	_, _, err := ParseEdged("edged.toml", []byte(""), env(nil))
	if err == nil || !strings.Contains(err.Error(), "edged.toml: server: required") || !strings.Contains(err.Error(), "edged.toml: workers: required") {
		t.Errorf("got %v", err)
	}
}

func TestParseEdgedIsolateKeys(t *testing.T) {
	dir := edgedFixture(t)
	parse := func(server string) (Server, error) {
		src := "[server]\nlisten = [\":8080\"]\n" + server + "\n[[workers]]\nname = \"api\"\npath = \"workers/api.js\"\ncompatibility_date = \"2025-01-01\"\n[[routes]]\npattern = \"*/*\"\nworker = \"api\"\n"
		e, _, err := ParseEdged(filepath.Join(dir, "edged.toml"), []byte(src), env(nil))
		if err != nil {
			return Server{}, err
		}
		return e.Server, nil
	}
	s, err := parse("")
	if err != nil || s.IsolateMemoryMB != 0 || s.IsolateIdle != 0 || s.MaxIsolates != 0 {
		t.Fatalf("unset: got %+v, %v; want zeros (the host's defaults)", s, err)
	}
	s, err = parse("isolate_memory_mb = 512\nisolate_idle = \"2m\"\nmax_isolates = 300")
	if err != nil || s.IsolateMemoryMB != 512 || s.IsolateIdle != 2*time.Minute || s.MaxIsolates != 300 {
		t.Fatalf("set: got %+v, %v", s, err)
	}
	s, err = parse("isolate_memory_mb = 0\nisolate_idle = \"0s\"\nmax_isolates = 0")
	if err != nil || s.IsolateMemoryMB >= 0 || s.IsolateIdle >= 0 || s.MaxIsolates >= 0 {
		t.Fatalf("zero (none): got %+v, %v; want negatives", s, err)
	}
	_, err = parse("isolate_memory_mb = -5\nisolate_idle = \"soon\"")
	if err == nil || !strings.Contains(err.Error(), "server.isolate_memory_mb") || !strings.Contains(err.Error(), `server.isolate_idle: "soon" is not a duration`) {
		t.Fatalf("bad values: got %v", err)
	}
}
