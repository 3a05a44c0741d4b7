package fetch

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A response body is taken for a pipe once, after its head and before any read;
// reading it to the end and closing it frees the subrequest and ends the wait of
// op_fetch_piped.
func TestPipedBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(echo))
	defer srv.Close()
	c := newTestClient(Options{})

	id, s := c.start(spec{method: "GET", url: srv.URL + "/piped"}, "owner", nil)
	<-s.done
	if !s.takeBody() {
		t.Fatal("an unread body was not taken")
	}
	if s.takeBody() {
		t.Error("a body was taken twice")
	}
	b := &upstreamBody{s: s, id: id, owner: "owner", end: s.begin()}
	got, err := io.ReadAll(b)
	if err != nil || !strings.HasPrefix(string(got), "GET /piped") {
		t.Errorf("got %q, %v", got, err)
	}
	if lookup(id, "owner") == nil {
		t.Error("the subrequest was released before its body was closed")
	}
	b.Close()
	b.Close()
	if lookup(id, "owner") != nil {
		t.Error("the subrequest is still there after its piped body was closed")
	}
	select {
	case <-s.pipe.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the end of the pipe was not signalled")
	}

	// A body JS began to read stays JS's.
	id, s = c.start(spec{method: "GET", url: srv.URL}, "owner", nil)
	defer release(id, "owner")
	<-s.done
	s.readStarted.Store(true)
	if s.takeBody() {
		t.Error("a body JS began to read was taken")
	}
}

// A streamed request body of known length goes with its Content-Length.
func TestStreamedBodyLength(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, r.Header.Get("Content-Length")+" "+strings.Join(r.TransferEncoding, ",")+" "+string(b))
	}))
	defer srv.Close()
	c := newTestClient(Options{})
	for _, n := range []int64{5, 0} {
		_, got, err := get(t, c, spec{method: "POST", url: srv.URL, stream: io.NopCloser(strings.NewReader("hello")), length: n})
		want := "5  hello"
		if n == 0 {
			want = " chunked hello"
		}
		if err != nil || got != want {
			t.Errorf("length %d: got %q, %v; want %q", n, got, err, want)
		}
	}
}
