package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/edged-dev/edged/config/cron"
	"github.com/edged-dev/edged/dev"
	"github.com/edged-dev/edged/runtime"
)

// scheduler is a worker that runs scheduled events; *runtime.Worker is one.
type scheduler interface {
	Scheduled(ctx context.Context, cron string, scheduledTime time.Time) (runtime.ScheduledResult, error)
}

var _ scheduler = (*runtime.Worker)(nil)

// Paths of HostOptions.TestScheduled: wrangler's and Miniflare's.
const (
	scheduledPath      = "/cdn-cgi/handler/scheduled"
	scheduledPathShort = "/__scheduled"
)

func isScheduledPath(p string) bool { return p == scheduledPath || p == scheduledPathShort }

// Scheduled runs the scheduled(controller, env, ctx) handler of the serving version
// of worker once, for cron at scheduledTime, and waits for it and its waitUntil
// work. The handler's exception, if any, is in the result (and in the log, through
// the worker's console); an error means the event could not run.
func (h *Host) Scheduled(ctx context.Context, worker, cron string, scheduledTime time.Time) (runtime.ScheduledResult, error) {
	for {
		d := h.gen.Load().workers[worker]
		if d == nil {
			return runtime.ScheduledResult{}, fmt.Errorf("server: no worker named %q", worker)
		}
		if d.acquire() {
			defer d.release()
			return h.runScheduled(ctx, d, cron, scheduledTime)
		}
		// d was replaced between the load and the acquire: take the new version.
	}
}

// runScheduled runs one event on d, which the caller holds, and logs how it went.
func (h *Host) runScheduled(ctx context.Context, d *deployed, expr string, at time.Time) (runtime.ScheduledResult, error) {
	s, ok := d.w.(scheduler)
	if !ok {
		return runtime.ScheduledResult{}, fmt.Errorf("server: worker %s cannot run scheduled events", d.name)
	}
	start := time.Now()
	res, err := s.Scheduled(ctx, expr, at)
	attrs := []any{"worker", d.name, "version", d.version, "cron", expr, "scheduled_time", at.UTC().Format(time.RFC3339),
		"duration_ms", float64(time.Since(start).Microseconds()) / 1000}
	switch {
	case err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()):
		h.log.Warn("scheduled event left running: its caller went away", attrs...)
	case err != nil:
		h.log.Error("scheduled event could not run", append(attrs, "error", err.Error())...)
	case !res.OK:
		// The exception itself is logged by the runtime, through the worker's console.
		h.log.Error("scheduled event failed", append(attrs, "retry", res.Retry)...)
	default:
		h.log.Info("scheduled event", append(attrs, "outcome", "ok")...)
	}
	return res, err
}

// pinned runs events on one version of a worker (the --test-scheduled route, which
// already holds the version the request was routed to).
type pinned struct {
	h *Host
	d *deployed
}

func (p pinned) Scheduled(ctx context.Context, expr string, at time.Time) (runtime.ScheduledResult, error) {
	return p.h.runScheduled(ctx, p.d, expr, at)
}

// named runs each event on the version of a worker serving when it starts.
type named struct {
	h    *Host
	name string
}

func (n named) Scheduled(ctx context.Context, expr string, at time.Time) (runtime.ScheduledResult, error) {
	return n.h.Scheduled(ctx, n.name, expr, at)
}

// startCrons fires HostOptions.Crons until stopCrons. A worker that is not in the
// current config (a reload removed it) skips its events.
func (h *Host) startCrons() {
	if len(h.opts.Crons) == 0 {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cronStop = cancel
	for name, schedules := range h.opts.Crons {
		crons := dev.Crons{
			Schedules: schedules,
			Current: func() dev.Scheduler {
				if h.gen.Load().workers[name] == nil {
					return nil
				}
				return named{h, name}
			},
			Now: h.cronNow,
		}
		h.cronWG.Add(1)
		go func() {
			defer h.cronWG.Done()
			crons.Run(ctx)
		}()
		h.log.Info("crons scheduled", "worker", name, "crons", cronStrings(schedules))
	}
}

// stopCrons stops firing events and waits for the loops (an event under way is left
// to finish in its worker, which shutdown closes after its work).
func (h *Host) stopCrons() {
	if h.cronStop != nil {
		h.cronStop()
	}
	h.cronWG.Wait()
}

func cronStrings(s []*cron.Schedule) []string {
	out := make([]string, len(s))
	for i, c := range s {
		out[i] = c.String()
	}
	return out
}
