package wpt

import (
	"os"
	"time"
)

const millisecond = time.Millisecond

// Report is a wptreport: the JSON format wptrunner writes and wpt.fyi reads.
type Report struct {
	Results   []ReportResult `json:"results"`
	RunInfo   map[string]any `json:"run_info"`
	TimeStart int64          `json:"time_start"`
	TimeEnd   int64          `json:"time_end"`
}

// ReportResult is one test file (one variant) in a Report.
type ReportResult struct {
	Test     string          `json:"test"`
	Status   string          `json:"status"`
	Message  *string         `json:"message"`
	Duration int64           `json:"duration"` // ms
	Subtests []ReportSubtest `json:"subtests"`
}

// ReportSubtest is one subtest in a Report.
type ReportSubtest struct {
	Name    string  `json:"name"`
	Status  string  `json:"status"`
	Message *string `json:"message"`
}

// NewReport builds a wptreport from outcomes; skipped tests are left out, as
// wptrunner leaves out what it does not run.
func NewReport(outs []Outcome, start, end time.Time) Report {
	rep := Report{
		Results:   []ReportResult{},
		RunInfo:   map[string]any{"product": "edged", "os": "linux"},
		TimeStart: start.UnixMilli(),
		TimeEnd:   end.UnixMilli(),
	}
	for _, o := range outs {
		if o.Skipped {
			continue
		}
		rr := ReportResult{
			Test:     o.Test.URL(),
			Status:   o.Status,
			Duration: o.Duration.Milliseconds(),
			Subtests: make([]ReportSubtest, len(o.Subtests)),
		}
		if o.Message != "" {
			m := o.Message
			rr.Message = &m
		}
		for i, s := range o.Subtests {
			rr.Subtests[i] = ReportSubtest(s)
		}
		rep.Results = append(rep.Results, rr)
	}
	return rep
}

// WriteFile writes the report as JSON.
func (rep Report) WriteFile(name string) error {
	b, err := marshal(rep)
	if err != nil {
		return err
	}
	return os.WriteFile(name, b, 0o644)
}
