// Package cron parses five-field cron expressions, as used by Workers cron
// triggers, and computes when they next fire. All times are UTC.
//
// Fields are minute (0-59), hour (0-23), day of month (1-31), month (1-12 or
// JAN-DEC) and day of week (0-7 or SUN-SAT, where both 0 and 7 are Sunday,
// as in standard cron). Each field is a comma-separated list of `*`, `N`,
// `N-M`, each optionally followed by `/STEP`; `N/STEP` means N to the field's
// maximum. Names are case-insensitive.
//
// Extras from the Workers dialect:
//   - `L` in day of month: the last day of the month;
//   - `NL` in day of week: the last such weekday of the month (5L = last Friday);
//   - `N#K` in day of week: the K-th such weekday of the month (1#1 = first Monday);
//   - `?` in either day field means the same as `*`.
//
// `W` (nearest weekday), `LW`, `L-N` offsets, `@` macros and six- or
// seven-field expressions are refused with an error that says so.
//
// As in standard cron, when both day of month and day of week are
// restricted (neither starts with `*` or `?`), a day matches if either field
// matches.
//
// Note: Cloudflare's documentation numbers weekdays 1-7 from Sunday; edged
// follows standard cron (0-6 from Sunday, 7 also Sunday), as wrangler's local
// scheduler does. Weekday names mean the same everywhere; prefer them.
package cron

import (
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// Schedule is a parsed cron expression. It is immutable and safe for
// concurrent use.
type Schedule struct {
	expr   string
	minute uint64 // bit i: minute i
	hour   uint64
	dom    uint64 // bits 1..31
	month  uint64 // bits 1..12
	dow    uint64 // bits 0..6
	// Workers extras.
	lastDOM bool     // L in day of month
	lastDOW uint8    // bit d: last weekday d of the month
	nthDOW  [7]uint8 // nthDOW[d] bit k: k-th weekday d of the month (k 1..5)
	// domAny / dowAny: the field started with * or ?.
	domAny, dowAny bool
}

type field struct {
	name     string
	min, max int
	names    []string // names[i] is the value min+i
}

var (
	fMinute = field{name: "minute", min: 0, max: 59}
	fHour   = field{name: "hour", min: 0, max: 23}
	fDOM    = field{name: "day of month", min: 1, max: 31}
	fMonth  = field{name: "month", min: 1, max: 12,
		names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}}
	fDOW = field{name: "day of week", min: 0, max: 7,
		names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}}
)

// maxExprLen bounds the input; real expressions are a few dozen bytes.
const maxExprLen = 1024

// Parse parses a five-field cron expression.
func Parse(expr string) (*Schedule, error) {
	if len(expr) > maxExprLen {
		return nil, fmt.Errorf("cron: expression is %d bytes long, the limit is %d", len(expr), maxExprLen)
	}
	fields := strings.Fields(expr)
	if len(fields) == 1 && strings.HasPrefix(fields[0], "@") {
		return nil, fmt.Errorf("cron: %q: macros such as @daily are not supported; write the five fields", expr)
	}
	if len(fields) != 5 {
		return nil, fmt.Errorf("cron: %q: want 5 fields (minute hour day-of-month month day-of-week), got %d", expr, len(fields))
	}
	s := &Schedule{expr: strings.Join(fields, " ")}
	var err error
	if s.minute, err = parseField(fields[0], fMinute, s); err != nil {
		return nil, wrap(expr, err)
	}
	if s.hour, err = parseField(fields[1], fHour, s); err != nil {
		return nil, wrap(expr, err)
	}
	if s.dom, err = parseField(fields[2], fDOM, s); err != nil {
		return nil, wrap(expr, err)
	}
	if s.month, err = parseField(fields[3], fMonth, s); err != nil {
		return nil, wrap(expr, err)
	}
	if s.dow, err = parseField(fields[4], fDOW, s); err != nil {
		return nil, wrap(expr, err)
	}
	if s.dow&(1<<7) != 0 { // 7 is Sunday too
		s.dow = s.dow&^(1<<7) | 1
	}
	s.domAny = fields[2][0] == '*' || fields[2][0] == '?'
	s.dowAny = fields[4][0] == '*' || fields[4][0] == '?'
	if err := s.checkPossible(); err != nil {
		return nil, wrap(expr, err)
	}
	return s, nil
}

func wrap(expr string, err error) error { return fmt.Errorf("cron: %q: %w", expr, err) }

// MustParse is like Parse but panics on error; for tests and constants.
func MustParse(expr string) *Schedule {
	s, err := Parse(expr)
	if err != nil {
		panic(err)
	}
	return s
}

