package dev

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/edged-dev/edged/bundle"
	"github.com/edged-dev/edged/bundle/sourcemap"
	"github.com/edged-dev/edged/runtime"
)

// problem is an error the developer should see: in the terminal and, for browser
// requests, as an HTML page.
type problem struct {
	Kind    string // "build", "load" or "exception"
	Title   string
	Message string
	Frames  []codeFrame // where it happened, in the original sources
	Details string      // the whole remapped stack, or every build message
}

type codeFrame struct {
	Location string // file:line:column
	Lines    []frameLine
}

type frameLine struct {
	N      int
	Text   string
	Here   bool
	Column int // 1-based, on the Here line
}

// snippet cuts the lines around line (1-based) out of text.
func snippet(text string, line, col int) []frameLine {
	lines := strings.Split(text, "\n")
	if line < 1 || line > len(lines) {
		return nil
	}
	var out []frameLine
	for n := max(1, line-2); n <= min(len(lines), line+2); n++ {
		t := strings.TrimRight(lines[n-1], "\r")
		if len(t) > 200 {
			t = t[:200] + "…"
		}
		out = append(out, frameLine{N: n, Text: t, Here: n == line, Column: col})
	}
	return out
}

// display turns a path esbuild names relative to dir into one relative to the
// working directory.
func display(dir, file string) string {
	if file == "" || filepath.IsAbs(file) || hasScheme(file) {
		return file
	}
	abs := filepath.Join(dir, filepath.FromSlash(file))
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, abs); err == nil && !hasDotDot(rel) && rel != ".." {
			return filepath.ToSlash(rel)
		}
	}
	return abs
}

// buildProblem describes a failed build.
func buildProblem(err error, dir string) *problem {
	p := &problem{Kind: "build", Title: "Build failed"}
	var be *bundle.Error
	if !errors.As(err, &be) {
		p.Message = err.Error()
		return p
	}
	var details []string
	for i, m := range be.Messages {
		m.File = display(dir, m.File)
		if i == 0 {
			p.Message = m.String()
		}
		details = append(details, m.String())
		details = append(details, m.Notes...)
		if m.Line > 0 && len(p.Frames) < 5 {
			f := codeFrame{Location: fmt.Sprintf("%s:%d:%d", m.File, m.Line, m.Column)}
			if m.LineText != "" {
				f.Lines = []frameLine{{N: m.Line, Text: m.LineText, Here: true, Column: m.Column}}
			}
			p.Frames = append(p.Frames, f)
		}
	}
	if len(be.Messages) > 1 {
		p.Details = strings.Join(details, "\n")
	}
	return p
}

// loadProblem describes a worker that failed to load (remapped already).
func loadProblem(err error, r *sourcemap.Remapper) *problem {
	p := &problem{Kind: "load", Title: "The worker failed to load"}
	var le *runtime.LoadError
	if !errors.As(err, &le) {
		p.Message = r.Rewrite(err.Error())
		return p
	}
	p.Message = le.Error()
	p.Details = le.Stack
	p.Frames = frames(r, le.Location+"\n"+le.Stack)
	return p
}

// exceptionProblem describes an exception thrown by a handler; stack is remapped.
func exceptionProblem(stack string, r *sourcemap.Remapper) *problem {
	msg, _, _ := strings.Cut(stack, "\n")
	return &problem{Kind: "exception", Title: "Uncaught exception", Message: msg, Details: stack, Frames: frames(r, stack)}
}

// frames returns code frames for the original positions in text (remapped text: the
// positions are found again from the display names).
func frames(r *sourcemap.Remapper, text string) []codeFrame {
	var out []codeFrame
	seen := map[string]bool{}
	for _, loc := range findLocations(text) {
		if len(out) == 3 || seen[loc.text] {
			continue
		}
		seen[loc.text] = true
		content, ok := r.Content(loc.file)
		if !ok {
			continue
		}
		out = append(out, codeFrame{Location: loc.text, Lines: snippet(content, loc.line, loc.col)})
	}
	return out
}

type foundLoc struct {
	text      string
	file      string
	line, col int
}

// findLocations finds "file:line:column" in stack text, in order.
func findLocations(text string) []foundLoc {
	var out []foundLoc
	for _, line := range strings.Split(text, "\n") {
		s := strings.TrimSpace(line)
		s = strings.TrimPrefix(s, "at ")
		if i := strings.LastIndexByte(s, '('); i >= 0 && strings.HasSuffix(s, ")") {
			s = s[i+1 : len(s)-1]
		}
		// file:line:column, possibly followed by ": message" (a load error's location).
		for n := 0; n < 2; n++ {
			if loc, ok := parseLoc(s); ok {
				out = append(out, loc)
				break
			}
			i := strings.Index(s, ": ")
			if i < 0 {
				break
			}
			s = s[:i]
		}
	}
	return out
}

