package wpt

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/textproto"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The runner's stand-in for wptserve. Each test gets a listener of its own on
// 127.0.0.1; the worker's fetch() reaches it for every URL on the test's fake hosts
// (web-platform.test and its subdomains, any port: see fakenet.go), so tests see real
// fetched responses. The server answers:
//
//   - the suite's static files, with wptserve's `pipe=` header(), status() and sub,
//     `.sub.` templates, `<file>.headers` files, and `.asis` files sent as they are;
//   - the Python handlers that the covered tests use most, written again in Go
//     (handlers below). Any other `.py` URL answers 501 and is noted in the test's
//     console ("wpt server: no handler for ..."), so the failure says why.
//
// State that wptserve keeps in its stash (tokens of the cache tests, stash-put.py)
// is shared by all tests of the runner, as wptserve's is.

// server holds what the tests' listeners share.
type server struct {
	root  string
	mu    sync.Mutex
	stash map[string]any
}

// testServer is one test's listener and what it noted.
type testServer struct {
	*server
	ln    net.Listener
	mu    sync.Mutex
	notes []string
	conns map[net.Conn]bool
	done  bool
	wg    sync.WaitGroup
}

// listen starts a listener for one test.
func (s *server) listen() (*testServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	ts := &testServer{server: s, ln: ln, conns: map[net.Conn]bool{}}
	ts.wg.Add(1)
	go ts.accept()
	return ts, nil
}

func (ts *testServer) port() int { return ts.ln.Addr().(*net.TCPAddr).Port }

func (ts *testServer) accept() {
	defer ts.wg.Done()
	for {
		c, err := ts.ln.Accept()
		if err != nil {
			return
		}
		ts.mu.Lock()
		if ts.done {
			ts.mu.Unlock()
			c.Close()
			return
		}
		ts.conns[c] = true
		ts.wg.Add(1)
		ts.mu.Unlock()
		go func() {
			defer ts.wg.Done()
			ts.serveConn(c)
			ts.mu.Lock()
			delete(ts.conns, c)
			ts.mu.Unlock()
			c.Close()
		}()
	}
}

// close stops the listener and its connections, and returns the notes.
func (ts *testServer) close() []string {
	ts.ln.Close()
	ts.mu.Lock()
	ts.done = true
	for c := range ts.conns {
		c.Close()
	}
	ts.mu.Unlock()
	ts.wg.Wait()
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.notes
}

func (ts *testServer) note(format string, args ...any) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if len(ts.notes) < 50 {
		ts.notes = append(ts.notes, fmt.Sprintf(format, args...))
	}
}

// request is a parsed HTTP/1.1 request.
type request struct {
	method     string
	target     string // as sent: "/path?query"
	path       string // decoded path
	query      url.Values
	rawQuery   string
	proto      string
	header     http.Header // canonical names
	rawHeaders [][2]string // as sent, in order
	host       string      // the Host header: "web-platform.test:8000"
	body       []byte
	remote     string // the client's address
	local      string // the listener's address
}

// get returns the first value of a query parameter and whether it is there.
func (r *request) get(name string) (string, bool) {
	vs, ok := r.query[name]
	if !ok || len(vs) == 0 {
		return "", ok
	}
	return vs[0], true
}

func (r *request) getOr(name, def string) string {
	if v, ok := r.get(name); ok {
		return v
	}
	return def
}

// response is what a handler answers. A body is written with a Content-Length
// unless the headers set a Transfer-Encoding or the handler streams; raw, when
// set, is written as the whole response (an .asis file).
type response struct {
	status  int
	reason  string
	headers [][2]string
	body    []byte
	stream  func(w *bufio.Writer) error // writes the body itself; the connection closes after
	raw     []byte
	close   bool
}

func (r *response) set(name, value string) {
	for i, h := range r.headers {
		if strings.EqualFold(h[0], name) {
			r.headers[i][1] = value
			// drop the later ones
			out := r.headers[:i+1]
			for _, h2 := range r.headers[i+1:] {
				if !strings.EqualFold(h2[0], name) {
					out = append(out, h2)
				}
			}
			r.headers = out
			return
		}
	}
	r.headers = append(r.headers, [2]string{name, value})
}

