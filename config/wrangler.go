// Package config loads and validates edged's two kinds of configuration: a
// wrangler project config (wrangler.toml, wrangler.jsonc or wrangler.json,
// plus .dev.vars/.env) for `edged dev`, and the operator config edged.toml
// for `edged serve`. Loaders return every error they find at once, with the
// file and field path, and return warnings as values instead of printing.
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/edged-dev/edged/compat"
	"github.com/edged-dev/edged/config/cron"
)

// ConfigFiles are the wrangler config names, in the order wrangler prefers
// them when more than one exists.
var ConfigFiles = []string{"wrangler.json", "wrangler.jsonc", "wrangler.toml"}

// Config is a wrangler project config with one environment applied.
type Config struct {
	Path string // the file it was read from
	Dir  string // its directory; relative paths in the config are relative to it
	Env  string // the environment applied ("" for the top level)

	Name               string
	Main               string // entry point as written; see (*Config).Abs
	CompatibilityDate  string // as written, or compat.SupportedDate when missing (with a warning)
	CompatibilityFlags []string
	Compat             compat.Flags // the resolved date and flags

	Vars     map[string]any    // strings, bool, int64, float64, map[string]any, []any, nil
	Define   map[string]string // identifier -> JS expression
	Alias    map[string]string // module specifier -> replacement
	Minify   bool
	NoBundle bool
	Rules    []Rule

	D1Databases  []D1Database
	KVNamespaces []KVNamespace
	Triggers     Triggers
	Limits       Limits
	Dev          Dev
}

// Abs resolves a path from the config against the config's directory.
func (c *Config) Abs(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// ModuleType is a rules type.
type ModuleType string

const (
	ESModule     ModuleType = "ESModule"
	CommonJS     ModuleType = "CommonJS"
	Text         ModuleType = "Text"
	Data         ModuleType = "Data"
	CompiledWasm ModuleType = "CompiledWasm"
)

var moduleTypes = []ModuleType{ESModule, CommonJS, Text, Data, CompiledWasm}

// Rule says how files matching Globs are imported.
type Rule struct {
	Type        ModuleType
	Globs       []string
	Fallthrough bool
}

// D1Database is a D1 binding.
type D1Database struct {
	Binding           string
	DatabaseName      string
	DatabaseID        string
	PreviewDatabaseID string
	MigrationsDir     string // default "migrations"
	MigrationsTable   string // default "d1_migrations"
}

// KVNamespace is a KV binding.
type KVNamespace struct {
	Binding   string
	ID        string
	PreviewID string
}

// Triggers holds scheduled triggers.
type Triggers struct {
	Crons     []string
	Schedules []*cron.Schedule // parsed Crons, same order
}

// Limits are per-invocation limits; zero means the runtime's default.
type Limits struct {
	CPUMs int64
}

// Dev is the [dev] section: the local server's settings.
type Dev struct {
	IP               string // default "localhost"
	Port             int    // default 8787; 0 is "pick a free port" only when set explicitly
	LocalProtocol    string // "http" (default) or "https"
	UpstreamProtocol string // "http" or "https" (default)
	Host             string
}

// Find returns the wrangler config in dir or the nearest parent directory
// that has one, taking wrangler.json, then wrangler.jsonc, then
// wrangler.toml. The warnings say when one directory has several.
func Find(dir string) (string, []Warning, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", nil, fmt.Errorf("config: %w", err)
	}
	for d := abs; ; {
		var found []string
		for _, n := range ConfigFiles {
			p := filepath.Join(d, n)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				found = append(found, p)
			}
		}
		if len(found) > 0 {
			var warns []Warning
			if len(found) > 1 {
				warns = append(warns, Warning{File: found[0], Msg: fmt.Sprintf("several wrangler configs in one directory; using this one and ignoring %s", strings.Join(found[1:], ", "))})
			}
			return found[0], warns, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", nil, fmt.Errorf("config: no %s found in %s or its parents", strings.Join(ConfigFiles, ", "), abs)
		}
		d = parent
	}
}

// LoadDir finds the wrangler config for dir (see Find) and loads it with the
// environment env applied ("" for the top level).
func LoadDir(dir, env string) (*Config, []Warning, error) {
	p, warns, err := Find(dir)
	if err != nil {
		return nil, nil, err
	}
	c, w, err := Load(p, env)
	return c, append(warns, w...), err
}

// Load reads and validates a wrangler config file and applies the
// environment env ("" for the top level). The format follows the extension:
// .toml, .json or .jsonc (.json files may hold comments too, as wrangler
// allows). The error, if any, is an Errors naming every problem.
func Load(file, env string) (*Config, []Warning, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, fmt.Errorf("config: %w", err)
	}
	return Parse(file, data, env)
}

