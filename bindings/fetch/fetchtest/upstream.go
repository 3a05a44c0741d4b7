// Package fetchtest is an HTTP server for tests of outbound fetch(): the fixtures in
// testdata/workers/fetch-outbound call it through env.UPSTREAM.
package fetchtest

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Handler serves:
//
//	/echo                  JSON {method, path, query, headers, body} of the request
//	/redirect/<status>     redirects to ?to= (default /echo) with that status
//	/loop                  redirects to itself, forever
//	/status/<n>            answers with status n and the body "status n"
//	/stream                ?chunks=N&size=S&delayMs=D: N chunks of S bytes ('a'..), flushed one by one
//	/hang                  sends the head and a first chunk, then waits for the client to go away
//	/hung                  how many /hang requests saw their client go away
//	/slow                  waits ?ms= before answering "slow"
//	/cookies               two Set-Cookie headers
//	/gzip                  a gzip-encoded "compressed body"
//	/count-body            reads the body in pieces, answers "<bytes> bytes"
//	/echo-stream           streams the request body back as it reads it (full duplex),
//	                       with the request's Content-Length (or -1) in X-Request-Length
//	/truncate              announces ?len= bytes (default 100), sends "partial" and cuts
//	                       the connection
func Handler() http.Handler {
	var hung atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h := map[string]string{}
		for k, vs := range r.Header {
			h[strings.ToLower(k)] = strings.Join(vs, ", ")
		}
		if r.Host != "" {
			h["host"] = r.Host
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"method": r.Method, "path": r.URL.Path, "query": r.URL.RawQuery, "headers": h, "body": string(b),
		})
	})
	mux.HandleFunc("/redirect/", func(w http.ResponseWriter, r *http.Request) {
		st, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/redirect/"))
		to := r.URL.Query().Get("to")
		if to == "" {
			to = "/echo"
		}
		w.Header().Set("Location", to)
		w.WriteHeader(st)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/status/", func(w http.ResponseWriter, r *http.Request) {
		st, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/status/"))
		w.WriteHeader(st)
		fmt.Fprintf(w, "status %d", st)
	})
	mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		n, _ := strconv.Atoi(q.Get("chunks"))
		size, _ := strconv.Atoi(q.Get("size"))
		delay, _ := strconv.Atoi(q.Get("delayMs"))
		w.Header().Set("Content-Type", "application/octet-stream")
		for i := 0; i < n; i++ {
			chunk := []byte(strings.Repeat(string(rune('a'+i%26)), size))
			if _, err := w.Write(chunk); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			time.Sleep(time.Duration(delay) * time.Millisecond)
		}
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		io.WriteString(w, "first")
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			hung.Add(1)
		case <-time.After(30 * time.Second):
		}
	})
	mux.HandleFunc("/hung", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, hung.Load())
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
			io.WriteString(w, "slow")
		case <-r.Context().Done():
			hung.Add(1)
		}
	})
	mux.HandleFunc("/cookies", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Set-Cookie", "a=1")
		w.Header().Add("Set-Cookie", "b=2")
		io.WriteString(w, "cookies")
	})
	mux.HandleFunc("/gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, "compressed body")
		zw.Close()
	})
	mux.HandleFunc("/echo-stream", func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		rc.EnableFullDuplex()
		w.Header().Set("X-Request-Length", strconv.FormatInt(r.ContentLength, 10))
		w.WriteHeader(200)
		rc.Flush()
		buf := make([]byte, 32<<10)
		for {
			n, err := r.Body.Read(buf)
			if n > 0 {
				if _, werr := w.Write(buf[:n]); werr != nil {
					return
				}
				rc.Flush()
			}
			if err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/truncate", func(w http.ResponseWriter, r *http.Request) {
		n := r.URL.Query().Get("len")
		if n == "" {
			n = "100"
		}
		w.Header().Set("Content-Length", n)
		io.WriteString(w, "partial")
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // the connection is closed mid-body
	})
	mux.HandleFunc("/count-body", func(w http.ResponseWriter, r *http.Request) {
		n, err := io.Copy(io.Discard, r.Body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		fmt.Fprintf(w, "%d bytes", n)
	})
	return mux
}
