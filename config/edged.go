package config

import (
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/edged-dev/edged/compat"
)

// Edged is the operator config of `edged serve` (edged.toml).
//
//	[server]
//	listen = [":8080"]            # plain HTTP/1.1 (and h2c when h2c = true)
//	tls_listen = [":8443"]        # HTTPS: HTTP/1.1 and HTTP/2; HTTP/3 on UDP when http3 = true
//	h2c = false
//	http3 = true
//	max_header_bytes = 65536
//	max_body_bytes = 104857600
//	isolate_memory_mb = 128        # memory budget of the live isolates; past it the least
//	                               # recently used idle ones are evicted (0: no budget)
//	isolate_idle = "30s"           # evict an isolate idle this long ("0s": never)
//	max_isolates = 0               # cap on live isolates (0: none)
//	[server.timeouts]              # Go durations; 0 = none
//	read_header = "10s"
//	read = "0s"
//	write = "0s"
//	idle = "120s"
//	shutdown = "30s"
//	[[server.tls]]                 # one per certificate; chosen by SNI
//	server_names = ["example.com", "*.example.com"]   # none: the default certificate
//	cert = "certs/example.pem"
//	key = "certs/example.key"
//	[server.admin]
//	listen = "127.0.0.1:9901"
//	token_env = "EDGED_ADMIN_TOKEN" # the token is read from this environment variable
//
//	[[workers]]
//	name = "api"
//	path = "workers/api"           # a bundle file, or a project folder with a wrangler config
//	compatibility_date = "2025-01-01"
//	compatibility_flags = ["nodejs_compat"]
//	vars = { MODE = "prod" }
//	secrets = { API_KEY = "API_KEY_FROM_ENV" }  # binding = environment variable name
//	d1_databases = [{ binding = "DB", database_id = "api-db" }]
//	kv_namespaces = [{ binding = "CACHE", id = "api-cache" }]
//	limits = { cpu_ms = 50, memory_mb = 128, subrequests = 50, wall_ms = 30000 }
//
//	[[routes]]
//	pattern = "api.example.com/*"
//	worker = "api"
//
// Relative paths are relative to the directory of edged.toml.
type Edged struct {
	Path    string
	Dir     string
	Server  Server
	Workers []Worker
	Routes  []Route
	Router  *Router
}

// Server is the [server] section.
type Server struct {
	Listen         []string
	TLSListen      []string
	H2C            bool
	HTTP3          bool
	TLS            []TLSCert
	Admin          Admin
	MaxHeaderBytes int64 // default 64 KiB
	MaxBodyBytes   int64 // default 100 MiB; 0 after defaults never happens
	Timeouts       Timeouts
	// Live isolates: isolate_memory_mb, isolate_idle, max_isolates. Zero is "not
	// set" (the host's default); negative is "none" (written 0 in edged.toml).
	IsolateMemoryMB int64
	IsolateIdle     time.Duration
	MaxIsolates     int64
}

// TLSCert is one certificate and the server names (SNI) it serves.
type TLSCert struct {
	ServerNames []string // exact names or *.suffix; empty: the default certificate
	CertFile    string   // absolute
	KeyFile     string   // absolute
	Certificate tls.Certificate
}

// Admin is the admin listener; Listen is empty when there is none.
type Admin struct {
	Listen   string
	TokenEnv string
	Token    string // resolved from TokenEnv
}

// Timeouts for the HTTP server; zero means none.
type Timeouts struct {
	ReadHeader, Read, Write, Idle, Shutdown time.Duration
}

// Worker is one [[workers]] entry.
type Worker struct {
	Name               string
	Path               string // absolute
	IsProject          bool   // Path is a folder (a wrangler project), not a bundle file
	CompatibilityDate  string // empty for a project that takes it from its wrangler config
	CompatibilityFlags []string
	Compat             compat.Flags // resolved when CompatibilityDate is set
	Vars               map[string]any
	SecretEnv          map[string]string // binding -> environment variable
	Secrets            map[string]string // binding -> value, read at load
	D1Databases        []D1Database
	KVNamespaces       []KVNamespace
	Limits             WorkerLimits
}