func (r *response) add(name, value string) { r.headers = append(r.headers, [2]string{name, value}) }

func (r *response) has(name string) bool {
	for _, h := range r.headers {
		if strings.EqualFold(h[0], name) {
			return true
		}
	}
	return false
}

func text(status int, body string) *response {
	return &response{status: status, headers: [][2]string{{"Content-Type", "text/plain"}}, body: []byte(body)}
}

const maxRequestBody = 64 << 20

var errBadRequest = errors.New("bad request")

// readRequest reads one request (head and whole body) from br.
func readRequest(br *bufio.Reader) (*request, error) {
	tp := textproto.NewReader(br)
	line, err := tp.ReadLine()
	if err != nil {
		return nil, err
	}
	parts := strings.SplitN(line, " ", 3)
	if len(parts) != 3 || !strings.HasPrefix(parts[2], "HTTP/") || strings.Contains(parts[2], " ") {
		return nil, fmt.Errorf("%w: request line %q", errBadRequest, line)
	}
	req := &request{method: parts[0], target: parts[1], proto: parts[2], header: http.Header{}}
	for {
		l, err := tp.ReadLine()
		if err != nil {
			return nil, err
		}
		if l == "" {
			break
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			return nil, errBadRequest
		}
		value = strings.Trim(value, " \t")
		req.rawHeaders = append(req.rawHeaders, [2]string{name, value})
		req.header[textproto.CanonicalMIMEHeaderKey(name)] = append(req.header[textproto.CanonicalMIMEHeaderKey(name)], value)
	}
	req.host = req.header.Get("Host")
	u, err := url.ParseRequestURI(req.target)
	if err != nil {
		return nil, errBadRequest
	}
	req.path = u.Path
	req.rawQuery = u.RawQuery
	req.query, _ = url.ParseQuery(u.RawQuery)
	var body io.Reader
	if te := req.header.Get("Transfer-Encoding"); strings.EqualFold(te, "chunked") {
		body = httputil.NewChunkedReader(br)
	} else if cl := req.header.Get("Content-Length"); cl != "" {
		n, err := strconv.ParseInt(cl, 10, 64)
		if err != nil || n < 0 || n > maxRequestBody {
			return nil, errBadRequest
		}
		body = io.LimitReader(br, n)
	}
	if body != nil {
		b, err := io.ReadAll(io.LimitReader(body, maxRequestBody))
		if err != nil {
			return nil, err
		}
		req.body = b
		if strings.EqualFold(req.header.Get("Transfer-Encoding"), "chunked") {
			// The chunked reader stops at the last chunk: skip the trailer.
			for {
				l, err := tp.ReadLine()
				if err != nil {
					return nil, err
				}
				if l == "" {
					break
				}
			}
		}
	}
	return req, nil
}

// sniffedConn is a connection whose first bytes were peeked by r.
type sniffedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c sniffedConn) Read(b []byte) (int, error) { return c.r.Read(b) }

