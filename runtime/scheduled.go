package runtime

import (
	"context"
	"errors"
	"time"
)

type scheduled struct {
	cron  string
	at    time.Time
	ok    bool
	retry bool
	err   string
}

// ScheduledResult is the outcome of one scheduled event.
type ScheduledResult struct {
	OK    bool   // the handler and its waitUntil promises succeeded
	Retry bool   // false when the handler called controller.noRetry()
	Error string // the exception, when not OK
}

// Scheduled runs the worker's scheduled(controller, env, ctx) handler for cron at
// scheduledTime and waits for it and its waitUntil promises.
func (w *Worker) Scheduled(ctx context.Context, cron string, scheduledTime time.Time) (ScheduledResult, error) {
	req := &request{sched: &scheduled{cron: cron, at: scheduledTime}, done: make(chan struct{})}
	w.route(req)
	select {
	case <-req.done:
	case <-ctx.Done():
		return ScheduledResult{}, ctx.Err()
	}
	if req.errText != "" {
		return ScheduledResult{Error: req.errText}, errors.New(req.errText)
	}
	return ScheduledResult{OK: req.sched.ok, Retry: req.sched.retry, Error: req.sched.err}, nil
}
