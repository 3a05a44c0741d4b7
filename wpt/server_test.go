package wpt

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// serverClient starts a test server over root and a client whose every connection
// reaches it, whatever the URL's host.
func serverClient(t *testing.T, root string) *http.Client {
	t.Helper()
	ts, err := (&server{root: root, stash: map[string]any{}}).listen()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ts.close() })
	addr := ts.ln.Addr().String()
	return &http.Client{
		Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "tcp", addr)
		}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func get(t *testing.T, c *http.Client, method, url, body string) (*http.Response, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = io.NopCloser(strings.NewReader(body)) // no length: sent chunked
	}
	req, _ := http.NewRequest(method, url, rd)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: body: %v", method, url, err)
	}
	return resp, string(b)
}

func TestServer(t *testing.T) {
	root := t.TempDir()
	write := func(name, s string) {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("d/a.txt", "hello {{host}}")
	write("d/a.txt.headers", "X-From-File: yes\n")
	write("d/t.sub.js", "var h = '{{host}}:{{ports[http][1]}}';")
	write("d/r.asis", "HTTP/1.1 280 HELLO\nfoo: 1\nfoo: 2")
	c := serverClient(t, root)
	const o = "http://web-platform.test:8000"

	resp, body := get(t, c, "GET", o+"/d/a.txt", "")
	if resp.StatusCode != 200 || body != "hello {{host}}" || resp.Header.Get("Content-Type") != "text/plain" || resp.Header.Get("X-From-File") != "yes" {
		t.Errorf("static: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	resp, body = get(t, c, "GET", o+"/d/a.txt?pipe=sub|header(X-A,1\\,2)|status(203,Fine)", "")
	if resp.StatusCode != 203 || resp.Status != "203 Fine" || body != "hello web-platform.test" || resp.Header.Get("X-A") != "1,2" {
		t.Errorf("pipes: %s %q %v", resp.Status, body, resp.Header)
	}
	if _, body = get(t, c, "GET", o+"/d/t.sub.js", ""); body != "var h = 'web-platform.test:8001';" {
		t.Errorf(".sub.js: %q", body)
	}
	resp, _ = get(t, c, "GET", o+"/d/r.asis", "")
	if resp.StatusCode != 280 || resp.Status != "280 HELLO" || strings.Join(resp.Header["Foo"], ",") != "1,2" {
		t.Errorf("asis: %s %v", resp.Status, resp.Header)
	}
	if resp, _ = get(t, c, "GET", o+"/d/missing.txt", ""); resp.StatusCode != 404 {
		t.Errorf("missing file: %d", resp.StatusCode)
	}
	if resp, _ = get(t, c, "GET", o+"/../etc/passwd", ""); resp.StatusCode != 404 {
		t.Errorf("outside the root: %d", resp.StatusCode)
	}

	// A streamed (chunked) body reaches the echo handler whole.
	resp, body = get(t, c, "POST", o+"/fetch/api/resources/echo-content.py", "abc")
	if body != "abc" || resp.Header.Get("X-Request-Method") != "POST" || resp.Header.Get("X-Request-Content-Length") != "NO" {
		t.Errorf("echo: %q %v", body, resp.Header)
	}
	resp, body = get(t, c, "POST", o+"/FileAPI/file/resources/echo-content-escaped.py", "a\\\x01\r\n\xff")
	if body != "a\\\\\\x01\r\n\\xff" {
		t.Errorf("escaped echo: %q", body)
	}
	// A 204 has no body, whatever the handler gave, and the connection goes on.
	resp, body = get(t, c, "GET", o+"/fetch/api/resources/status.py?code=204&content=hello", "")
	if resp.StatusCode != 204 || resp.Status != "204 OMG" || body != "" {
		t.Errorf("204: %s %q", resp.Status, body)
	}
	if _, body = get(t, c, "GET", o+"/fetch/api/resources/status.py?code=200&content=after", ""); body != "after" {
		t.Errorf("after a 204: %q", body)
	}
	resp, _ = get(t, c, "GET", o+"/fetch/api/resources/redirect.py?location=top.txt&x=a+b", "")
	if loc := resp.Header.Get("Location"); resp.StatusCode != 302 || loc != "top.txt?location=top.txt&x=a+b&count=1" {
		t.Errorf("redirect: %d %q", resp.StatusCode, loc)
	}
	resp, body = get(t, c, "GET", o+"/fetch/api/resources/inspect-headers.py?headers=x-a|x-b", "")
	if resp.Header.Get("X-Request-X-A") != "" || resp.Header.Get("Content-Type") != "text/plain" || body != "" {
		t.Errorf("inspect-headers: %v %q", resp.Header, body)
	}
	resp, body = get(t, c, "GET", o+"/x/unknown.py", "")
	if resp.StatusCode != 501 || !strings.Contains(body, "needs the WPT server") {
		t.Errorf("unknown handler: %d %q", resp.StatusCode, body)
	}

	// cache.py records each request's validators under its token.
	const cache = o + "/fetch/api/request/resources/cache.py?token=T&tag=v1&content=C"
	if resp, body = get(t, c, "GET", cache, ""); resp.StatusCode != 200 || body != "C" || resp.Header.Get("ETag") != `"v1"` {
		t.Errorf("cache.py: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	req, _ := http.NewRequest("GET", cache, nil)
	req.Header.Set("If-None-Match", `"v1"`)
	if resp, err := c.Do(req); err != nil || resp.StatusCode != 304 {
		t.Errorf("cache.py revalidation: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	if _, body = get(t, c, "GET", o+"/fetch/api/request/resources/cache.py?token=T&querystate", ""); body != `[{},{"If-None-Match":"\"v1\""}]` {
		t.Errorf("cache.py state: %s", body)
	}
}

func TestFakeDNS(t *testing.T) {
	query := func(name string, qtype uint16) []byte {
		q := []byte{0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0}
		for _, l := range strings.Split(name, ".") {
			q = append(q, byte(len(l)))
			q = append(q, l...)
		}
		q = append(q, 0)
		q = binary.BigEndian.AppendUint16(q, qtype)
		return binary.BigEndian.AppendUint16(q, 1)
	}
	r := answerDNS(query("www1.Web-Platform.test", 1))
	if len(r) < 4 || r[0] != 0x12 || r[1] != 0x34 || binary.BigEndian.Uint16(r[6:]) != 1 || !net.IP(r[len(r)-4:]).Equal(fakeIP) {
		t.Errorf("A www1.web-platform.test: % x", r)
	}
	if r := answerDNS(query("web-platform.test", 28)); r == nil || binary.BigEndian.Uint16(r[6:]) != 0 || r[3]&0x0f != 0 {
		t.Errorf("AAAA web-platform.test: % x", r)
	}
	if r := answerDNS(query("example.com", 1)); r != nil {
		t.Errorf("example.com is not ours: % x", r)
	}
	if r := answerDNS(query("notweb-platform.test", 1)); r != nil {
		t.Errorf("notweb-platform.test is not ours: % x", r)
	}
	if err := servedPort("9000"); err == nil || !strings.Contains(err.Error(), "(h2) needs the WPT server") {
		t.Errorf("9000: %v", err)
	}
	for _, p := range []string{"8000", "8001", "8443", "8444"} {
		if err := servedPort(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}