// WorkerLimits are per-request limits; zero means the runtime's default.
type WorkerLimits struct {
	CPUMs       int64
	MemoryMB    int64
	Subrequests int64
	WallMs      int64
}

// LoadEdged reads and validates edged.toml. lookupEnv resolves secrets and
// the admin token; nil means os.LookupEnv. The error, if any, is an Errors
// naming every problem found.
func LoadEdged(file string, lookupEnv func(string) (string, bool)) (*Edged, []Warning, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, fmt.Errorf("config: %w", err)
	}
	return ParseEdged(file, data, lookupEnv)
}

// ParseEdged is LoadEdged for a file already in memory. Relative paths are
// resolved against the directory of name.
func ParseEdged(name string, data []byte, lookupEnv func(string) (string, bool)) (*Edged, []Warning, error) {
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	d := &decoder{file: name}
	raw, err := decodeDoc(d, name, data)
	if err != nil {
		return nil, nil, Errors{{File: name, Msg: err.Error()}}
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		abs = name
	}
	e := &Edged{Path: abs, Dir: filepath.Dir(abs)}
	ed := &edgedDecoder{decoder: d, e: e, env: lookupEnv}
	ed.decode(raw)
	if len(d.errs) > 0 {
		return nil, d.warns, d.errs
	}
	return e, d.warns, nil
}

type edgedDecoder struct {
	*decoder
	e   *Edged
	env func(string) (string, bool)
}

func (d *edgedDecoder) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(d.e.Dir, p)
}

func (d *edgedDecoder) decode(raw map[string]any) {
	d.unknownKeys("", raw, "server", "workers", "routes")
	if v, ok := raw["server"]; ok {
		if m, ok := d.table("server", v); ok {
			d.server(m)
		}
	} else {
		d.errorf("server", "required: a [server] section with at least one listen address")
	}
	names := map[string]bool{}
	if v, ok := raw["workers"]; ok {
		d.tables("workers", v, func(p string, m map[string]any) {
			w := d.worker(p, m)
			if w.Name != "" {
				if names[w.Name] {
					d.errorf(join(p, "name"), "worker %q is defined twice", w.Name)
				}
				names[w.Name] = true
			}
			d.e.Workers = append(d.e.Workers, w)
		})
	}
	if len(d.e.Workers) == 0 {
		d.errorf("workers", "required: at least one [[workers]] entry")
	}
	routed := map[string]bool{}
	seen := map[string]string{}
	if v, ok := raw["routes"]; ok {
		d.tables("routes", v, func(p string, m map[string]any) {
			d.unknownKeys(p, m, "pattern", "worker")
			pat := d.requiredStr(p, m, "pattern")
			worker := d.requiredStr(p, m, "worker")
			if worker != "" && !names[worker] {
				d.errorf(join(p, "worker"), "no worker named %q in [[workers]]", worker)
			}
			if pat == "" {
				return
			}
			pp, err := ParsePattern(pat)
			if err != nil {
				d.errorf(join(p, "pattern"), "%v", err)
				return
			}
			if prev, dup := seen[pp.String()]; dup {
				d.errorf(join(p, "pattern"), "%s is already routed by %s", pp, prev)
				return
			}
			seen[pp.String()] = p
			routed[worker] = true
			d.e.Routes = append(d.e.Routes, Route{Pattern: pp, Worker: worker})
		})
	}
	for i, w := range d.e.Workers {
		if w.Name != "" && !routed[w.Name] {
			d.warnf(join(index("workers", i), "name"), "worker %q has no [[routes]]; it will receive no requests", w.Name)
		}
	}
	if len(d.errs) == 0 {
		r, err := NewRouter(d.e.Routes)
		if err != nil {
			d.errorf("routes", "%v", err)
		}
		d.e.Router = r
	}
}

