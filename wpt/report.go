package wpt

import (
	"encoding/json"
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

// LoadReport reads a wptreport, as written by Report.WriteFile.
func LoadReport(name string) (Report, error) {
	var rep Report
	b, err := os.ReadFile(name)
	if err != nil {
		return rep, err
	}
	err = json.Unmarshal(b, &rep)
	return rep, err
}

// Outcomes judges the results of a report against exp, as RunAll would have done
// had it run tests; tests the report lacks are left out.
func (rep Report) Outcomes(tests []Test, exp Expectations) []Outcome {
	byURL := map[string]ReportResult{}
	for _, rr := range rep.Results {
		byURL[rr.Test] = rr
	}
	var outs []Outcome
	for _, t := range tests {
		e, known := exp[t.ID()]
		o := Outcome{Expected: e, Known: known}
		o.Test = t
		if known && e.Skip != "" {
			o.Skipped = true
			outs = append(outs, o)
			continue
		}
		rr, ok := byURL[t.URL()]
		if !ok {
			continue
		}
		o.Status = rr.Status
		if rr.Message != nil {
			o.Message = *rr.Message
		}
		o.Duration = time.Duration(rr.Duration) * time.Millisecond
		for _, s := range rr.Subtests {
			o.Subtests = append(o.Subtests, Subtest(s))
		}
		o.Mismatches = Compare(e, o.Result)
		outs = append(outs, o)
	}
	return outs
}
