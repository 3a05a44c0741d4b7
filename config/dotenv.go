package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ParseDotenv parses a .dev.vars or .env file:
//
//	# a comment
//	KEY=value            # unquoted: trimmed; " #" starts a comment
//	export KEY=value     # the export prefix is allowed
//	KEY='literal $value' # single (or back-) quotes: taken as written
//	KEY="a\nb"           # double quotes: \n \r \t \" \\ \$ escapes, may span lines
//	KEY=                 # empty value
//
// A later key replaces an earlier one. Variables are not expanded.
// Malformed lines are errors with their line number; the name names the
// file in messages.
func ParseDotenv(name string, data []byte) (map[string]string, error) {
	vars := map[string]string{}
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	s = strings.TrimPrefix(s, "\ufeff")
	line := 0
	for len(s) > 0 {
		line++
		var cur string
		cur, s, _ = strings.Cut(s, "\n")
		t := strings.TrimSpace(cur)
		if t == "" || t[0] == '#' {
			continue
		}
		if rest, ok := strings.CutPrefix(t, "export"); ok && len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
			t = strings.TrimSpace(rest)
		}
		key, val, ok := strings.Cut(t, "=")
		if !ok {
			return nil, fmt.Errorf("%s:%d: expected KEY=value", name, line)
		}
		key = strings.TrimSpace(key)
		if !validEnvKey(key) {
			return nil, fmt.Errorf("%s:%d: invalid name %q: use letters, digits, _ . and -, not starting with a digit", name, line, key)
		}
		val = strings.TrimLeft(val, " \t")
		startLine := line
		switch {
		case val == "":
		case val[0] == '\'' || val[0] == '`':
			q := val[0]
			end := strings.IndexByte(val[1:], q)
			if end < 0 {
				return nil, fmt.Errorf("%s:%d: unterminated %c quote", name, startLine, q)
			}
			if err := checkAfterQuote(val[end+2:]); err != nil {
				return nil, fmt.Errorf("%s:%d: %v", name, startLine, err)
			}
			val = val[1 : end+1]
		case val[0] == '"':
			// The value may run over several lines: rejoin the rest.
			body := val[1:] + "\n" + s
			v, n, err := unquoteDouble(body)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", name, startLine, err)
			}
			consumed := body[:n]
			tail, after, _ := strings.Cut(body[n:], "\n")
			if err := checkAfterQuote(tail); err != nil {
				return nil, fmt.Errorf("%s:%d: %v", name, startLine, err)
			}
			line += strings.Count(consumed, "\n")
			s = after
			val = v
		default:
			if i := strings.Index(val, " #"); i >= 0 {
				val = val[:i]
			}
			if i := strings.Index(val, "\t#"); i >= 0 {
				val = val[:i]
			}
			val = strings.TrimSpace(val)
		}
		vars[key] = val
	}
	return vars, nil
}

// unquoteDouble reads a double-quoted value's body up to its closing quote.
// It returns the value and the number of bytes consumed, closing quote
// included.
func unquoteDouble(body string) (string, int, error) {
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch c {
		case '"':
			return b.String(), i + 1, nil
		case '\\':
			if i+1 >= len(body) {
				return "", 0, errors.New("unterminated \" quote")
			}
			i++
			switch body[i] {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case '"', '\\', '$', '\'', '`':
				b.WriteByte(body[i])
			default: // unknown escapes are kept as written
				b.WriteByte('\\')
				b.WriteByte(body[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, errors.New("unterminated \" quote")
}

func checkAfterQuote(rest string) error {
	rest = strings.TrimSpace(rest)
	if rest != "" && rest[0] != '#' {
		return fmt.Errorf("unexpected text %q after the closing quote", rest)
	}
	return nil
}

func validEnvKey(k string) bool {
	if k == "" || (k[0] >= '0' && k[0] <= '9') {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c == '_' || c == '.' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// LoadDevVars reads the local secrets of the project in dir, as wrangler dev
// does: `.dev.vars.<env>` if env is set and it exists, else `.dev.vars`;
// only when neither exists, the .env files `.env`, `.env.local`,
// `.env.<env>` and `.env.<env>.local`, merged in that order (later wins).
// It returns the variables and the files read (none is not an error).
func LoadDevVars(dir, env string) (map[string]string, []string, error) {
	var devVars []string
	if env != "" {
		devVars = append(devVars, ".dev.vars."+env)
	}
	devVars = append(devVars, ".dev.vars")
	for _, n := range devVars {
		p := filepath.Join(dir, n)
		vars, err := readDotenv(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		return vars, []string{p}, nil
	}

	dotenv := []string{".env", ".env.local"}
	if env != "" {
		dotenv = append(dotenv, ".env."+env, ".env."+env+".local")
	}
	merged := map[string]string{}
	var files []string
	for _, n := range dotenv {
		p := filepath.Join(dir, n)
		vars, err := readDotenv(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		files = append(files, p)
		for k, v := range vars {
			merged[k] = v
		}
	}
	return merged, files, nil
}

func readDotenv(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseDotenv(path, data)
}