// Parse is Load for a file already in memory; name gives the format and is
// used in messages.
func Parse(name string, data []byte, env string) (*Config, []Warning, error) {
	d := &decoder{file: name}
	raw, err := decodeDoc(d, name, data)
	if err != nil {
		return nil, nil, Errors{{File: name, Msg: err.Error()}}
	}
	c := d.wrangler(raw, env)
	if len(d.errs) > 0 {
		return nil, d.warns, d.errs
	}
	abs, err := filepath.Abs(name)
	if err == nil {
		c.Path, c.Dir = abs, filepath.Dir(abs)
	} else {
		c.Path, c.Dir = name, filepath.Dir(name)
	}
	return c, d.warns, nil
}

// decodeDoc parses TOML or JSON(C) into a generic document.
func decodeDoc(d *decoder, name string, data []byte) (map[string]any, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	switch strings.ToLower(filepath.Ext(name)) {
	case ".toml":
		var raw map[string]any
		if _, err := toml.Decode(string(data), &raw); err != nil {
			var pe toml.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("line %d, column %d: %s", pe.Position.Line, pe.Position.Col, pe.Message)
			}
			return nil, err
		}
		if raw == nil {
			raw = map[string]any{}
		}
		return raw, nil
	case ".json", ".jsonc":
		d.json = true
		plain, err := StripJSONC(data)
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(plain)) == 0 {
			return nil, errEmpty
		}
		dec := json.NewDecoder(bytes.NewReader(plain))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				return nil, fmt.Errorf("%s: %s", position(data, int(se.Offset)-1), se.Error())
			}
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				return nil, fmt.Errorf("%s: %s", position(data, int(te.Offset)), te.Error())
			}
			return nil, fmt.Errorf("invalid JSON: %v", err)
		}
		if dec.More() {
			return nil, errors.New("unexpected content after the top-level object")
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("expected an object at the top level, got %s", d.kind(v))
		}
		return m, nil
	}
	return nil, fmt.Errorf("unknown config format %q: want .toml, .json or .jsonc", filepath.Ext(name))
}

// Keys and how they behave under [env.NAME], as wrangler defines them.
var (
	// inheritable keys: an environment that does not set them takes the
	// top level's value.
	inheritable = set("name", "main", "compatibility_date", "compatibility_flags",
		"alias", "minify", "no_bundle", "rules", "triggers", "limits")
	// nonInheritable keys: an environment that does not set them has none.
	nonInheritable = set("vars", "define", "d1_databases", "kv_namespaces")
	// topOnly keys exist only at the top level.
	topOnly = set("dev", "env", "$schema")
	// deployOnly keys matter to `wrangler deploy` only; edged accepts them
	// silently.
	deployOnly = set("account_id", "workers_dev", "route", "routes", "preview_urls", "logpush",
		"observability", "placement", "upload_source_maps", "send_metrics", "usage_model",
		"keep_vars", "tail_consumers", "first_party_worker", "zone_id", "legacy_env",
		"compliance_region", "tsconfig", "build", "find_additional_modules", "base_dir",
		"preserve_file_names", "keep_names")
	// unsupported keys are real wrangler features edged does not implement;
	// they draw a warning saying so.
	unsupported = set("r2_buckets", "durable_objects", "services", "queues",
		"analytics_engine_datasets", "vectorize", "hyperdrive", "ai", "browser", "send_email",
		"mtls_certificates", "dispatch_namespaces", "workflows", "version_metadata", "unsafe",
		"logfwdr", "wasm_modules", "text_blobs", "data_blobs", "site", "assets", "migrations",
		"node_compat", "pipelines", "secrets_store_secrets", "images", "containers")
)