func (ts *testServer) serveConn(c net.Conn) {
	br := bufio.NewReader(c)
	// The https ports reach the same listener: a TLS handshake starts with 0x16.
	if first, err := br.Peek(1); err == nil && first[0] == 0x16 && serverTLS() != nil {
		tc := tls.Server(sniffedConn{c, br}, serverTLS())
		tc.SetDeadline(time.Now().Add(10 * time.Second))
		if err := tc.Handshake(); err != nil {
			ts.note("wpt server: TLS handshake: %v", err)
			return
		}
		tc.SetDeadline(time.Time{})
		c = tc
		br = bufio.NewReader(c)
	}
	bw := bufio.NewWriter(c)
	for {
		req, err := readRequest(br)
		if err != nil {
			if errors.Is(err, errBadRequest) {
				ts.note("wpt server: 400 for a %v", err)
				io.WriteString(c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
			}
			return
		}
		req.remote = c.RemoteAddr().String()
		req.local = c.LocalAddr().String()
		resp := ts.handle(req)
		if !ts.write(bw, req, resp) {
			return
		}
	}
}

// write sends resp; it reports whether the connection can serve another request.
func (ts *testServer) write(bw *bufio.Writer, req *request, resp *response) bool {
	if resp.raw != nil {
		bw.Write(resp.raw)
		bw.Flush()
		return false
	}
	reason := resp.reason
	if reason == "" {
		reason = http.StatusText(resp.status)
	}
	fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\n", resp.status, reason)
	keep := !resp.close && resp.stream == nil && req.proto == "HTTP/1.1" && !strings.EqualFold(req.header.Get("Connection"), "close")
	// As wptserve: Server and Date, and a Content-Length for a whole body.
	if !resp.has("Server") {
		resp.add("Server", "edged-wpt")
	}
	if !resp.has("Date") {
		resp.add("Date", time.Now().UTC().Format(http.TimeFormat))
	}
	noBody := resp.status < 200 || resp.status == 204 || resp.status == 304
	if resp.stream == nil && !noBody && !resp.has("Content-Length") && !resp.has("Transfer-Encoding") {
		resp.add("Content-Length", strconv.Itoa(len(resp.body)))
	}
	if !resp.has("Content-Length") && !resp.has("Transfer-Encoding") && resp.status >= 200 && resp.status != 204 && resp.status != 304 {
		keep = false
	}
	if !keep && !resp.has("Connection") {
		resp.add("Connection", "close")
	}
	for _, h := range resp.headers {
		bw.WriteString(h[0])
		bw.WriteString(": ")
		bw.WriteString(h[1])
		bw.WriteString("\r\n")
	}
	bw.WriteString("\r\n")
	if req.method == "HEAD" || resp.status < 200 || resp.status == 204 || resp.status == 304 {
		// No body, whatever the handler gave (HTTP has none for these).
		return bw.Flush() == nil && keep
	}
	if resp.stream != nil {
		if bw.Flush() != nil {
			return false
		}
		resp.stream(bw)
		bw.Flush()
		return false
	}
	bw.Write(resp.body)
	return bw.Flush() == nil && keep
}

// handle answers one request.
func (ts *testServer) handle(req *request) *response {
	p := path.Clean(req.path)
	if strings.HasPrefix(p, "/..") {
		return text(404, "not found")
	}
	if h, ok := handlers[p]; ok {
		return h(ts, req)
	}
	if strings.HasSuffix(p, ".py") {
		ts.note("wpt server: no handler for %s %s (a wptserve Python handler this runner does not have)", req.method, p)
		return &response{status: 501, reason: "No Go handler for this wptserve handler", headers: [][2]string{{"Content-Type", "text/plain"}},
			body: []byte("wpt: " + p + " needs the WPT server: the runner has no Go version of this handler")}
	}
	return ts.static(req, p)
}

// contentTypes maps file extensions to the Content-Type the server sends, as
// wptserve's guesses do for the files the tests fetch.
var contentTypes = map[string]string{
	".json": "application/json",
	".txt":  "text/plain",
	".html": "text/html",
	".htm":  "text/html",
	".xml":  "application/xml",
	".js":   "text/javascript",
	".css":  "text/css",
	".png":  "image/png",
	".gif":  "image/gif",
	".jpg":  "image/jpeg",
	".svg":  "image/svg+xml",
	".wasm": "application/wasm",
	".vtt":  "text/vtt",
	".webm": "video/webm",
	".idl":  "text/plain",
	".wav":  "audio/x-wav",
	".mp3":  "audio/mpeg",
	".ogg":  "application/ogg",
	".pdf":  "application/pdf",
}

// static serves a file of the suite.
func (ts *testServer) static(req *request, p string) *response {
	if req.method != "GET" && req.method != "HEAD" && req.method != "POST" {
		return text(405, "method not allowed")
	}
	full := filepath.Join(ts.root, filepath.FromSlash(p))
	if strings.HasSuffix(p, ".any.worker.js") {
		// wptserve's generated worker wrapper around an .any.js file.
		src := strings.TrimSuffix(p, ".worker.js") + ".js"
		if _, err := os.Stat(filepath.Join(ts.root, filepath.FromSlash(src))); err == nil {
			body := fmt.Sprintf("importScripts(\"/resources/testharness.js\");\nimportScripts(%q);\ndone();\n", src)
			return &response{status: 200, headers: [][2]string{{"Content-Type", "text/javascript"}}, body: []byte(body)}
		}
	}
	fi, err := os.Stat(full)
	if err != nil || !fi.Mode().IsRegular() {
		return text(404, "not found")
	}
	b, err := os.ReadFile(full)
	if err != nil {
		return text(500, err.Error())
	}
	if strings.HasSuffix(p, ".asis") {
		// Sent as it is. Some files stop after their last header line, which
		// browsers accept; Go's client wants the blank line that ends a head.
		if !bytes.Contains(b, []byte("\n\n")) && !bytes.Contains(b, []byte("\r\n\r\n")) {
			if !bytes.HasSuffix(b, []byte("\n")) {
				b = append(b, '\n')
			}
			b = append(b, '\n')
		}
		return &response{raw: b}
	}
	ct := contentTypes[path.Ext(p)]
	if ct == "" {
		ct = "application/octet-stream"
	}
	resp := &response{status: 200, headers: [][2]string{{"Content-Type", ct}}, body: b}
	if h, err := os.ReadFile(full + ".headers"); err == nil {
		for _, l := range strings.Split(string(h), "\n") {
			if name, value, ok := strings.Cut(strings.TrimRight(l, "\r"), ":"); ok && strings.TrimSpace(name) != "" {
				resp.set(strings.TrimSpace(name), strings.TrimSpace(value))
			}
		}
	}
	sub := isSub(p)
	if pipe, ok := req.get("pipe"); ok {
		sub = applyPipes(resp, pipe) || sub
	}
	if sub {
		resp.body = []byte(substitute(string(resp.body)))
	}
	return resp
}

// applyPipes applies wptserve's header(), status() and sub pipes; it reports
// whether sub was asked for. Other pipes are ignored.
func applyPipes(resp *response, pipe string) bool {
	sub := false
	for _, p := range splitEscaped(pipe, '|', false) {
		name, args, _ := strings.Cut(p, "(")
		args = strings.TrimSuffix(args, ")")
		as := splitEscaped(args, ',', true)
		for i := range as {
			as[i] = strings.TrimSpace(as[i])
		}
		switch strings.TrimSpace(name) {
		case "sub":
			sub = true
		case "status":
			if len(as) > 0 {
				if n, err := strconv.Atoi(as[0]); err == nil {
					resp.status = n
				}
				if len(as) > 1 {
					resp.reason = as[1]
				}
			}
		case "header":
			if len(as) >= 2 {
				if len(as) >= 3 && strings.EqualFold(as[2], "True") {
					resp.add(as[0], as[1])
				} else {
					resp.set(as[0], as[1])
				}
			}
		}
	}
	return sub
}

// splitEscaped splits s at sep, except where sep is escaped with a backslash;
// unescape drops the backslashes of the pieces.
func splitEscaped(s string, sep byte, unescape bool) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			if !unescape {
				cur.WriteByte('\\')
			}
			i++
			cur.WriteByte(s[i])
		case s[i] == sep:
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(s[i])
		}
	}
	return append(out, cur.String())
}