func parseLoc(s string) (foundLoc, bool) {
	j := strings.LastIndexByte(s, ':')
	if j < 0 {
		return foundLoc{}, false
	}
	i := strings.LastIndexByte(s[:j], ':')
	if i <= 0 {
		return foundLoc{}, false
	}
	var line, col int
	if _, err := fmt.Sscanf(s[i+1:j], "%d", &line); err != nil {
		return foundLoc{}, false
	}
	if _, err := fmt.Sscanf(s[j+1:], "%d", &col); err != nil {
		return foundLoc{}, false
	}
	return foundLoc{text: s, file: s[:i], line: line, col: col}, true
}

// terminal renders the problem for the terminal: the message, the first code frame
// and the details.
func (p *problem) terminal() string {
	var b strings.Builder
	if len(p.Frames) > 0 && len(p.Frames[0].Lines) > 0 {
		f := p.Frames[0]
		width := len(fmt.Sprint(f.Lines[len(f.Lines)-1].N))
		for _, l := range f.Lines {
			mark := " "
			if l.Here {
				mark = ">"
			}
			fmt.Fprintf(&b, "  %s %*d | %s\n", mark, width, l.N, l.Text)
			if l.Here && l.Column > 0 {
				fmt.Fprintf(&b, "    %s | %s^\n", strings.Repeat(" ", width), strings.Repeat(" ", caretPad(l.Text, l.Column)))
			}
		}
	}
	if p.Details != "" && p.Details != p.Message {
		b.WriteString(p.Details)
	}
	return strings.TrimRight(b.String(), "\n")
}

// caretPad counts the characters before column (1-based, in bytes) of text.
func caretPad(text string, column int) int {
	if column-1 > len(text) {
		column = len(text) + 1
	}
	return len([]rune(text[:column-1]))
}

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"pad": caretPad,
	"repeat": func(n int) string {
		return strings.Repeat(" ", n)
	},
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.P.Title}} · edged dev</title>
<meta name="viewport" content="width=device-width">
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#fff5f5;color:#1a1a1a}
main{max-width:960px;margin:2rem auto;padding:0 1rem}
h1{color:#b00020;font-size:1.4rem;margin:.2rem 0}
.kind{font-size:.8rem;text-transform:uppercase;letter-spacing:.08em;color:#b00020}
.msg{font:600 1rem/1.4 ui-monospace,monospace;white-space:pre-wrap;background:#fff;border-left:4px solid #b00020;padding:.8rem 1rem}
.frame{background:#1e1e1e;color:#ddd;border-radius:6px;margin:1rem 0;overflow:auto}
.frame .loc{background:#333;color:#fff;padding:.3rem .8rem;font:13px ui-monospace,monospace}
.frame pre{margin:0;padding:.6rem 0;font:13px/1.5 ui-monospace,monospace}
.frame .l{display:block;padding:0 .8rem}.frame .here{background:#5a1d1d}
.frame .n{color:#888;display:inline-block;min-width:3ch;text-align:right;margin-right:1ch}
.caret{color:#ff6b6b}
details pre{font:13px/1.5 ui-monospace,monospace;white-space:pre-wrap;background:#fff;padding:.8rem}
footer{color:#666;font-size:.85rem;margin-top:2rem}
</style></head><body><main>
<div class="kind">edged dev · {{.P.Kind}} error</div>
<h1>{{.P.Title}}</h1>
<div class="msg">{{.P.Message}}</div>
{{range .P.Frames}}<div class="frame"><div class="loc">{{.Location}}</div>{{if .Lines}}<pre>{{range .Lines}}<span class="l{{if .Here}} here{{end}}"><span class="n">{{.N}}</span>{{.Text}}</span>{{if and .Here (gt .Column 0)}}<span class="l"><span class="n"> </span><span class="caret">{{repeat (pad .Text .Column)}}^</span></span>{{end}}{{end}}</pre>{{end}}</div>
{{end}}{{if .P.Details}}<details open><summary>Details</summary><pre>{{.P.Details}}</pre></details>{{end}}
<footer>{{if .Serving}}The last good version keeps serving other clients. {{end}}This page reloads itself after the next successful build.</footer>
</main>
<script>
(function poll(){fetch("/cdn-cgi/edged/generation",{cache:"no-store"}).then(function(r){return r.text()}).then(function(g){
if(g!=={{.Gen}})location.reload();else setTimeout(poll,300)},function(){setTimeout(poll,1000)})})();
</script></body></html>
`))

// html writes the problem as a page; gen is the build generation it belongs to, so
// the page reloads once the generation changes.
func (p *problem) html(w io.Writer, gen string, serving bool) error {
	return pageTmpl.Execute(w, struct {
		P       *problem
		Gen     string
		Serving bool
	}{p, gen, serving})
}