// String returns the expression, with runs of white space collapsed.
func (s *Schedule) String() string { return s.expr }

func parseField(text string, f field, s *Schedule) (uint64, error) {
	var set uint64
	for _, item := range strings.Split(text, ",") {
		if item == "" {
			return 0, fmt.Errorf("%s: empty list item in %q", f.name, text)
		}
		bitsFor, err := parseItem(item, f, s)
		if err != nil {
			return 0, err
		}
		set |= bitsFor
	}
	return set, nil
}

func parseItem(item string, f field, s *Schedule) (uint64, error) {
	up := strings.ToUpper(item)
	isDOM, isDOW := f.name == fDOM.name, f.name == fDOW.name

	// Workers extras in the day fields.
	if isDOM || isDOW {
		if strings.Contains(up, "W") && !containsName(up, f) {
			return 0, fmt.Errorf("%s: %q: W (nearest weekday) is not supported", f.name, item)
		}
	}
	if isDOM && up == "L" {
		s.lastDOM = true
		return 0, nil
	}
	if isDOM && strings.Contains(up, "L") {
		return 0, fmt.Errorf("%s: %q: only a plain L (last day of the month) is supported", f.name, item)
	}
	if isDOW && strings.HasSuffix(up, "L") && !strings.ContainsAny(up, "-/,#*") {
		if up == "L" {
			return 0, fmt.Errorf("%s: L alone is ambiguous; write NL for the last weekday N of the month (5L = last Friday)", f.name)
		}
		d, err := value(up[:len(up)-1], f)
		if err != nil {
			return 0, err
		}
		s.lastDOW |= 1 << (d % 7)
		return 0, nil
	}
	if isDOW && strings.Contains(up, "#") {
		day, nth, _ := strings.Cut(up, "#")
		d, err := value(day, f)
		if err != nil {
			return 0, err
		}
		k, err := strconv.Atoi(nth)
		if err != nil || k < 1 || k > 5 || nth[0] == '+' {
			return 0, fmt.Errorf("%s: %q: the number after # must be 1 to 5", f.name, item)
		}
		s.nthDOW[d%7] |= 1 << k
		return 0, nil
	}
	if !isDOM && !isDOW && strings.ContainsAny(stripNames(up, f), "L#?") {
		return 0, fmt.Errorf("%s: %q: L, # and ? are only allowed in the day fields", f.name, item)
	}

	rng, stepText, hasStep := strings.Cut(up, "/")
	lo, hi := f.min, f.max
	if f.name == fDOW.name {
		hi = 6 // * means every day once; 7 is only an alias
	}
	switch {
	case rng == "*" || (rng == "?" && (isDOM || isDOW)):
		if rng == "?" && hasStep {
			return 0, fmt.Errorf("%s: %q: ? cannot take a step", f.name, item)
		}
	case strings.Contains(rng, "-"):
		a, b, _ := strings.Cut(rng, "-")
		var err error
		if lo, err = value(a, f); err != nil {
			return 0, err
		}
		if hi, err = value(b, f); err != nil {
			return 0, err
		}
		if lo > hi {
			return 0, fmt.Errorf("%s: range %q runs backwards; write it as two ranges", f.name, item)
		}
	default:
		v, err := value(rng, f)
		if err != nil {
			return 0, err
		}
		lo = v
		if !hasStep {
			hi = v
		} else if f.name == fDOW.name && v == 7 {
			hi = 7
		}
	}
	step := 1
	if hasStep {
		n, err := strconv.Atoi(stepText)
		if err != nil || n < 1 || stepText[0] == '+' {
			return 0, fmt.Errorf("%s: step %q must be a positive number", f.name, stepText)
		}
		if n > f.max-f.min+1 {
			return 0, fmt.Errorf("%s: step %d is larger than the field's range", f.name, n)
		}
		step = n
	}
	var set uint64
	for v := lo; v <= hi; v += step {
		set |= 1 << uint(v)
	}
	return set, nil
}

// stripNames removes f's names from up, so that letters inside names (JUL)
// are not read as operators.
func stripNames(up string, f field) string {
	for _, n := range f.names {
		up = strings.ReplaceAll(up, n, "")
	}
	return up
}

func containsName(up string, f field) bool {
	for _, n := range f.names {
		if strings.Contains(up, n) && strings.Contains(n, "W") {
			return true
		}
	}
	return false
}

