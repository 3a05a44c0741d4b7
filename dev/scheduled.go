package dev

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"time"

	"github.com/edged-dev/edged/bundle"
	"github.com/edged-dev/edged/config/cron"
)

// ScheduledResult is how one scheduled event went.
type ScheduledResult struct {
	Outcome string // "ok" or "exception"
	NoRetry bool   // the handler called controller.noRetry()
	Error   string // the exception's stack, source-mapped, when Outcome is "exception"
}

// Scheduler runs a worker's scheduled(controller, env, ctx) handler once.
//
// FacadeScheduler does it through the bundle's facade (an internal fetch), which
// works with today's runtime. When runtime.Worker gains
// Scheduled(ctx, cron, scheduledTime), a small adapter takes its place here.
type Scheduler interface {
	Scheduled(ctx context.Context, cron string, scheduledTime time.Time) (ScheduledResult, error)
}

// FacadeScheduler runs scheduled events as internal requests that the facade
// (bundle.Wrap) answers by calling the default export's scheduled().
type FacadeScheduler struct {
	Handler http.Handler // the runtime.Worker
	Token   string       // Prepared.Token of the same build
	Remap   func(string) string
}

// Scheduled implements Scheduler.
func (f FacadeScheduler) Scheduled(ctx context.Context, expr string, at time.Time) (ScheduledResult, error) {
	q := url.Values{"cron": {expr}, "time": {strconv.FormatInt(at.UnixMilli(), 10)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://edged.internal"+bundle.ScheduledPath+"?"+q.Encode(), nil)
	if err != nil {
		return ScheduledResult{}, err
	}
	req.Header.Set(bundle.InternalHeader, f.Token)
	rec := httptest.NewRecorder()
	f.Handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return ScheduledResult{}, fmt.Errorf("scheduled: the worker answered %d: %s", rec.Code, rec.Body.String())
	}
	var out struct {
		Outcome string `json:"outcome"`
		NoRetry bool   `json:"noRetry"`
		Error   string `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		// Not the facade's answer: a service-worker script, which the facade does not wrap.
		return ScheduledResult{}, errors.New("scheduled: this worker has no module default export, so edged cannot run its scheduled events yet (service-worker `scheduled` listeners need the runtime's scheduled hook)")
	}
	if f.Remap != nil {
		out.Error = f.Remap(out.Error)
	}
	return ScheduledResult{Outcome: out.Outcome, NoRetry: out.NoRetry, Error: out.Error}, nil
}

// RunCrons fires scheduled events on the given schedules (UTC) until ctx ends.
// current returns the Scheduler of the version serving now (nil while there is none);
// report is told how each event went.
func RunCrons(ctx context.Context, schedules []*cron.Schedule, current func() Scheduler, report func(expr string, at time.Time, r ScheduledResult, err error)) {
	if len(schedules) == 0 {
		return
	}
	for {
		now := time.Now().UTC()
		var next time.Time
		var due []*cron.Schedule
		for _, s := range schedules {
			t := s.Next(now)
			switch {
			case t.IsZero():
			case next.IsZero() || t.Before(next):
				next, due = t, []*cron.Schedule{s}
			case t.Equal(next):
				due = append(due, s)
			}
		}
		if next.IsZero() {
			return
		}
		timer := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		s := current()
		if s == nil {
			continue
		}
		for _, d := range due {
			r, err := s.Scheduled(ctx, d.String(), next)
			report(d.String(), next, r, err)
		}
	}
}

// ServeScheduled answers GET /cdn-cgi/handler/scheduled?cron=<expr>&time=<ms> (and
// /__scheduled), the routes wrangler and Miniflare use to fire a scheduled event on
// demand: 200 "Ran scheduled event", or 500 with the exception. report, if not nil,
// is told how it went. It returns the status sent. `edged serve --test-scheduled`
// can mount it with a FacadeScheduler built from Load's result.
func ServeScheduled(rw http.ResponseWriter, r *http.Request, s Scheduler, report func(expr string, r ScheduledResult, err error)) int {
	q := r.URL.Query()
	expr := q.Get("cron")
	at := time.Now()
	if t := q.Get("time"); t != "" {
		ms, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			http.Error(rw, "time: want milliseconds since the epoch", http.StatusBadRequest)
			return http.StatusBadRequest
		}
		at = time.UnixMilli(ms)
	}
	res, err := s.Scheduled(r.Context(), expr, at)
	if report != nil {
		report(expr, res, err)
	}
	rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	switch {
	case err != nil:
		rw.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintln(rw, err)
		return http.StatusInternalServerError
	case res.Outcome != "ok":
		rw.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintln(rw, res.Error)
		return http.StatusInternalServerError
	}
	fmt.Fprintln(rw, "Ran scheduled event")
	return http.StatusOK
}
