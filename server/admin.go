package server

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"sort"
	"strings"

	"github.com/edged-dev/edged/server/metrics"
)

// adminHandler serves the admin listener:
//
//	GET  /healthz   200 "ok" (no token needed)
//	GET  /metrics   Prometheus text format
//	GET  /workers   the loaded workers, their versions and counters (JSON)
//	POST /reload    re-read the config and apply it (as SIGHUP does)
//
// With server.admin.token_env set, every other path needs "Authorization: Bearer
// <token>". Without a token the listener is loopback-only (the config refuses
// anything else) and requests from other addresses are refused here too.
func (h *Host) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", metrics.ContentType)
		h.writeMetrics(w)
	})
	mux.HandleFunc("GET /workers", func(w http.ResponseWriter, r *http.Request) {
		type info struct {
			Name        string  `json:"name"`
			Version     int     `json:"version"`
			Fingerprint string  `json:"fingerprint"`
			Requests    int64   `json:"requests"`
			Isolates    int     `json:"isolates"`
			CPUSeconds  float64 `json:"cpu_seconds"`
			InFlight    int64   `json:"in_flight"`
		}
		g := h.gen.Load()
		out := []info{}
		for _, d := range g.workers {
			s := d.w.Stats()
			out = append(out, info{d.name, d.version, d.fp, s.Requests, s.Isolates, s.CPU.Seconds(), d.refs.Load()})
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("POST /reload", func(w http.ResponseWriter, r *http.Request) {
		res, err := h.Reload()
		if err != nil {
			status := http.StatusUnprocessableEntity
			if !errors.Is(err, ErrReloadRejected) {
				status = http.StatusInternalServerError
			}
			writeJSON(w, status, map[string]any{"ok": false, "error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "added": res.Added, "updated": res.Updated,
			"removed": res.Removed, "unchanged": len(res.Unchanged), "restart_needed_for": res.Ignored})
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" && !h.adminAllowed(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="edged admin"`)
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func (h *Host) adminAllowed(r *http.Request) bool {
	token := h.gen.Load().cfg.Server.Admin.Token
	if token == "" {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		ip := net.ParseIP(host)
		return err == nil && ip != nil && ip.IsLoopback()
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
