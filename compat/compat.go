// Package compat resolves a Workers compatibility date and compatibility
// flags into the set of runtime behaviours a worker gets.
//
// The flag table (see Table) is append-only and uses the Workers runtime's
// snake_case names, so wrangler configs work unchanged. Dates later than
// SupportedDate and flags edged does not know are errors, never clamped or
// ignored.
package compat

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// SupportedDate is the newest compatibility date this build of edged
// implements. A worker asking for a later date is refused.
const SupportedDate = "2026-11-26"

// Flag is one row of the compatibility table.
type Flag struct {
	// Name is the flag that turns the behaviour on, in Workers' snake_case.
	Name string
	// Disable is the flag that turns it off again for dates on or after
	// Date; empty when there is none.
	Disable string
	// Date is the first compatibility date (YYYY-MM-DD) on which the
	// behaviour is on by default; empty for opt-in-only flags.
	Date string
	// ImpliedBy and ImpliedAfter: the behaviour is also on when any of the
	// ImpliedBy flags is on and the date is on or after ImpliedAfter.
	ImpliedBy    []string
	ImpliedAfter string
	// Comment says in one line what the flag changes.
	Comment string
}

// maxFlags is the capacity of Flags' bit set.
const maxFlags = 256

var (
	byName    = map[string]int{} // enable-flag name -> row
	byDisable = map[string]int{} // disable-flag name -> row
)

func init() {
	if len(table) > maxFlags {
		panic("compat: flag table outgrew Flags; raise maxFlags")
	}
	for i, f := range table {
		if _, dup := byName[f.Name]; dup {
			panic("compat: duplicate flag " + f.Name)
		}
		byName[f.Name] = i
		if f.Disable != "" {
			if _, dup := byDisable[f.Disable]; dup {
				panic("compat: duplicate disable flag " + f.Disable)
			}
			byDisable[f.Disable] = i
		}
	}
	for _, f := range table {
		if f.Date != "" {
			if _, err := ParseDate(f.Date); err != nil {
				panic("compat: bad date in table: " + err.Error())
			}
		}
		for _, p := range f.ImpliedBy {
			if _, ok := byName[p]; !ok {
				panic("compat: " + f.Name + " implied by unknown flag " + p)
			}
		}
		if _, clash := byDisable[f.Name]; clash {
			panic("compat: flag " + f.Name + " is also a disable flag")
		}
	}
}

// Table returns a copy of the compatibility table, oldest row first.
func Table() []Flag {
	out := make([]Flag, len(table))
	copy(out, table)
	for i := range out {
		out[i].ImpliedBy = append([]string(nil), table[i].ImpliedBy...)
	}
	return out
}

// Known reports whether name is an enable or disable flag in the table.
func Known(name string) bool {
	_, a := byName[name]
	_, b := byDisable[name]
	return a || b
}

// Flags is the resolved set of behaviours for one worker. The zero value has
// every flag off. Flags is a comparable value.
type Flags struct {
	date string
	bits [maxFlags / 64]uint64
}

// Date returns the compatibility date the set was resolved for.
func (f Flags) Date() string { return f.date }

// Enabled reports whether the behaviour named by its enable flag is on.
// It panics on a name that is not in the table: asking about an unknown flag
// is a programming error in edged, not user input.
func (f Flags) Enabled(name string) bool {
	i, ok := byName[name]
	if !ok {
		panic("compat: Enabled called with unknown flag " + name)
	}
	return f.has(i)
}

// List returns the enabled flags' names in table order.
func (f Flags) List() []string {
	var out []string
	for i, row := range table {
		if f.has(i) {
			out = append(out, row.Name)
		}
	}
	return out
}

func (f Flags) has(i int) bool { return f.bits[i/64]&(1<<(uint(i)%64)) != 0 }
func (f *Flags) set(i int)     { f.bits[i/64] |= 1 << (uint(i) % 64) }
func (f *Flags) clear(i int)   { f.bits[i/64] &^= 1 << (uint(i) % 64) }