func (d *edgedDecoder) server(m map[string]any) {
	s := &d.e.Server
	s.MaxHeaderBytes = 64 << 10
	s.MaxBodyBytes = 100 << 20
	s.Timeouts = Timeouts{ReadHeader: 10 * time.Second, Idle: 120 * time.Second, Shutdown: 30 * time.Second}
	addrs := map[string]string{}
	claimAddr := func(p, a string) {
		if prev, dup := addrs[a]; dup {
			d.errorf(p, "address %q is already used by %s", a, prev)
		}
		addrs[a] = p
	}
	for _, k := range sortedKeys(m) {
		p, v := join("server", k), m[k]
		switch k {
		case "listen", "tls_listen":
			list, _ := d.strs(p, v)
			for i, a := range list {
				if err := checkAddr(a); err != nil {
					d.errorf(index(p, i), "%v", err)
					continue
				}
				claimAddr(index(p, i), a)
			}
			if k == "listen" {
				s.Listen = list
			} else {
				s.TLSListen = list
			}
		case "h2c":
			s.H2C, _ = d.boolean(p, v)
		case "http3":
			s.HTTP3, _ = d.boolean(p, v)
		case "max_header_bytes":
			s.MaxHeaderBytes, _ = d.integer(p, v, 1024, 16<<20)
		case "max_body_bytes":
			s.MaxBodyBytes, _ = d.integer(p, v, 1, 1<<40)
		case "timeouts":
			d.timeouts(p, v)
		case "isolate_memory_mb":
			if n, ok := d.integer(p, v, 0, 1<<30); ok {
				s.IsolateMemoryMB = n
				if n == 0 {
					s.IsolateMemoryMB = -1
				}
			}
		case "max_isolates":
			if n, ok := d.integer(p, v, 0, 1<<30); ok {
				s.MaxIsolates = n
				if n == 0 {
					s.MaxIsolates = -1
				}
			}
		case "isolate_idle":
			str, ok := d.str(p, v)
			if !ok {
				continue
			}
			dur, err := time.ParseDuration(str)
			if err != nil || dur < 0 {
				d.errorf(p, "%q is not a duration such as \"30s\" or \"2m\"", str)
				continue
			}
			s.IsolateIdle = dur
			if dur == 0 {
				s.IsolateIdle = -1
			}
		case "tls":
			d.tls(p, v)
		case "admin":
			am, ok := d.table(p, v)
			if !ok {
				continue
			}
			d.unknownKeys(p, am, "listen", "token_env")
			s.Admin.Listen = d.requiredStr(p, am, "listen")
			if s.Admin.Listen != "" {
				if err := checkAddr(s.Admin.Listen); err != nil {
					d.errorf(join(p, "listen"), "%v", err)
				} else {
					claimAddr(join(p, "listen"), s.Admin.Listen)
				}
			}
			s.Admin.TokenEnv = d.optStr(p, am, "token_env")
			if s.Admin.TokenEnv != "" {
				tok, ok := d.env(s.Admin.TokenEnv)
				if !ok || tok == "" {
					d.errorf(join(p, "token_env"), "environment variable %s is not set or empty", s.Admin.TokenEnv)
				} else if len(tok) < 16 {
					d.errorf(join(p, "token_env"), "the token in %s is shorter than 16 characters", s.Admin.TokenEnv)
				}
				s.Admin.Token = tok
			} else if s.Admin.Listen != "" && !isLoopback(s.Admin.Listen) {
				d.errorf(join(p, "token_env"), "required: the admin listener %s is not on loopback, so it needs a token", s.Admin.Listen)
			} else if s.Admin.Listen != "" {
				d.warnf(join(p, "token_env"), "not set: the admin listener takes requests from any local process")
			}
		default:
			d.warnf(p, "unknown field; ignored")
		}
	}
	if len(s.Listen) == 0 && len(s.TLSListen) == 0 {
		d.errorf("server.listen", "required: give at least one address in listen or tls_listen")
	}
	if len(s.TLSListen) > 0 && len(s.TLS) == 0 {
		d.errorf("server.tls", "required: tls_listen needs at least one [[server.tls]] certificate")
	}
	if len(s.TLSListen) == 0 && len(s.TLS) > 0 {
		d.warnf("server.tls", "certificates are given but there is no tls_listen address; they are unused")
	}
	if s.HTTP3 && len(s.TLSListen) == 0 {
		d.errorf("server.http3", "HTTP/3 needs TLS: add a tls_listen address")
	}
	if s.H2C && len(s.Listen) == 0 {
		d.errorf("server.h2c", "h2c is plain-text HTTP/2: add a listen address")
	}
}