func set(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// section is one decoded level (top or one env) with the keys it set.
type section struct {
	c   Config
	has map[string]bool
}

func (d *decoder) wrangler(raw map[string]any, env string) *Config {
	top := d.section("", raw, true)
	var envs map[string]any
	if v, ok := raw["env"]; ok {
		envs, _ = d.table("env", v)
	}
	sections := map[string]*section{}
	for _, name := range sortedKeys(envs) {
		p := join("env", name)
		if m, ok := d.table(p, envs[name]); ok {
			sections[name] = d.section(p, m, false)
		}
	}

	c := top.c
	dateSet, flagsPath := top.has["compatibility_date"], "compatibility_flags"
	if env != "" {
		es, ok := sections[env]
		if ok {
			dateSet = dateSet || es.has["compatibility_date"]
			if es.has["compatibility_flags"] {
				flagsPath = envField(env, "compatibility_flags")
			}
		}
		if !ok {
			d.warnf("", "no environment %q ([env.%s]) in the config; using the top-level config", env, env)
		} else {
			c = d.applyEnv(top, es, env)
		}
		c.Env = env
	}

	// Cross-field checks on the result.
	d.checkBindings(&c)
	date := c.CompatibilityDate
	if date == "" {
		// Missing, or invalid and already reported: resolve the flags
		// against the newest date so that flag errors still show.
		date = compat.SupportedDate
		if !dateSet {
			c.CompatibilityDate = date
			d.warnf("compatibility_date", "not set; using %s, the newest this edged supports. Set it to keep behaviour stable", date)
		}
	}
	flags, err := compat.Resolve(date, c.CompatibilityFlags)
	if err != nil {
		for _, e := range strings.Split(err.Error(), "\n") {
			d.errorf(flagsPath, "%s", strings.TrimPrefix(e, "compat: "))
		}
	}
	c.Compat = flags
	return &c
}

func envField(env, key string) string {
	if env == "" {
		return key
	}
	return join(join("env", env), key)
}

func (d *decoder) applyEnv(top, es *section, env string) Config {
	c := top.c
	e := es.c
	if es.has["name"] {
		c.Name = e.Name
	} else if c.Name != "" {
		c.Name = c.Name + "-" + env // wrangler's default name for an environment
	}
	if es.has["main"] {
		c.Main = e.Main
	}
	if es.has["compatibility_date"] {
		c.CompatibilityDate = e.CompatibilityDate
	}
	if es.has["compatibility_flags"] {
		c.CompatibilityFlags = e.CompatibilityFlags
	}
	if es.has["alias"] {
		c.Alias = e.Alias
	}
	if es.has["minify"] {
		c.Minify = e.Minify
	}
	if es.has["no_bundle"] {
		c.NoBundle = e.NoBundle
	}
	if es.has["rules"] {
		c.Rules = e.Rules
	}
	if es.has["triggers"] {
		c.Triggers = e.Triggers
	}
	if es.has["limits"] {
		c.Limits = e.Limits
	}
	// Non-inheritable: only what the environment itself says.
	c.Vars, c.Define, c.D1Databases, c.KVNamespaces = e.Vars, e.Define, e.D1Databases, e.KVNamespaces
	for _, k := range sortedKeys(nonInheritable) {
		if top.has[k] && !es.has[k] {
			d.warnf(join(join("env", env), k), "%s is set at the top level but not in this environment, and environments do not inherit it; this environment has none", k)
		}
	}
	return c
}

var workerName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)

// section decodes the keys of the top level or of one environment.
func (d *decoder) section(p string, m map[string]any, top bool) *section {
	s := &section{has: map[string]bool{}}
	c := &s.c
	for _, k := range sortedKeys(m) {
		v, fp := m[k], join(p, k)
		s.has[k] = true
		switch k {
		case "name":
			if n, ok := d.str(fp, v); ok {
				if !workerName.MatchString(n) || len(n) > 63 {
					d.errorf(fp, "%q is not a valid worker name: use lower-case letters, digits and dashes (not at either end), at most 63 characters", n)
				}
				c.Name = n
			}
		case "main":
			if s, ok := d.str(fp, v); ok {
				if s == "" {
					d.errorf(fp, "must not be empty")
				}
				c.Main = s
			}
		case "compatibility_date":
			if s, ok := d.str(fp, v); ok {
				if err := compat.CheckDate(s); err != nil {
					d.errorf(fp, "%s", strings.TrimPrefix(err.Error(), "compat: "))
				} else {
					c.CompatibilityDate = s
				}
			}
		case "compatibility_flags":
			c.CompatibilityFlags, _ = d.strs(fp, v)
			if c.CompatibilityFlags == nil {
				c.CompatibilityFlags = []string{}
			}
		case "vars":
			if t, ok := d.table(fp, v); ok {
				c.Vars = map[string]any{}
				for _, name := range sortedKeys(t) {
					if val, ok := d.value(join(fp, name), t[name]); ok {
						c.Vars[name] = val
					}
				}
			}
		case "define":
			c.Define, _ = d.strMap(fp, v)
		case "alias":
			c.Alias, _ = d.strMap(fp, v)
		case "minify":
			c.Minify, _ = d.boolean(fp, v)
		case "no_bundle":
			c.NoBundle, _ = d.boolean(fp, v)
		case "rules":
			c.Rules = d.rules(fp, v)
		case "d1_databases":
			c.D1Databases = d.d1(fp, v)
		case "kv_namespaces":
			c.KVNamespaces = d.kv(fp, v)
		case "triggers":
			c.Triggers = d.triggers(fp, v)
		case "limits":
			c.Limits = d.limits(fp, v)
		case "dev":
			if !top {
				d.warnf(fp, "[dev] is only read at the top level; ignored here")
				continue
			}
			c.Dev = d.dev(fp, v)
		case "env":
			if !top {
				d.warnf(fp, "environments cannot be nested; ignored")
			}
		case "$schema":
		default:
			switch {
			case deployOnly[k]:
				// Meaningful to `wrangler deploy` only.
			case unsupported[k]:
				d.warnf(fp, "not supported by edged yet; ignored (these bindings will be missing from env)")
			default:
				d.warnf(fp, "unknown field; ignored")
			}
		}
	}
	if top {
		if !s.has["dev"] {
			c.Dev = Dev{Port: 8787}
		}
		c.Dev.defaults()
	}
	return s
}

