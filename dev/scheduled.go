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
