package dev

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/edged-dev/edged/config/cron"
	"github.com/edged-dev/edged/runtime"
)

// Scheduler runs a worker's scheduled(controller, env, ctx) handler once and waits
// for it and its waitUntil promises; *runtime.Worker is one. The runtime dispatches
// the event itself (module workers, class default exports included), so no internal
// request or token is involved.
type Scheduler interface {
	Scheduled(ctx context.Context, cron string, scheduledTime time.Time) (runtime.ScheduledResult, error)
}

// remapScheduler source-maps the exception of a failed event and drops edged's own
// frames from it, as the dev server does for every stack it shows.
type remapScheduler struct {
	s     Scheduler
	remap func(string) string
}

func (r remapScheduler) Scheduled(ctx context.Context, expr string, at time.Time) (runtime.ScheduledResult, error) {
	res, err := r.s.Scheduled(ctx, expr, at)
	if res.Error != "" {
		res.Error = CleanStack(r.remap(res.Error))
	}
	return res, err
}

// RunCrons fires scheduled events on the given schedules (UTC) until ctx ends.
// current returns the Scheduler of the version serving now (nil while there is none);
// report is told how each event went.
func RunCrons(ctx context.Context, schedules []*cron.Schedule, current func() Scheduler, report func(expr string, at time.Time, r runtime.ScheduledResult, err error)) {
	Crons{Schedules: schedules, Current: current, Report: report}.Run(ctx)
}

// Crons fires scheduled events on a worker's [triggers] crons.
type Crons struct {
	Schedules []*cron.Schedule
	// Current returns the Scheduler of the version serving now (nil while there is
	// none: the event is skipped).
	Current func() Scheduler
	// Report, if not nil, is told how each event went.
	Report func(expr string, at time.Time, r runtime.ScheduledResult, err error)
	// Now is the clock; nil is time.Now. Tests move it.
	Now func() time.Time
}

// Run fires the events, one at a time, each at its scheduled minute (UTC), until
// ctx ends. Minutes that pass while an event runs are skipped, not caught up.
func (c Crons) Run(ctx context.Context) {
	if len(c.Schedules) == 0 {
		return
	}
	now := c.Now
	if now == nil {
		now = time.Now
	}
	var last time.Time // the minute fired last: a clock that steps back must not repeat it
	for {
		t0 := now().UTC()
		if t0.Before(last) {
			t0 = last
		}
		var next time.Time
		var due []*cron.Schedule
		for _, s := range c.Schedules {
			t := s.Next(t0)
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
		timer := time.NewTimer(next.Sub(t0))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		last = next
		s := c.Current()
		if s == nil {
			continue
		}
		for _, d := range due {
			r, err := s.Scheduled(ctx, d.String(), next)
			if ctx.Err() != nil {
				return // shutting down: the event was cut short, not failed
			}
			if c.Report != nil {
				c.Report(d.String(), next, r, err)
			}
		}
	}
}

// ServeScheduled answers GET /cdn-cgi/handler/scheduled?cron=<expr>&time=<ms> (and
// /__scheduled), the routes wrangler and Miniflare use to fire a scheduled event on
// demand: 200 "Ran scheduled event", or 500 with the exception. report, if not nil,
// is told how it went. It returns the status sent. `edged serve --test-scheduled`
// mounts it too.
func ServeScheduled(rw http.ResponseWriter, r *http.Request, s Scheduler, report func(expr string, r runtime.ScheduledResult, err error)) int {
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
	case !res.OK:
		rw.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintln(rw, res.Error)
		return http.StatusInternalServerError
	}
	fmt.Fprintln(rw, "Ran scheduled event")
	return http.StatusOK
}
