package runtime

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/edged-dev/edged/bindings/fetch/fetchtest"
)

// A subrequest whose isolate is killed (here by the CPU limit, while the handler
// holds the response body unread) is closed with the isolate, not left to the
// sweeper minutes later: the upstream sees its client go at once.
func TestSubrequestClosedWhenItsIsolateDies(t *testing.T) {
	left := make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("first chunk"))
		w.(http.Flusher).Flush()
		<-r.Context().Done() // the client (edged's subrequest) went away
		close(left)
	}))
	defer up.Close()
	w, _ := newStreamWorker(t, `export default {
		async fetch(request, env) {
			const r = await fetch(env.UP);
			await r.body.getReader().read();
			for (;;) {} // the CPU limit ends this isolate
		},
	};`, map[string]any{"UP": up.URL}, Limits{Isolates: 1, CPU: 50 * time.Millisecond})
	rec := httptest.NewRecorder()
	w.ServeHTTP(rec, httptest.NewRequest("GET", "http://x/", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("got %d, want 503 from the CPU limit", rec.Code)
	}
	select {
	case <-left:
	case <-time.After(10 * time.Second):
		t.Fatal("the upstream connection is still open 10 s after the isolate died")
	}
}

// A response that goes on from Go while JS still writes the subrequest's body: when
// the isolate dies (the CPU limit, in the body's pull), the body is ended with an
// error, so the upstream and the client are not left waiting for the rest.
func TestPipedResponseEndsWhenItsBodyWriterDies(t *testing.T) {
	up := httptest.NewServer(fetchtest.Handler())
	defer up.Close()
	w, _ := newStreamWorker(t, `export default {
		fetch(request, env) {
			let sent = false;
			const body = new ReadableStream({
				pull(c) {
					if (!sent) { sent = true; c.enqueue(new TextEncoder().encode("first")); return; }
					return new Promise((resolve) => setTimeout(() => { for (;;) {} }, 50));
				},
			});
			return fetch(env.UP + "/echo-stream", { method: "POST", body });
		},
	};`, map[string]any{"UP": up.URL}, Limits{Isolates: 1, CPU: 50 * time.Millisecond})
	srv := httptest.NewServer(w)
	defer srv.Close()
	client := &http.Client{Timeout: 20 * time.Second}
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	done := make(chan error, 1)
	go func() { _, err := io.ReadAll(resp.Body); done <- err }()
	select {
	case <-done: // ended (with an error or not): what matters is that it ended
	case <-time.After(10 * time.Second):
		t.Fatal("the response is still open 10 s after the isolate died")
	}
}
