package runtime

import (
	"strings"
	"testing"
	"time"
)

func TestScheduled(t *testing.T) {
	w, log := newTestWorker(t, `
let runs = [];
export default {
  async scheduled(controller, env, ctx) {
    if (controller.cron === "boom") throw new Error("scheduled boom");
    if (controller.cron === "noretry") { controller.noRetry(); throw new Error("give up"); }
    ctx.waitUntil(new Promise((r) => setTimeout(r, 5)).then(() => runs.push(controller.cron + "@" + controller.scheduledTime)));
  },
  fetch() { return new Response(runs.join(",")); },
};`, Limits{Isolates: 1})
	at := time.UnixMilli(1_700_000_000_000)
	res, err := w.Scheduled(t.Context(), "*/5 * * * *", at)
	if err != nil || !res.OK {
		t.Fatalf("got %+v, %v; want OK", res, err)
	}
	res, _ = w.Scheduled(t.Context(), "boom", at)
	if res.OK || !res.Retry || !strings.Contains(res.Error, "scheduled boom") {
		t.Errorf("got %+v, want a failure with retry", res)
	}
	res, _ = w.Scheduled(t.Context(), "noretry", at)
	if res.OK || res.Retry {
		t.Errorf("got %+v, want a failure without retry", res)
	}
	if !strings.Contains(log.String(), "scheduled boom") {
		t.Errorf("the exception was not logged:\n%s", log)
	}
	_, body := getVia(t, w, "/")
	if body != "*/5 * * * *@1700000000000" {
		t.Errorf("got %q, want the waitUntil work of the first event", body)
	}
}

func TestClassDefaultExport(t *testing.T) {
	w, _ := newTestWorker(t, `
class Base { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }
export default class extends Base {
  fetch(request) { return new Response(typeof this.ctx.waitUntil + " " + Object.isFrozen(this.env)); }
};`, Limits{})
	if _, body := getVia(t, w, "/"); body != "function true" {
		t.Errorf("got %q, want 'function true'", body)
	}
	if res, _ := w.Scheduled(t.Context(), "x", time.Now()); res.OK || !strings.Contains(res.Error, "no scheduled handler") {
		t.Errorf("got %+v, want 'no scheduled handler'", res)
	}
}
