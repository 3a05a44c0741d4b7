package bundle

import (
	"regexp"
	"strings"
)

// matchGlob reports whether name (a slash-separated path) matches glob, where `*`
// matches any run of characters but '/', `?` one character but '/', and a `**`
// segment any number of whole segments, none included ("**/*.txt" matches "a.txt"
// and "x/y/a.txt").
func matchGlob(glob, name string) bool {
	return matchSegs(strings.Split(glob, "/"), strings.Split(name, "/"))
}

func matchSegs(glob, name []string) bool {
	for len(glob) > 0 {
		if glob[0] == "**" {
			rest := glob[1:]
			for len(rest) > 0 && rest[0] == "**" {
				rest = rest[1:]
			}
			if len(rest) == 0 {
				return true
			}
			for i := 0; i <= len(name); i++ {
				if matchSegs(rest, name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 || !matchSeg(glob[0], name[0]) {
			return false
		}
		glob, name = glob[1:], name[1:]
	}
	return len(name) == 0
}

// matchSeg matches one path segment against one glob segment, with backtracking over
// the last `*` only (linear in practice).
func matchSeg(pat, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pat) && pat[p] == '*':
			star, mark = p, i
			p++
		case p < len(pat) && (pat[p] == '?' || pat[p] == s[i]):
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pat) && pat[p] == '*' {
		p++
	}
	return p == len(pat)
}

// globFilter is a regular expression that matches every import specifier whose last
// segment could match one of globs; esbuild calls the rules plugin only for those.
func globFilter(globs []string) string {
	var alts []string
	for _, g := range globs {
		last := g
		if i := strings.LastIndexByte(g, '/'); i >= 0 {
			last = g[i+1:]
		}
		if last == "**" {
			return "."
		}
		var b strings.Builder
		for _, r := range last {
			switch r {
			case '*':
				b.WriteString("[^/]*")
			case '?':
				b.WriteString("[^/]")
			default:
				b.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		alts = append(alts, "(?:^|/)"+b.String()+"$")
	}
	if len(alts) == 0 {
		return "$^"
	}
	return strings.Join(alts, "|")
}
