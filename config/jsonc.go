package config

import (
	"errors"
	"fmt"
)

// StripJSONC turns JSONC (JSON with // and /* */ comments and trailing
// commas, as wrangler.jsonc allows) into plain JSON.
//
// Comments become spaces (newlines inside block comments are kept) and a
// trailing comma becomes a space, so byte offsets and line numbers in the
// output match the input. Strings are copied untouched. Everything else is
// left for the JSON parser to judge. It fails only on an unterminated block
// comment or string.
func StripJSONC(src []byte) ([]byte, error) {
	out := make([]byte, len(src))
	copy(out, src)
	lastSig := -1 // index in out of the last significant (non-space, non-comment) byte
	for i := 0; i < len(out); {
		c := out[i]
		switch {
		case c == '"':
			start := i
			i++
			for ; i < len(out); i++ {
				if out[i] == '\\' {
					i++
					continue
				}
				if out[i] == '"' || out[i] == '\n' {
					break
				}
			}
			if i >= len(out) || out[i] != '"' {
				return nil, fmt.Errorf("unterminated string at %s", position(src, start))
			}
			lastSig = i
			i++
		case c == '/' && i+1 < len(out) && out[i+1] == '/':
			for ; i < len(out) && out[i] != '\n'; i++ {
				out[i] = ' '
			}
		case c == '/' && i+1 < len(out) && out[i+1] == '*':
			start := i
			out[i], out[i+1] = ' ', ' '
			i += 2
			closed := false
			for ; i < len(out); i++ {
				if out[i] == '*' && i+1 < len(out) && out[i+1] == '/' {
					out[i], out[i+1] = ' ', ' '
					i += 2
					closed = true
					break
				}
				if out[i] != '\n' && out[i] != '\r' {
					out[i] = ' '
				}
			}
			if !closed {
				return nil, fmt.Errorf("unterminated /* comment at %s", position(src, start))
			}
		case c == '}' || c == ']':
			if lastSig >= 0 && out[lastSig] == ',' {
				out[lastSig] = ' '
			}
			lastSig = i
			i++
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		default:
			lastSig = i
			i++
		}
	}
	return out, nil
}

// position renders a byte offset as line:column (1-based).
func position(src []byte, off int) string {
	if off > len(src) {
		off = len(src)
	}
	line, col := 1, 1
	for _, c := range src[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("line %d, column %d", line, col)
}

var errEmpty = errors.New("file is empty")