func (dv *Dev) defaults() {
	if dv.IP == "" {
		dv.IP = "localhost"
	}
	if dv.LocalProtocol == "" {
		dv.LocalProtocol = "http"
	}
	if dv.UpstreamProtocol == "" {
		dv.UpstreamProtocol = "https"
	}
}

// unknownKeys warns about every key of m not in known.
func (d *decoder) unknownKeys(p string, m map[string]any, known ...string) {
	for _, k := range sortedKeys(m) {
		found := false
		for _, kk := range known {
			if k == kk {
				found = true
				break
			}
		}
		if !found {
			d.warnf(join(p, k), "unknown field; ignored")
		}
	}
}

// tables reads an array of tables, calling f for each one.
func (d *decoder) tables(p string, v any, f func(p string, m map[string]any)) {
	a, ok := d.array(p, v)
	if !ok {
		return
	}
	for i, e := range a {
		ip := index(p, i)
		if m, ok := d.table(ip, e); ok {
			f(ip, m)
		}
	}
}

// requiredStr reads m[key] as a non-empty string.
func (d *decoder) requiredStr(p string, m map[string]any, key string) string {
	v, ok := m[key]
	if !ok {
		d.errorf(join(p, key), "required")
		return ""
	}
	s, ok := d.str(join(p, key), v)
	if ok && s == "" {
		d.errorf(join(p, key), "must not be empty")
	}
	return s
}

// optStr reads m[key] as a string if present.
func (d *decoder) optStr(p string, m map[string]any, key string) string {
	v, ok := m[key]
	if !ok {
		return ""
	}
	s, _ := d.str(join(p, key), v)
	return s
}

func (d *decoder) rules(p string, v any) []Rule {
	var out []Rule
	d.tables(p, v, func(ip string, m map[string]any) {
		d.unknownKeys(ip, m, "type", "globs", "fallthrough")
		var r Rule
		t := d.requiredStr(ip, m, "type")
		for _, mt := range moduleTypes {
			if string(mt) == t {
				r.Type = mt
			}
		}
		if t != "" && r.Type == "" {
			d.errorf(join(ip, "type"), "%q is not a module type: expected one of ESModule, CommonJS, Text, Data, CompiledWasm", t)
		}
		if g, ok := m["globs"]; !ok {
			d.errorf(join(ip, "globs"), "required: an array of glob patterns")
		} else if globs, ok := d.strs(join(ip, "globs"), g); ok {
			if len(globs) == 0 {
				d.errorf(join(ip, "globs"), "expected at least one glob pattern")
			}
			for i, gl := range globs {
				if _, err := path.Match(gl, ""); err != nil || gl == "" {
					d.errorf(index(join(ip, "globs"), i), "%q is not a valid glob pattern", gl)
				}
			}
			r.Globs = globs
		}
		if f, ok := m["fallthrough"]; ok {
			r.Fallthrough, _ = d.boolean(join(ip, "fallthrough"), f)
		}
		out = append(out, r)
	})
	return out
}

func (d *decoder) d1(p string, v any) []D1Database {
	var out []D1Database
	d.tables(p, v, func(ip string, m map[string]any) {
		d.unknownKeys(ip, m, "binding", "database_name", "database_id", "preview_database_id",
			"migrations_dir", "migrations_table", "remote", "database_internal_env")
		db := D1Database{
			Binding:           d.requiredStr(ip, m, "binding"),
			DatabaseName:      d.optStr(ip, m, "database_name"),
			DatabaseID:        d.optStr(ip, m, "database_id"),
			PreviewDatabaseID: d.optStr(ip, m, "preview_database_id"),
			MigrationsDir:     d.optStr(ip, m, "migrations_dir"),
			MigrationsTable:   d.optStr(ip, m, "migrations_table"),
		}
		if db.MigrationsDir == "" {
			db.MigrationsDir = "migrations"
		}
		if db.MigrationsTable == "" {
			db.MigrationsTable = "d1_migrations"
		}
		out = append(out, db)
	})
	return out
}

