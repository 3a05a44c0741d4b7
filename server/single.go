package server

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/edged-dev/edged/config"
)

// Single describes the single-file form, `edged serve worker.js`: one worker
// routed for every host and path.
type Single struct {
	File   string         // the worker script
	Addr   string         // host:port
	TLS    bool           // serve HTTPS + HTTP/3 on Addr (with a certificate given to the Host)
	Vars   map[string]any // env vars
	Limits config.WorkerLimits
	Admin  string // admin listener address; empty: none
	Token  string // admin bearer token; empty: loopback without a token
}

var nameChars = regexp.MustCompile(`[^a-z0-9-]+`)

// Config builds the edged.toml equivalent of s. The worker reloads from the file
// on every reload, so SIGHUP picks up an edited script.
func (s Single) Config() (*config.Edged, error) {
	abs, err := filepath.Abs(s.File)
	if err != nil {
		return nil, err
	}
	return s.config(workerName(strings.TrimSuffix(filepath.Base(abs), filepath.Ext(abs))), abs, false)
}

// workerName turns a file or project name into a valid worker name.
func workerName(s string) string {
	name := strings.Trim(nameChars.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if len(name) > 63 {
		name = strings.Trim(name[:63], "-")
	}
	if name == "" {
		name = "worker"
	}
	return name
}

// config is the edged.toml of one worker, name, made of path (a script, or a
// project folder), routed for every host and path on s's listener.
func (s Single) config(name, path string, isProject bool) (*config.Edged, error) {
	pat, err := config.ParsePattern("*/*")
	if err != nil {
		return nil, err
	}
	routes := []config.Route{{Pattern: pat, Worker: name}}
	router, err := config.NewRouter(routes)
	if err != nil {
		return nil, err
	}
	dir := path
	if !isProject {
		dir = filepath.Dir(path)
	}
	e := &config.Edged{
		Path: path,
		Dir:  dir,
		Server: config.Server{
			MaxHeaderBytes: 64 << 10,
			MaxBodyBytes:   100 << 20,
			Timeouts:       config.Timeouts{ReadHeader: 10 * time.Second, Idle: 120 * time.Second, Shutdown: 30 * time.Second},
			Admin:          config.Admin{Listen: s.Admin, Token: s.Token},
		},
		Workers: []config.Worker{{Name: name, Path: path, IsProject: isProject, Vars: s.Vars, Limits: s.Limits}},
		Routes:  routes,
		Router:  router,
	}
	if s.TLS {
		e.Server.TLSListen = []string{s.Addr}
		e.Server.HTTP3 = true
	} else {
		e.Server.Listen = []string{s.Addr}
		e.Server.H2C = true
	}
	if s.Admin != "" && s.Token == "" && !isLoopbackAddr(s.Admin) {
		return nil, fmt.Errorf("the admin listener %s is not on loopback, so it needs a token", s.Admin)
	}
	return e, nil
}

func isLoopbackAddr(a string) bool {
	host := a
	if i := strings.LastIndex(a, ":"); i >= 0 {
		host = strings.Trim(a[:i], "[]")
	}
	return host == "localhost" || strings.HasPrefix(host, "127.") || host == "::1"
}
