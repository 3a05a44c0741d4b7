package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// echo answers with the method, the body and a few headers it received.
func echo(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	fmt.Fprintf(w, "%s %s body=%q ct=%q auth=%q", r.Method, r.URL.Path, b, r.Header.Get("Content-Type"), r.Header.Get("Authorization"))
}

func newTestClient(o Options) *client { return newClient(withDefaults(o)) }

func get(t *testing.T, c *client, sp spec) (head, string, error) {
	t.Helper()
	h, err := c.send(context.Background(), sp)
	if err != nil {
		return h, "", err
	}
	b, _ := io.ReadAll(h.resp.Body)
	h.resp.Body.Close()
	return h, string(b), nil
}

func TestRedirectRules(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", echo)
	mux.HandleFunc("/r/", func(w http.ResponseWriter, r *http.Request) {
		// /r/<status> redirects to /echo with that status.
		st, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/r/"))
		w.Header().Set("Location", "/echo")
		w.WriteHeader(st)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := newTestClient(Options{})
	hdr := func() http.Header { return http.Header{"Content-Type": {"text/plain"}} }
	cases := []struct {
		status int
		method string
		want   string
	}{
		{301, "POST", `GET /echo body="" ct=""`},
		{302, "POST", `GET /echo body="" ct=""`},
		{303, "POST", `GET /echo body="" ct=""`},
		{303, "PUT", `GET /echo body="" ct=""`},
		{301, "PUT", `PUT /echo body="data" ct="text/plain"`}, // Fetch keeps PUT on 301 (Go's own client would not)
		{302, "DELETE", `DELETE /echo body="data" ct="text/plain"`},
		{307, "POST", `POST /echo body="data" ct="text/plain"`},
		{308, "POST", `POST /echo body="data" ct="text/plain"`},
	}
	for _, tc := range cases {
		h, got, err := get(t, c, spec{method: tc.method, url: srv.URL + "/r/" + strconv.Itoa(tc.status), header: hdr(), body: []byte("data"), redirect: redirectFollow})
		if err != nil {
			t.Errorf("%d %s: %v", tc.status, tc.method, err)
			continue
		}
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("%d %s: got %q, want %q", tc.status, tc.method, got, tc.want)
		}
		if !h.redirected || h.url != srv.URL+"/echo" {
			t.Errorf("%d %s: got url %q redirected %v", tc.status, tc.method, h.url, h.redirected)
		}
	}

	// manual: the redirect itself; error: a network error.
	h, _, err := get(t, c, spec{method: "GET", url: srv.URL + "/r/302", redirect: redirectManual})
	if err != nil || h.resp.StatusCode != 302 || h.redirected || h.resp.Header.Get("Location") != "/echo" {
		t.Errorf("manual: got %v, %v", h, err)
	}
	if _, _, err := get(t, c, spec{method: "GET", url: srv.URL + "/r/302", redirect: redirectError}); err == nil || !strings.Contains(err.Error(), "redirect mode is set to error") {
		t.Errorf("error mode: got %v", err)
	}
	// A streamed body cannot be replayed on 307.
	pr, pw := io.Pipe()
	go func() { pw.Write([]byte("x")); pw.Close() }()
	if _, _, err := get(t, c, spec{method: "POST", url: srv.URL + "/r/307", stream: pr, redirect: redirectFollow}); err == nil || !strings.Contains(err.Error(), "streamed request body") {
		t.Errorf("307 with a stream: got %v", err)
	}
}

func TestRedirectLimitAndCrossOrigin(t *testing.T) {
	var target *httptest.Server
	n := 0
	loop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		if r.URL.Path == "/away" {
			w.Header().Set("Location", target.URL+"/echo")
		} else {
			w.Header().Set("Location", "/again")
		}
		w.WriteHeader(302)
	}))
	defer loop.Close()
	target = httptest.NewServer(http.HandlerFunc(echo))
	defer target.Close()
	c := newTestClient(Options{})
	if _, _, err := get(t, c, spec{method: "GET", url: loop.URL, redirect: redirectFollow}); err == nil || !strings.Contains(err.Error(), "too many redirects") {
		t.Errorf("got %v, want too many redirects", err)
	}
	if n != maxRedirects+1 {
		t.Errorf("got %d requests, want %d", n, maxRedirects+1)
	}
	// Another origin (another port) does not get the Authorization header.
	_, got, err := get(t, c, spec{method: "GET", url: loop.URL + "/away", header: http.Header{"Authorization": {"Bearer x"}}, redirect: redirectFollow})
	if err != nil || !strings.Contains(got, `auth=""`) {
		t.Errorf("cross-origin: got %q, %v", got, err)
	}
}