// Stash, as wptserve's: take removes what it returns.
func (s *server) put(key string, v any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stash[key] = v
}

func (s *server) take(key string) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.stash[key]
	if ok {
		delete(s.stash, key)
	}
	return v
}

// handlers are the wptserve Python handlers the runner has a Go version of, by URL
// path. Each does what its .py file in the suite does, for the parts tests use.
var handlers = map[string]func(*testServer, *request) *response{
	"/fetch/api/resources/inspect-headers.py":                   inspectHeaders,
	"/fetch/api/resources/echo-content.py":                      echoContent,
	"/fetch/api/resources/echo-content.h2.py":                   echoContent,
	"/FileAPI/file/resources/echo-content-escaped.py":           echoContentEscaped,
	"/fetch/api/resources/status.py":                            status,
	"/xhr/resources/status.py":                                  status,
	"/fetch/api/resources/trickle.py":                           trickle,
	"/fetch/api/resources/redirect.py":                          redirect,
	"/fetch/api/request/resources/cache.py":                     requestCache,
	"/fetch/api/resources/cache.py":                             etagCache,
	"/fetch/api/resources/bad-chunk-encoding.py":                badChunkEncoding,
	"/xhr/resources/echo-headers.py":                            echoHeaders,
	"/fetch/api/resources/authentication.py":                    authentication,
	"/fetch/api/resources/stash-put.py":                         stashPut,
	"/fetch/api/resources/stash-take.py":                        stashTake,
	"/fetch/api/resources/script-with-header.py":                scriptWithHeader,
	"/xhr/resources/parse-headers.py":                           parseHeaders,
	"/fetch/connection-pool/resources/network-partition-key.py": networkPartitionKey,
}

