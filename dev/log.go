package dev

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Logger writes the dev server's terminal output: text (coloured on a terminal) or
// one JSON object per line.
type Logger struct {
	mu    sync.Mutex
	w     io.Writer
	json  bool
	color bool
}

// NewLogger returns a Logger writing to w in format "text" or "json". Colour is used
// for text when w is a terminal and NO_COLOR is not set.
func NewLogger(w io.Writer, format string) (*Logger, error) {
	l := &Logger{w: w}
	switch format {
	case "", "text", "pretty":
		l.color = isTerminal(w) && os.Getenv("NO_COLOR") == ""
	case "json":
		l.json = true
	default:
		return nil, fmt.Errorf("--log-format %q: want text or json", format)
	}
	return l, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

const (
	cReset  = "\x1b[0m"
	cBold   = "\x1b[1m"
	cDim    = "\x1b[2m"
	cRed    = "\x1b[31m"
	cGreen  = "\x1b[32m"
	cYellow = "\x1b[33m"
	cBlue   = "\x1b[34m"
	cCyan   = "\x1b[36m"
)

func (l *Logger) paint(code, s string) string {
	if !l.color {
		return s
	}
	return code + s + cReset
}

func (l *Logger) writeJSON(fields map[string]any) {
	fields["time"] = time.Now().UTC().Format(time.RFC3339Nano)
	b, err := json.Marshal(fields)
	if err != nil {
		b, _ = json.Marshal(map[string]any{"type": "error", "message": err.Error()})
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.w.Write(append(b, '\n'))
}

func (l *Logger) writeText(s string) {
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	io.WriteString(l.w, s)
}

// Ready prints the one-line banner.
func (l *Logger) Ready(url, name, entry string, took time.Duration) {
	if l.json {
		l.writeJSON(map[string]any{"type": "ready", "url": url, "name": name, "entry": entry, "ms": ms(took)})
		return
	}
	l.writeText(fmt.Sprintf("%s %s %s", l.paint(cBold+cCyan, "edged dev"), l.paint(cBold, url),
		l.paint(cDim, fmt.Sprintf("(%s, %s, ready in %s)", name, entry, round(took)))))
}

// Request prints one line per request.
func (l *Logger) Request(method, path string, status int, took time.Duration) {
	if l.json {
		l.writeJSON(map[string]any{"type": "request", "method": method, "path": path, "status": status, "ms": ms(took)})
		return
	}
	st := fmt.Sprintf("%d", status)
	switch {
	case status >= 500:
		st = l.paint(cRed, st)
	case status >= 400:
		st = l.paint(cYellow, st)
	case status >= 300:
		st = l.paint(cCyan, st)
	default:
		st = l.paint(cGreen, st)
	}
	l.writeText(fmt.Sprintf("%s %s %s %s", l.paint(cBold, method), path, st, l.paint(cDim, round(took))))
}

var levelNames = [...]string{"debug", "log", "warn", "error"}

// Console prints the worker's console output.
func (l *Logger) Console(level int, text string) {
	name := "log"
	if level >= 0 && level < len(levelNames) {
		name = levelNames[level]
	}
	if l.json {
		l.writeJSON(map[string]any{"type": "console", "level": name, "message": text})
		return
	}
	switch level {
	case 2:
		text = l.paint(cYellow, "warn: ") + text
	case 3:
		text = l.paint(cRed, "error: ") + text
	case 0:
		text = l.paint(cDim, "debug: "+text)
	}
	l.writeText(text)
}

// Info prints a status line (reloads, crons, bindings).
func (l *Logger) Info(kind, msg string, fields map[string]any) {
	if l.json {
		f := map[string]any{"type": kind, "message": msg}
		for k, v := range fields {
			f[k] = v
		}
		l.writeJSON(f)
		return
	}
	l.writeText(l.paint(cBlue, "• ") + msg)
}

// Warn prints a warning (config warnings).
func (l *Logger) Warn(msg string) {
	if l.json {
		l.writeJSON(map[string]any{"type": "warning", "message": msg})
		return
	}
	l.writeText(l.paint(cYellow, "▲ warning: ") + msg)
}

// Error prints an error with its details (a build failure with code frames, a stack).
func (l *Logger) Error(kind, msg, details string) {
	if l.json {
		f := map[string]any{"type": kind, "message": msg}
		if details != "" {
			f["details"] = details
		}
		l.writeJSON(f)
		return
	}
	s := l.paint(cRed+cBold, "✘ ") + l.paint(cBold, msg)
	if details != "" {
		s += "\n" + details
	}
	l.writeText(s)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func round(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
	default:
		return d.Round(time.Millisecond).String()
	}
}