func TestControlGuard(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(echo))
	defer srv.Close()
	blocked := errors.New("blocked by policy")
	var dialed string
	c := newTestClient(Options{Control: func(network, address string, _ syscall.RawConn) error {
		dialed = address
		return blocked
	}})
	_, _, err := get(t, c, spec{method: "GET", url: srv.URL})
	if err == nil || !strings.Contains(err.Error(), "blocked by policy") {
		t.Errorf("got %v, want the guard's error", err)
	}
	if !strings.HasPrefix(dialed, "127.0.0.1:") {
		t.Errorf("the guard saw %q, want the resolved address", dialed)
	}
}

func TestTimeoutAndClose(t *testing.T) {
	unblock := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		select {
		case <-unblock:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(unblock)
	c := newTestClient(Options{})

	// A whole-request timeout stops a body that never ends.
	id, s := c.start(spec{method: "GET", url: srv.URL, timeout: 50 * time.Millisecond}, "owner", nil)
	start := time.Now()
	_, err := s.read(make([]byte, 10))
	if !errors.Is(err, errTimeout) {
		t.Errorf("got %v, want the timeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("timeout took %v", d)
	}
	if lookup(id, "someone else") != nil {
		t.Error("another owner can see the subrequest")
	}
	release(id, "owner")
	if lookup(id, "owner") != nil {
		t.Error("released subrequest still there")
	}

	// Closing while a read waits ends the read.
	id, s = c.start(spec{method: "GET", url: srv.URL}, "owner", nil)
	<-s.done
	got := make(chan error, 1)
	go func() {
		_, err := s.read(make([]byte, 10))
		got <- err
	}()
	time.Sleep(20 * time.Millisecond)
	release(id, "owner")
	select {
	case err := <-got:
		if err == nil {
			t.Error("read after close: no error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("read did not end after close")
	}
}

func TestStreamedBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(echo))
	defer srv.Close()
	c := newTestClient(Options{})
	pr, pw := io.Pipe()
	id, s := c.start(spec{method: "POST", url: srv.URL + "/up", stream: pr}, "owner", pw)
	defer release(id, "owner")
	for _, part := range []string{"one ", "two ", "three"} {
		if _, err := pw.Write([]byte(part)); err != nil {
			t.Fatal(err)
		}
	}
	pw.Close()
	<-s.done
	if s.err != nil {
		t.Fatal(s.err)
	}
	b, _ := io.ReadAll(s.h.resp.Body)
	if want := `POST /up body="one two three"`; !strings.HasPrefix(string(b), want) {
		t.Errorf("got %q, want %q", b, want)
	}
}

func TestPackHead(t *testing.T) {
	h := head{url: "http://x/", redirected: true, resp: &http.Response{StatusCode: 404, Status: "404 Not Found", Header: http.Header{"X-A": {"1"}}}}
	if got, want := packHead(h), "404\x00Not Found\x00http://x/\x001\x00x-a\x001"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	hd := unpackHeaders("a\x001\x00B\x002\x00a\x003")
	if got := hd.Values("A"); len(got) != 2 || got[1] != "3" || hd.Get("b") != "2" {
		t.Errorf("unpack: got %v", hd)
	}
}

// Subrequests nobody touches any more (their isolate died) are swept; busy ones are
// kept until they are stuck for long.
func TestSweepAbandoned(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(echo))
	defer srv.Close()
	c := newTestClient(Options{})
	idle, s1 := c.start(spec{method: "GET", url: srv.URL}, "sweep", nil)
	busy, s2 := c.start(spec{method: "GET", url: srv.URL}, "sweep", nil)
	<-s1.done
	<-s2.done
	end := s2.begin()
	defer end()
	if n := sweep(time.Now()); n != 0 {
		t.Errorf("swept %d fresh subrequests", n)
	}
	if n := sweep(time.Now().Add(abandonIdle + time.Minute)); n != 1 || lookup(idle, "sweep") != nil || lookup(busy, "sweep") == nil {
		t.Errorf("after the idle limit: swept %d; want only the idle one", n)
	}
	if n := sweep(time.Now().Add(abandonStuck + time.Minute)); n != 1 || lookup(busy, "sweep") != nil {
		t.Errorf("after the stuck limit: swept %d; want the busy one", n)
	}
}