func inspectHeaders(_ *testServer, req *request) *response {
	resp := &response{status: 200}
	var checked []string
	if hs, ok := req.get("headers"); ok {
		checked = strings.Split(hs, "|")
		for _, h := range checked {
			if vs, ok := req.header[textproto.CanonicalMIMEHeaderKey(h)]; ok {
				resp.add("x-request-"+h, strings.Join(vs, ", "))
			}
		}
	}
	if _, ok := req.get("cors"); ok {
		if o := req.header.Get("Origin"); o != "" {
			resp.add("Access-Control-Allow-Origin", o)
		} else {
			resp.add("Access-Control-Allow-Origin", "*")
		}
		resp.add("Access-Control-Allow-Credentials", "true")
		resp.add("Access-Control-Allow-Methods", "GET, POST, HEAD")
		exposed := make([]string, len(checked))
		for i, h := range checked {
			exposed[i] = "x-request-" + h
		}
		resp.add("Access-Control-Expose-Headers", strings.Join(exposed, ", "))
		if ah, ok := req.get("allow_headers"); ok {
			resp.add("Access-Control-Allow-Headers", ah)
		} else {
			names := make([]string, len(req.rawHeaders))
			for i, h := range req.rawHeaders {
				names[i] = strings.ToLower(h[0])
			}
			resp.add("Access-Control-Allow-Headers", strings.Join(names, ", "))
		}
	}
	resp.add("content-type", "text/plain")
	return resp
}

func headerOr(req *request, name, def string) string {
	if vs, ok := req.header[textproto.CanonicalMIMEHeaderKey(name)]; ok {
		return strings.Join(vs, ", ")
	}
	return def
}

func echoContent(_ *testServer, req *request) *response {
	return &response{status: 200, headers: [][2]string{
		{"X-Request-Method", req.method},
		{"X-Request-Content-Length", headerOr(req, "Content-Length", "NO")},
		{"X-Request-Content-Type", headerOr(req, "Content-Type", "NO")},
		{"Content-Type", "text/plain"},
	}, body: req.body}
}

// echoContentEscaped echoes the body with controls and non-ASCII bytes as \xNN and
// backslashes doubled, CRLF kept.
func echoContentEscaped(_ *testServer, req *request) *response {
	var b bytes.Buffer
	for _, c := range req.body {
		switch {
		case c <= 0x1f || c >= 0x7f:
			fmt.Fprintf(&b, "\\x%02x", c)
		case c == '\\':
			b.WriteString("\\\\")
		default:
			b.WriteByte(c)
		}
	}
	body := bytes.ReplaceAll(b.Bytes(), []byte(`\x0d\x0a`), []byte("\r\n"))
	return &response{status: 200, headers: [][2]string{
		{"X-Request-Method", req.method},
		{"X-Request-Content-Length", headerOr(req, "Content-Length", "NO")},
		{"X-Request-Content-Type", headerOr(req, "Content-Type", "NO")},
		{"Content-Type", "text/plain; charset=UTF-8"},
	}, body: body}
}

func status(_ *testServer, req *request) *response {
	code, err := strconv.Atoi(req.getOr("code", "200"))
	if err != nil {
		return text(500, "bad code")
	}
	return &response{status: code, reason: req.getOr("text", "OMG"), headers: [][2]string{
		{"Content-Type", req.getOr("type", "")},
		{"X-Request-Method", req.method},
	}, body: []byte(req.getOr("content", ""))}
}

func sleepMs(s string, def float64) time.Duration {
	ms, err := strconv.ParseFloat(s, 64)
	if err != nil {
		ms = def
	}
	return time.Duration(ms * float64(time.Millisecond))
}