// value parses one number or name of field f.
func value(text string, f field) (int, error) {
	if text == "" {
		return 0, fmt.Errorf("%s: missing value", f.name)
	}
	for i, n := range f.names {
		if text == n {
			return f.min + i, nil
		}
	}
	for i := 0; i < len(text); i++ {
		if text[i] < '0' || text[i] > '9' {
			if f.names != nil {
				return 0, fmt.Errorf("%s: %q is not a number or a name (%s-%s)", f.name, text, f.names[0], f.names[len(f.names)-1])
			}
			return 0, fmt.Errorf("%s: %q is not a number", f.name, text)
		}
	}
	if len(text) > 4 {
		return 0, fmt.Errorf("%s: %s is out of range %d-%d", f.name, text, f.min, f.max)
	}
	v, _ := strconv.Atoi(text)
	if v < f.min || v > f.max {
		return 0, fmt.Errorf("%s: %d is out of range %d-%d", f.name, v, f.min, f.max)
	}
	return v, nil
}

var daysIn = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31} // Feb: leap years

// checkPossible refuses expressions that can never fire, such as 30 FEB.
func (s *Schedule) checkPossible() error {
	if s.dom == 0 && !s.lastDOM && s.dow == 0 && s.lastDOW == 0 && s.nthDOW == [7]uint8{} {
		return errors.New("no day can match")
	}
	// Only the day-of-month part restricts days: some selected day must fit
	// in some selected month.
	if !s.domAny && s.dowAny && !s.lastDOM {
		for m := 1; m <= 12; m++ {
			if s.month&(1<<m) == 0 {
				continue
			}
			if s.dom&(uint64(1)<<(daysIn[m]+1)-1) != 0 {
				return nil
			}
		}
		return errors.New("no selected day of month exists in the selected months")
	}
	return nil
}

// dayMatches reports whether the date t (UTC) matches the day fields.
func (s *Schedule) dayMatches(t time.Time) bool {
	y, m, d := t.Date()
	last := daysInMonth(y, m)
	domOK := s.dom&(1<<uint(d)) != 0 || (s.lastDOM && d == last)
	wd := int(t.Weekday())
	dowOK := s.dow&(1<<uint(wd)) != 0 ||
		(s.lastDOW&(1<<uint(wd)) != 0 && d+7 > last) ||
		(s.nthDOW[wd]&(1<<uint((d-1)/7+1)) != 0)
	switch {
	case s.domAny && s.dowAny:
		return true
	case s.domAny:
		return dowOK
	case s.dowAny:
		return domOK
	default:
		return domOK || dowOK
	}
}

func daysInMonth(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Matches reports whether the schedule fires in the minute containing t.
func (s *Schedule) Matches(t time.Time) bool {
	t = t.UTC()
	return s.month&(1<<uint(t.Month())) != 0 && s.dayMatches(t) &&
		s.hour&(1<<uint(t.Hour())) != 0 && s.minute&(1<<uint(t.Minute())) != 0
}

// searchYears bounds Next: a schedule that has not fired in this many years
// (say, 29 FEB on a Friday is at most 28 years apart) never will.
const searchYears = 30

// Next returns the first minute strictly after the given time at which the
// schedule fires, in UTC with zero seconds. It returns the zero Time if the
// schedule does not fire within the next 30 years.
func (s *Schedule) Next(after time.Time) time.Time {
	t := after.UTC().Truncate(time.Minute).Add(time.Minute)
	limit := t.Year() + searchYears
	for t.Year() <= limit {
		if s.month&(1<<uint(t.Month())) == 0 {
			t = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC)
			continue
		}
		if !s.dayMatches(t) {
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, time.UTC)
			continue
		}
		if s.hour&(1<<uint(t.Hour())) == 0 {
			h := nextBit(s.hour, t.Hour())
			if h < 0 {
				t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, time.UTC)
			} else {
				t = time.Date(t.Year(), t.Month(), t.Day(), h, 0, 0, 0, time.UTC)
			}
			continue
		}
		if s.minute&(1<<uint(t.Minute())) == 0 {
			mi := nextBit(s.minute, t.Minute())
			if mi < 0 {
				t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+1, 0, 0, 0, time.UTC)
			} else {
				t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), mi, 0, 0, time.UTC)
			}
			continue
		}
		return t
	}
	return time.Time{}
}

// nextBit returns the smallest set bit of set greater than from, or -1.
func nextBit(set uint64, from int) int {
	rest := set >> uint(from+1)
	if rest == 0 {
		return -1
	}
	return from + 1 + bits.TrailingZeros64(rest)
}
