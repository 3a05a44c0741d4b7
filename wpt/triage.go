package wpt

import (
	"regexp"
	"strings"
)

// Triage proposes the reason of a new failure from its message, so that -update
// groups failures by cause ("not implemented: ReadableStream", "needs WPT server")
// instead of leaving them all to be read one by one. What it cannot tell is
// "TODO: triage".
func Triage(message string) string {
	for _, r := range triageRules {
		if m := r.re.FindStringSubmatch(message); m != nil {
			reason := r.reason
			for i := 1; i < len(m); i++ {
				reason = strings.ReplaceAll(reason, "$"+string(rune('0'+i)), m[i])
			}
			return reason
		}
	}
	return "TODO: triage"
}

var triageRules = []struct {
	re     *regexp.Regexp
	reason string
}{
	{regexp.MustCompile(`needs the WPT server`), "needs WPT server"},
	{regexp.MustCompile(`not implemented: (fetch\(\) subrequests|outbound)`), "not implemented: outbound fetch"},
	{regexp.MustCompile(`not implemented: ([A-Za-z0-9_.]+(?:\(\))?)`), "not implemented: $1"},
	{regexp.MustCompile(`\b([A-Z][A-Za-z0-9]+) is not defined`), "not implemented: $1"},
	{regexp.MustCompile(`\b([a-z][A-Za-z0-9]+) is not defined`), "not implemented: $1()"},
}
