package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkServe compares a request handed straight to the worker with the same
// request through the host's front end (request id, routing, version refcount,
// metrics), and then over a real HTTP/1.1 connection.
//
//	go test -run '^$' -bench Serve -benchmem ./server
func BenchmarkServe(b *testing.B) {
	f := &fixture{dir: b.TempDir(), log: &syncBuffer{}}
	f.t = &testing.T{}
	write := func(name, content string) {
		if err := writeFile(f.dir, name, content); err != nil {
			b.Fatal(err)
		}
	}
	write("hello.js", `export default { fetch() { return new Response("Hello World!\n"); } };`)
	write("edged.toml", `
[server]
listen = ["127.0.0.1:0"]
[[workers]]
name = "hello"
path = "hello.js"
compatibility_date = "2025-01-01"
[[routes]]
pattern = "*/*"
worker = "hello"
`)
	cfg, err := f.load()
	if err != nil {
		b.Fatal(err)
	}
	h, err := NewHost(cfg, HostOptions{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	if err := h.Start(); err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	w := h.gen.Load().workers["hello"].w
	fe := &frontend{h: h}
	run := func(b *testing.B, handler http.Handler) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				rec := httptest.NewRecorder()
				handler.ServeHTTP(rec, httptest.NewRequest("GET", "http://example.com/", nil))
				if rec.Code != 200 {
					b.Fatalf("got %d", rec.Code)
				}
			}
		})
	}
	b.Run("handler/direct", func(b *testing.B) { run(b, w) })
	b.Run("handler/host", func(b *testing.B) { run(b, fe) })
	b.Run("handler/host+accesslog", func(b *testing.B) {
		h.access = slog.New(slog.NewJSONHandler(io.Discard, nil))
		defer func() { h.access = nil }()
		run(b, fe)
	})
	b.Run("http1/host", func(b *testing.B) {
		tr := &http.Transport{MaxIdleConnsPerHost: 64}
		defer tr.CloseIdleConnections()
		hc := &http.Client{Transport: tr}
		url := "http://" + h.Addrs().HTTP[0] + "/"
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				resp, err := hc.Get(url)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	})
}
