package runtime

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
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