func (d *edgedDecoder) timeouts(p string, v any) {
	m, ok := d.table(p, v)
	if !ok {
		return
	}
	t := &d.e.Server.Timeouts
	fields := map[string]*time.Duration{"read_header": &t.ReadHeader, "read": &t.Read, "write": &t.Write, "idle": &t.Idle, "shutdown": &t.Shutdown}
	for _, k := range sortedKeys(m) {
		dst, ok := fields[k]
		if !ok {
			d.warnf(join(p, k), "unknown field; ignored")
			continue
		}
		s, ok := d.str(join(p, k), m[k])
		if !ok {
			continue
		}
		dur, err := time.ParseDuration(s)
		if err != nil || dur < 0 {
			d.errorf(join(p, k), "%q is not a duration such as \"30s\" or \"2m\"", s)
			continue
		}
		*dst = dur
	}
}

func (d *edgedDecoder) tls(p string, v any) {
	names := map[string]string{}
	d.tables(p, v, func(ip string, m map[string]any) {
		d.unknownKeys(ip, m, "server_names", "cert", "key")
		var c TLSCert
		if sv, ok := m["server_names"]; ok {
			c.ServerNames, _ = d.strs(join(ip, "server_names"), sv)
		}
		for i, n := range c.ServerNames {
			np := index(join(ip, "server_names"), i)
			if err := checkServerName(n); err != nil {
				d.errorf(np, "%v", err)
				continue
			}
			n = strings.ToLower(n)
			c.ServerNames[i] = n
			if prev, dup := names[n]; dup {
				d.errorf(np, "server name %q already has a certificate in %s", n, prev)
			}
			names[n] = ip
		}
		if len(c.ServerNames) == 0 {
			const key = "(default)"
			if prev, dup := names[key]; dup {
				d.errorf(ip, "a second default certificate (no server_names); %s is the default", prev)
			}
			names[key] = ip
		}
		cert, keyf := d.requiredStr(ip, m, "cert"), d.requiredStr(ip, m, "key")
		if cert == "" || keyf == "" {
			return
		}
		c.CertFile, c.KeyFile = d.abs(cert), d.abs(keyf)
		pair, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
		if err != nil {
			d.errorf(ip, "cannot load certificate %s and key %s: %v", c.CertFile, c.KeyFile, err)
			return
		}
		c.Certificate = pair
		d.e.Server.TLS = append(d.e.Server.TLS, c)
	})
}

func (d *edgedDecoder) worker(p string, m map[string]any) Worker {
	var w Worker
	w.Name = d.requiredStr(p, m, "name")
	if w.Name != "" && (!workerName.MatchString(w.Name) || len(w.Name) > 63) {
		d.errorf(join(p, "name"), "%q is not a valid worker name: use lower-case letters, digits and dashes (not at either end), at most 63 characters", w.Name)
	}
	pathOK := false
	if path := d.requiredStr(p, m, "path"); path != "" {
		w.Path = d.abs(path)
		st, err := os.Stat(w.Path)
		switch {
		case err != nil:
			d.errorf(join(p, "path"), "%s: no such file or folder", w.Path)
		default:
			pathOK, w.IsProject = true, st.IsDir()
		}
	}
	for _, k := range sortedKeys(m) {
		fp, v := join(p, k), m[k]
		switch k {
		case "name", "path":
		case "compatibility_date":
			if s, ok := d.str(fp, v); ok {
				if err := compat.CheckDate(s); err != nil {
					d.errorf(fp, "%s", strings.TrimPrefix(err.Error(), "compat: "))
				} else {
					w.CompatibilityDate = s
				}
			}
		case "compatibility_flags":
			w.CompatibilityFlags, _ = d.strs(fp, v)
		case "vars":
			if t, ok := d.table(fp, v); ok {
				w.Vars = map[string]any{}
				for _, n := range sortedKeys(t) {
					if val, ok := d.value(join(fp, n), t[n]); ok {
						w.Vars[n] = val
					}
				}
			}
		case "secrets":
			d.secrets(fp, v, &w)
		case "d1_databases":
			w.D1Databases = d.d1(fp, v)
		case "kv_namespaces":
			w.KVNamespaces = d.kv(fp, v)
		case "limits":
			d.workerLimits(fp, v, &w.Limits)
		default:
			d.warnf(fp, "unknown field; ignored")
		}
	}
	switch {
	case w.CompatibilityDate != "":
		flags, err := compat.Resolve(w.CompatibilityDate, w.CompatibilityFlags)
		if err != nil {
			for _, e := range strings.Split(err.Error(), "\n") {
				d.errorf(join(p, "compatibility_flags"), "%s", strings.TrimPrefix(e, "compat: "))
			}
		}
		w.Compat = flags
	case pathOK && !w.IsProject && m["compatibility_date"] == nil:
		d.errorf(join(p, "compatibility_date"), "required for a bundle file (a project folder may take it from its wrangler config)")
	}
	d.workerBindings(p, &w)
	return w
}