func trickle(_ *testServer, req *request) *response {
	delay := sleepMs(req.getOr("ms", "500"), 500)
	count, _ := strconv.Atoi(req.getOr("count", "50"))
	time.Sleep(delay)
	resp := &response{status: 200}
	if _, ok := req.get("notype"); !ok {
		resp.add("Content-type", "text/plain")
	}
	resp.stream = func(w *bufio.Writer) error {
		time.Sleep(delay)
		for i := 0; i < count; i++ {
			w.WriteString("TEST_TRICKLE\n")
			if err := w.Flush(); err != nil {
				return err
			}
			time.Sleep(delay)
		}
		return nil
	}
	return resp
}

func badChunkEncoding(_ *testServer, req *request) *response {
	delay := sleepMs(req.getOr("ms", "1000"), 1000)
	count, _ := strconv.Atoi(req.getOr("count", "50"))
	time.Sleep(delay)
	resp := &response{status: 200, headers: [][2]string{{"Transfer-Encoding", "chunked"}}}
	resp.stream = func(w *bufio.Writer) error {
		time.Sleep(delay)
		for i := 0; i < count; i++ {
			w.WriteString("a\r\nTEST_CHUNK\r\n")
			if err := w.Flush(); err != nil {
				return err
			}
			time.Sleep(delay)
		}
		w.WriteString("garbage")
		return w.Flush()
	}
	return resp
}

// pyQueryEncode is urllib.parse.urlencode of (name, value) pairs: quote_plus.
func pyQueryEncode(pairs [][2]string) string {
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p[0]))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p[1]))
	}
	return b.String()
}

// queryPairs lists the query parameters in order, the first value of each name once.
func queryPairs(raw string) [][2]string {
	var out [][2]string
	seen := map[string]bool{}
	for _, kv := range strings.Split(raw, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		k, err1 := url.QueryUnescape(k)
		v, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, [2]string{k, v})
	}
	return out
}

type redirectState struct {
	count     int
	preflight string
}

func redirect(ts *testServer, req *request) *response {
	st := redirectState{preflight: "0"}
	resp := &response{status: 302, headers: [][2]string{
		{"Content-Type", "text/plain"}, {"Cache-Control", "no-cache"}, {"Pragma", "no-cache"},
	}}
	if o := req.header.Get("Origin"); o != "" {
		resp.add("Access-Control-Allow-Origin", o)
		resp.add("Access-Control-Allow-Credentials", "true")
	} else {
		resp.add("Access-Control-Allow-Origin", "*")
	}
	token, hasToken := req.get("token")
	if hasToken {
		if v, ok := ts.take("redirect|" + token).(redirectState); ok {
			st = v
		}
	}
	if req.method == "OPTIONS" {
		if ah, ok := req.get("allow_headers"); ok {
			resp.add("Access-Control-Allow-Headers", ah)
		}
		st.preflight = "1"
		if _, ok := req.get("redirect_preflight"); !ok {
			if hasToken {
				ts.put("redirect|"+token, st)
			}
			resp.status = 200
			return resp
		}
	}
	if s, ok := req.get("redirect_status"); ok {
		resp.status, _ = strconv.Atoi(s)
	} else if req.method == "POST" {
		if form, err := url.ParseQuery(string(req.body)); err == nil && form.Get("redirect_status") != "" {
			resp.status, _ = strconv.Atoi(form.Get("redirect_status"))
		}
	}
	st.count++
	if loc, ok := req.get("location"); ok {
		if _, simple := req.get("simple"); !simple {
			u, err := url.Parse(loc)
			if err == nil && (u.Scheme == "" || u.Scheme == "http" || u.Scheme == "https") {
				if strings.Contains(loc, "?") {
					loc += "&"
				} else {
					loc += "?"
				}
				loc += pyQueryEncode(queryPairs(req.rawQuery))
				loc += "&count=" + strconv.Itoa(st.count)
			}
		}
		resp.add("Location", loc)
	}
	if rp, ok := req.get("redirect_referrerpolicy"); ok {
		resp.add("Referrer-Policy", rp)
	}
	if d, ok := req.get("delay"); ok {
		time.Sleep(sleepMs(d, 0))
	}
	if hasToken {
		ts.put("redirect|"+token, st)
		if mc, ok := req.get("max_count"); ok {
			if n, err := strconv.Atoi(mc); err == nil && st.count > n {
				return &response{status: 200, body: []byte(strconv.Itoa(st.count - 1))}
			}
		}
	}
	return resp
}