// ParseDate parses a compatibility date. It must be exactly YYYY-MM-DD and a
// real calendar date; it is not checked against SupportedDate.
func ParseDate(s string) (time.Time, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, fmt.Errorf("compat: invalid compatibility date %q: want YYYY-MM-DD", s)
	}
	for i := 0; i < len(s); i++ {
		if i == 4 || i == 7 {
			continue
		}
		if s[i] < '0' || s[i] > '9' {
			return time.Time{}, fmt.Errorf("compat: invalid compatibility date %q: want YYYY-MM-DD", s)
		}
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("compat: invalid compatibility date %q: not a calendar date", s)
	}
	return t, nil
}

// CheckDate validates a compatibility date: well formed and not later than
// SupportedDate.
func CheckDate(date string) error {
	if date == "" {
		return errors.New("compat: compatibility date is required (YYYY-MM-DD)")
	}
	if _, err := ParseDate(date); err != nil {
		return err
	}
	// Well-formed dates compare correctly as strings.
	if date > SupportedDate {
		return fmt.Errorf("compat: compatibility date %s is later than %s, the newest this edged supports; use %s or earlier, or upgrade edged", date, SupportedDate, SupportedDate)
	}
	return nil
}

// Resolve computes the behaviours for a compatibility date and a list of
// compatibility flags:
//
//  1. every flag whose Date is on or before date is on;
//  2. an enable flag turns its behaviour on, a disable flag turns it off;
//  3. a flag implied by another enabled flag (after its ImpliedAfter date)
//     is on unless its own disable flag was given.
//
// It returns every problem it finds at once: a malformed date, a date later
// than SupportedDate, unknown flags, and a flag given together with its
// opposite. Repeating a flag is allowed.
func Resolve(date string, flags []string) (Flags, error) {
	var errs []error
	if err := CheckDate(date); err != nil {
		errs = append(errs, err)
	}
	var on, off Flags
	for _, name := range flags {
		if i, ok := byName[name]; ok {
			on.set(i)
			continue
		}
		if i, ok := byDisable[name]; ok {
			off.set(i)
			continue
		}
		errs = append(errs, unknownFlag(name))
	}
	for i, row := range table {
		if on.has(i) && off.has(i) {
			errs = append(errs, fmt.Errorf("compat: compatibility flags %s and %s conflict; keep one", row.Name, row.Disable))
		}
	}
	if len(errs) > 0 {
		return Flags{}, errors.Join(errs...)
	}

	res := Flags{date: date}
	for i, row := range table {
		if (row.Date != "" && row.Date <= date) || on.has(i) {
			res.set(i)
		}
		if off.has(i) {
			res.clear(i)
		}
	}
	// Implications may chain; iterate to a fixed point (the table is small).
	for changed := true; changed; {
		changed = false
		for i, row := range table {
			if res.has(i) || off.has(i) || row.ImpliedAfter == "" || date < row.ImpliedAfter {
				continue
			}
			for _, p := range row.ImpliedBy {
				if res.has(byName[p]) {
					res.set(i)
					changed = true
					break
				}
			}
		}
	}
	return res, nil
}

func unknownFlag(name string) error {
	if name == "" {
		return errors.New("compat: empty compatibility flag")
	}
	if s := suggest(name); s != "" {
		return fmt.Errorf("compat: unknown compatibility flag %q (did you mean %q?)", name, s)
	}
	return fmt.Errorf("compat: unknown compatibility flag %q", name)
}

// suggest returns a known flag close to name (dash/underscore or case
// slips), or "".
func suggest(name string) string {
	norm := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "-", "_")) }
	n := norm(name)
	var all []string
	for k := range byName {
		all = append(all, k)
	}
	for k := range byDisable {
		all = append(all, k)
	}
	sort.Strings(all)
	for _, k := range all {
		if norm(k) == n {
			return k
		}
	}
	return ""
}