func (d *edgedDecoder) secrets(p string, v any, w *Worker) {
	w.SecretEnv, w.Secrets = map[string]string{}, map[string]string{}
	add := func(fp, binding, envName string) {
		if envName == "" || !validEnvKey(envName) {
			d.errorf(fp, "%q is not an environment variable name", envName)
			return
		}
		val, ok := d.env(envName)
		if !ok {
			d.errorf(fp, "environment variable %s is not set", envName)
			return
		}
		w.SecretEnv[binding], w.Secrets[binding] = envName, val
	}
	switch v.(type) {
	case []any: // secrets = ["A", "B"]: same names in the environment
		names, _ := d.strs(p, v)
		for i, n := range names {
			add(index(p, i), n, n)
		}
	default:
		m, ok := d.strMap(p, v)
		if !ok {
			return
		}
		for _, b := range sortedKeys(m) {
			add(join(p, b), b, m[b])
		}
	}
}

func (d *edgedDecoder) workerLimits(p string, v any, l *WorkerLimits) {
	m, ok := d.table(p, v)
	if !ok {
		return
	}
	for _, k := range sortedKeys(m) {
		fp := join(p, k)
		switch k {
		case "cpu_ms":
			l.CPUMs, _ = d.integer(fp, m[k], 1, maxCPUMs)
		case "memory_mb":
			l.MemoryMB, _ = d.integer(fp, m[k], 16, 16<<10)
		case "subrequests":
			l.Subrequests, _ = d.integer(fp, m[k], 0, 1_000_000)
		case "wall_ms":
			l.WallMs, _ = d.integer(fp, m[k], 1, 24*3600*1000)
		default:
			d.warnf(fp, "unknown field; ignored")
		}
	}
}

func (d *edgedDecoder) workerBindings(p string, w *Worker) {
	seen := map[string]string{}
	claim := func(name, where string) {
		if prev, dup := seen[name]; dup && name != "" {
			d.errorf(where, "binding %q is already used by %s", name, prev)
			return
		}
		seen[name] = where
	}
	for _, k := range sortedKeys(w.Vars) {
		claim(k, join(join(p, "vars"), k))
	}
	for _, k := range sortedKeys(w.SecretEnv) {
		claim(k, join(join(p, "secrets"), k))
	}
	for i, db := range w.D1Databases {
		claim(db.Binding, join(index(join(p, "d1_databases"), i), "binding"))
	}
	for i, kv := range w.KVNamespaces {
		claim(kv.Binding, join(index(join(p, "kv_namespaces"), i), "binding"))
	}
}

func checkAddr(a string) error {
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return fmt.Errorf("%q is not a host:port address (write :8080 for every interface)", a)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q: port %q is not a number from 0 to 65535", a, port)
	}
	if strings.ContainsAny(host, " /") {
		return fmt.Errorf("%q: %q is not a host", a, host)
	}
	return nil
}

func isLoopback(a string) bool {
	host, _, err := net.SplitHostPort(a)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func checkServerName(n string) error {
	h := strings.TrimPrefix(n, "*.")
	if h == "" || strings.Contains(h, "*") {
		return fmt.Errorf("%q is not a server name (use example.com or *.example.com)", n)
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return fmt.Errorf("%q is not a valid server name", n)
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Errorf("%q is not a valid server name (write internationalized names in their xn-- form)", n)
			}
		}
	}
	return nil
}