// requestCache is fetch/api/request/resources/cache.py: it records the conditional
// headers of each request under a token and answers with the validators asked for.
func requestCache(ts *testServer, req *request) *response {
	token := req.getOr("token", "")
	key := "request-cache|" + token
	if _, ok := req.get("querystate"); ok {
		v := ts.take(key)
		b, _ := json.Marshal(v)
		return &response{status: 200, headers: [][2]string{{"Content-Type", "text/plain"}}, body: b}
	}
	content, hasContent := req.get("content")
	tag, hasTag := req.get("tag")
	date, hasDate := req.get("date")
	inm, hasINM := req.header["If-None-Match"]
	ims, hasIMS := req.header["If-Modified-Since"]
	if hasTag && tag != "" {
		tag = `"` + tag + `"`
	}
	var state []map[string]string
	if v, ok := ts.take(key).([]map[string]string); ok {
		state = v
	}
	rec := map[string]string{}
	if _, ignore := req.get("ignore"); !ignore {
		for _, h := range []string{"If-None-Match", "If-Modified-Since", "Pragma", "Cache-Control"} {
			if vs, ok := req.header[h]; ok && vs[0] != "" {
				rec[h] = vs[0]
			}
		}
	}
	state = append(state, rec)
	ts.put(key, state)
	resp := &response{status: 200}
	if hasTag && tag != "" {
		resp.set("ETag", tag)
	} else if hasDate && date != "" {
		resp.set("Last-Modified", date)
	}
	for _, p := range [][2]string{{"expires", "Expires"}, {"vary", "Vary"}, {"cache_control", "Cache-Control"}} {
		if v, ok := req.get(p[0]); ok && v != "" {
			resp.set(p[1], v)
		}
	}
	resp.set("Access-Control-Allow-Origin", "*")
	if loc, ok := req.get("redirect"); ok && loc != "" {
		resp.set("Location", loc)
		resp.status, resp.reason = 302, "Redirect"
		return resp
	}
	if hasINM && hasTag && inm[0] == tag || hasIMS && hasDate && ims[0] == date {
		resp.status, resp.reason = 304, "Not Modified"
		return resp
	}
	resp.status, resp.reason = 200, "OK"
	resp.set("Content-Type", "text/plain")
	if hasContent {
		resp.body = []byte(content)
	}
	return resp
}

func etagCache(_ *testServer, req *request) *response {
	const etag = `"123abc"`
	if req.header.Get("If-None-Match") == etag {
		return &response{status: 304, reason: "Not Modified", headers: [][2]string{{"X-HTTP-STATUS", "304"}}}
	}
	return &response{status: 200, reason: "OK", headers: [][2]string{{"ETag", etag}, {"Content-Type", "text/plain"}},
		body: []byte("lorem ipsum dolor sit amet")}
}

// echoHeaders answers with the request's header lines, as Python's str() of
// wptserve's raw_headers (an http.client.HTTPMessage) prints them.
func echoHeaders(_ *testServer, req *request) *response {
	var b strings.Builder
	for _, h := range req.rawHeaders {
		b.WriteString(h[0] + ": " + h[1] + "\n")
	}
	b.WriteString("\n")
	return &response{status: 200, close: true, headers: [][2]string{{"Content-Type", "text/plain"}}, body: []byte(b.String())}
}

func authentication(_ *testServer, req *request) *response {
	if u, p, ok := (&http.Request{Header: req.header}).BasicAuth(); ok && u == "user" && p == "password" {
		return &response{status: 200, body: []byte("Authentication done")}
	}
	realm := req.getOr("realm", "test")
	return &response{status: 401, reason: "Unauthorized", headers: [][2]string{{"WWW-Authenticate", `Basic realm="` + realm + `"`}},
		body: []byte("Please login with credentials 'user' and 'password'")}
}

