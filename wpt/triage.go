package wpt

import (
	"regexp"
	"strings"
)

// Triage proposes the reason of a new failure from the test, the subtest and its
// message, so that -update groups failures by cause ("not implemented: WebSocket",
// "needs WPT server") instead of leaving each one to be read. What it cannot tell
// is "TODO: triage".
func Triage(id, subtest, message string) string {
	for _, r := range triageRules {
		var m []string
		switch {
		case r.id != nil:
			if r.id.MatchString(id) {
				m = []string{id}
			}
		case r.name != nil:
			if r.name.MatchString(subtest) {
				m = []string{subtest}
			}
		default:
			m = r.msg.FindStringSubmatch(message)
		}
		if m == nil {
			continue
		}
		reason := r.reason
		for i := len(m) - 1; i >= 1; i-- {
			reason = strings.ReplaceAll(reason, "$"+string(rune('0'+i)), m[i])
		}
		return reason
	}
	return todo
}

type triageRule struct {
	id     *regexp.Regexp // matched against the test id instead of the message
	name   *regexp.Regexp // matched against the subtest name instead of the message
	msg    *regexp.Regexp
	reason string
}

func onID(re, reason string) triageRule {
	return triageRule{id: regexp.MustCompile(re), reason: reason}
}
func onName(re, reason string) triageRule {
	return triageRule{name: regexp.MustCompile(re), reason: reason}
}
func onMsg(re, reason string) triageRule {
	return triageRule{msg: regexp.MustCompile(re), reason: reason}
}

// The rules, first match wins. Engine gaps (V8 10.2) come before the API gaps they
// look like.
var triageRules = []triageRule{
	onMsg(`needs the WPT server|wpt: [A-Z]+ https?://[a-z0-9.-]*web-platform\.test[:/]`, "needs WPT server"),
	onMsg(`Browser does not support WebSocket|\bWebSocket is not defined`, "not implemented: WebSocket"),
	onID(`Ed448|X448|curve448`, "not implemented: Ed448/X448 in crypto.subtle"),
	onMsg(`Float16Array`, "V8 10.2: no Float16Array"),
	onName(`Float16Array`, "V8 10.2: no Float16Array"),
	onMsg(`\b(Error\.isError|Promise\.try|RegExp\.escape|Array\.fromAsync|Iterator\.\w+)\b.* is not a function`, "V8 10.2: no $1"),
	onMsg(`\.transfer is not a function|\bresize is not a function|transferring an ArrayBuffer|buffer should be transferred|original buffer must be detached`, "V8 10.2: no ArrayBuffer transfer/detach/resize"),
	onMsg(`Invalid regular expression: .*(--|&&)`, "V8 10.2: no RegExp v flag (set operations)"),
	onMsg(`encoding label provided .* is invalid|not implemented: encoding `, "not implemented: legacy encodings in TextDecoder"),
	onMsg(`not implemented: ReadableStream bodies`, "not implemented: ReadableStream request/response bodies"),
	onMsg(`Unexpected global object`, "not implemented: ServiceWorkerGlobalScope (idlharness cannot tell which global it runs in)"),
	onMsg(`DataCloneError: .*could not be cloned`, "not implemented: structuredClone of platform objects"),
	onMsg(`not implemented: (fetch\(\) subrequests|outbound)`, "not implemented: outbound fetch"),
	onMsg(`\bXMLHttpRequest is not defined`, "by design (as Workers): no XMLHttpRequest"),
	onMsg(`\bWorker is not defined`, "by design (as Workers): no Worker constructor (nested workers)"),
	onMsg(`\b([A-Z][A-Za-z0-9]+) is not defined`, "not implemented: $1"),
	onMsg(`The browser must support ([A-Z][A-Za-z0-9]+)`, "not implemented: $1"),
	onMsg(`not implemented: (.+?)(?: \(|"|$)`, "not implemented: $1"),
	onMsg(`([A-Za-z_$][\w$]*\.[\w$.]+) is not a function`, "not implemented: $1()"),
}