func (d *decoder) kv(p string, v any) []KVNamespace {
	var out []KVNamespace
	d.tables(p, v, func(ip string, m map[string]any) {
		d.unknownKeys(ip, m, "binding", "id", "preview_id", "remote")
		out = append(out, KVNamespace{
			Binding:   d.requiredStr(ip, m, "binding"),
			ID:        d.optStr(ip, m, "id"),
			PreviewID: d.optStr(ip, m, "preview_id"),
		})
	})
	return out
}

func (d *decoder) triggers(p string, v any) Triggers {
	var t Triggers
	m, ok := d.table(p, v)
	if !ok {
		return t
	}
	d.unknownKeys(p, m, "crons")
	if cv, ok := m["crons"]; ok {
		crons, _ := d.strs(join(p, "crons"), cv)
		for i, expr := range crons {
			s, err := cron.Parse(expr)
			if err != nil {
				d.errorf(index(join(p, "crons"), i), "%s", strings.TrimPrefix(err.Error(), "cron: "))
				continue
			}
			t.Crons = append(t.Crons, expr)
			t.Schedules = append(t.Schedules, s)
		}
	}
	return t
}

// maxCPUMs is the largest CPU limit Workers allows (5 minutes).
const maxCPUMs = 300_000

func (d *decoder) limits(p string, v any) Limits {
	var l Limits
	m, ok := d.table(p, v)
	if !ok {
		return l
	}
	for _, k := range sortedKeys(m) {
		switch k {
		case "cpu_ms":
			l.CPUMs, _ = d.integer(join(p, k), m[k], 1, maxCPUMs)
		case "subrequests":
			d.warnf(join(p, k), "not enforced by edged dev yet; ignored")
		default:
			d.warnf(join(p, k), "unknown field; ignored")
		}
	}
	return l
}

func (d *decoder) dev(p string, v any) Dev {
	var dv Dev
	m, ok := d.table(p, v)
	if !ok {
		return dv
	}
	for _, k := range sortedKeys(m) {
		fp := join(p, k)
		switch k {
		case "ip":
			if s, ok := d.str(fp, m[k]); ok {
				if s == "" || strings.ContainsAny(s, " /") || (strings.Contains(s, ":") && net.ParseIP(s) == nil) {
					d.errorf(fp, "%q is not an IP address or host name", s)
				}
				dv.IP = s
			}
		case "port":
			n, _ := d.integer(fp, m[k], 0, 65535)
			dv.Port = int(n)
		case "local_protocol", "upstream_protocol":
			if s, ok := d.str(fp, m[k]); ok {
				if s != "http" && s != "https" {
					d.errorf(fp, "expected \"http\" or \"https\", got %q", s)
				}
				if k == "local_protocol" {
					dv.LocalProtocol = s
				} else {
					dv.UpstreamProtocol = s
				}
			}
		case "host":
			dv.Host, _ = d.str(fp, m[k])
		case "inspector_port", "live_reload", "persist", "enable_containers", "container_engine", "generate_types":
			d.warnf(fp, "not supported by edged dev yet; ignored")
		default:
			d.warnf(fp, "unknown field; ignored")
		}
	}
	if _, set := m["port"]; !set {
		dv.Port = 8787
	}
	return dv
}

// checkBindings refuses two bindings with one name.
func (d *decoder) checkBindings(c *Config) {
	seen := map[string]string{}
	claim := func(name, where string) {
		if name == "" {
			return
		}
		if prev, ok := seen[name]; ok {
			d.errorf(where, "binding %q is already used by %s", name, prev)
			return
		}
		seen[name] = where
	}
	prefix := ""
	if c.Env != "" {
		prefix = join("env", c.Env)
	}
	for _, k := range sortedKeys(c.Vars) {
		claim(k, join(join(prefix, "vars"), k))
	}
	for i, db := range c.D1Databases {
		claim(db.Binding, join(index(join(prefix, "d1_databases"), i), "binding"))
	}
	for i, kv := range c.KVNamespaces {
		claim(kv.Binding, join(index(join(prefix, "kv_namespaces"), i), "binding"))
	}
}