func stashDir(p string) string { return p[:strings.LastIndex(p, "/")+1] }

func stashPut(ts *testServer, req *request) *response {
	resp := &response{status: 200}
	if req.method == "OPTIONS" {
		resp.add("Access-Control-Allow-Origin", "*")
		resp.add("Access-Control-Allow-Methods", "*")
		resp.add("Access-Control-Allow-Headers", "*")
		resp.body = []byte("done")
		return resp
	}
	if _, ok := req.get("disallow_cross_origin"); !ok {
		resp.add("Access-Control-Allow-Origin", "*")
	} else if m, _ := req.get("mode"); m != "no-cors" {
		fo, _ := req.get("frame_origin")
		if fo != "http://"+req.host {
			resp.body = []byte("not stashing for cors request")
			return resp
		}
	}
	ts.put("stash|"+stashDir(req.path)+"|"+req.getOr("key", ""), req.getOr("value", ""))
	resp.body = []byte("done")
	return resp
}

func stashTake(ts *testServer, req *request) *response {
	v := ts.take("stash|" + stashDir(req.path) + "|" + req.getOr("key", ""))
	b, _ := json.Marshal(v)
	return &response{status: 200, headers: [][2]string{{"Access-Control-Allow-Origin", "*"}, {"Content-Type", "application/json"}}, body: b}
}

func scriptWithHeader(_ *testServer, req *request) *response {
	resp := &response{status: 200, headers: [][2]string{{"Content-type", req.getOr("mime", "")}}, body: []byte("console.log('Script loaded')")}
	if req.getOr("content", "") == "empty" {
		resp.body = nil
	}
	return resp
}

func parseHeaders(_ *testServer, req *request) *response {
	resp := &response{status: 200}
	if v, ok := req.get("my-custom-header"); ok {
		resp.set("My-Custom-Header", v)
	}
	return resp
}

type partitionState struct {
	requests, connections int
	failed                bool
	byConn                map[string]string
}

// networkPartitionKey is the check_partition and clean_up dispatches of
// fetch/connection-pool/resources/network-partition-key.py: it counts the requests
// and connections of a uuid.
func networkPartitionKey(ts *testServer, req *request) *response {
	dispatch, _ := req.get("dispatch")
	uuid, _ := req.get("uuid")
	partition, _ := req.get("partition_id")
	if dispatch == "" || uuid == "" || partition == "" {
		return &response{status: 404, reason: "Not found", body: []byte("Invalid query parameters")}
	}
	key := "partition|" + uuid
	var st partitionState
	if req.getOr("nocheck_partition", "") != "True" {
		ts.mu.Lock() // one at a time, as the .py holds the stash lock
		v, _ := ts.take(key).(partitionState)
		st = v
		if st.byConn == nil {
			st.byConn = map[string]string{}
		}
		st.requests++
		ck := req.remote + "|" + req.local
		if prev, ok := st.byConn[ck]; ok {
			if prev != partition {
				st.failed = true
			}
		} else {
			st.connections++
		}
		st.byConn[ck] = partition
		ts.put(key, st)
		ts.mu.Unlock()
	}
	resp := &response{headers: [][2]string{{"Cache-Control", "no-store"}}}
	if o := req.header.Get("Origin"); o != "" {
		resp.add("Access-Control-Allow-Origin", o)
		resp.add("Access-Control-Allow-Credentials", "true")
	}
	switch dispatch {
	case "check_partition":
		resp.status, _ = strconv.Atoi(req.getOr("status", "200"))
		resp.reason = "OK"
		if st.failed {
			resp.body = []byte("Multiple partition IDs used on a socket")
			return resp
		}
		body := "ok"
		if _, ok := req.get("addcounter"); ok {
			body += fmt.Sprintf(". Request was sent %d times. %d connections were created.", st.requests, st.connections)
		}
		resp.body = []byte(body)
	case "clean_up":
		ts.take(key)
		resp.status, resp.reason, resp.body = 200, "OK", []byte("cleanup complete")
	default:
		resp.status, resp.reason, resp.body = 404, "Not Found", []byte("Unrecognized dispatch parameter: "+dispatch)
	}
	return resp
}
