package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

var testClient = &http.Client{Timeout: 10 * time.Second}

// A failing scheduled handler answers 500 with its exception; without
// TestScheduled the paths reach the worker.
func TestScheduledRoutes(t *testing.T) {
	f := newFixture(t)
	f.write("cron.js", `export default {
  fetch(req) { return new Response("worker " + new URL(req.url).pathname); },
  async scheduled(controller) {
    if (controller.cron === "boom") throw new RangeError("scheduled boom");
    controller.noRetry();
  },
};`)
	f.write("edged.toml", `
[server]
listen = ["127.0.0.1:0"]
[[workers]]
name = "cron"
path = "cron.js"
compatibility_date = "2025-01-01"
[[routes]]
pattern = "*/*"
worker = "cron"
`)
	for _, on := range []bool{true, false} {
		h := f.start(HostOptions{TestScheduled: on})
		url := "http://" + h.Addrs().HTTP[0]
		get := func(path string) (int, string) {
			resp, err := testClient.Get(url + path)
			b := body(t, resp, err)
			return resp.StatusCode, b
		}
		st, b := get("/__scheduled?cron=boom")
		switch {
		case on && (st != 500 || !strings.Contains(b, "RangeError: scheduled boom")):
			t.Errorf("a throwing handler: %d %q, want 500 and the exception", st, b)
		case !on && (st != 200 || b != "worker /__scheduled"):
			t.Errorf("TestScheduled off: %d %q, want the worker's answer", st, b)
		}
		if st, b := get("/cdn-cgi/handler/scheduled?cron=ok"); on && st != 200 {
			t.Errorf("GET /cdn-cgi/handler/scheduled?cron=ok = %d %q", st, b)
		}
		if on {
			if st, _ := get("/__scheduled?time=soon"); st != 400 {
				t.Errorf("a bad time: %d, want 400", st)
			}
			res, err := h.Scheduled(context.Background(), "cron", "ok", time.Now())
			if err != nil || !res.OK || res.Retry {
				t.Errorf("Host.Scheduled = %+v, %v; want OK without retry (noRetry was called)", res, err)
			}
			if _, err := h.Scheduled(context.Background(), "nope", "ok", time.Now()); err == nil {
				t.Errorf("Host.Scheduled of an unknown worker: no error")
			}
		}
		h.Close()
	}
	if log := f.log.String(); !strings.Contains(log, "scheduled boom") || !strings.Contains(log, `"msg":"scheduled event failed"`) {
		t.Errorf("the failure is not logged:\n%s", log)
	}
}
