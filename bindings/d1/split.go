package d1

import "strings"

// Piece is one statement found by Split.
type Piece struct {
	SQL    string // the statement, trimmed, without its terminating ';'
	Offset int    // byte offset of SQL in the input
	Line   int    // 1-based line where SQL starts
}

// Split cuts a script into statements at top-level semicolons. It respects
// '…' strings, "…", `…` and […] identifiers, -- and /* */ comments, and the
// BEGIN … END body of CREATE TRIGGER (including CASE … END inside it).
// Pieces that hold only whitespace and comments are dropped. Split never
// fails: an unterminated string or comment runs to the end of the input and
// SQLite reports the error when the piece is prepared.
func Split(sql string) []Piece {
	var out []Piece
	start := 0
	var (
		trigger   bool // current statement is CREATE [TEMP] TRIGGER
		block     int  // BEGIN … END depth inside a trigger
		caseDepth int  // CASE … END depth inside a trigger body
		words     int  // keywords seen in the current statement (for trigger detection)
		prev      string
	)
	emit := func(end int) {
		if p, ok := piece(sql, start, end); ok {
			out = append(out, p)
		}
		start = end + 1
		trigger, block, caseDepth, words, prev = false, 0, 0, 0, ""
	}
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			i = skipQuoted(sql, i, c)
		case c == '[':
			j := strings.IndexByte(sql[i:], ']')
			if j < 0 {
				i = len(sql)
			} else {
				i += j + 1
			}
		case c == '-' && i+1 < len(sql) && sql[i+1] == '-':
			j := strings.IndexByte(sql[i:], '\n')
			if j < 0 {
				i = len(sql)
			} else {
				i += j + 1
			}
		case c == '/' && i+1 < len(sql) && sql[i+1] == '*':
			j := strings.Index(sql[i+2:], "*/")
			if j < 0 {
				i = len(sql)
			} else {
				i += j + 4
			}
		case c == ';':
			if block == 0 {
				emit(i)
			}
			i++
		case isIdentStart(c):
			j := i + 1
			for j < len(sql) && isIdentChar(sql[j]) {
				j++
			}
			w := strings.ToUpper(sql[i:j])
			words++
			switch {
			case w == "TRIGGER" && words <= 3 && prev != "" && (prev == "CREATE" || prev == "TEMP" || prev == "TEMPORARY"):
				trigger = true
			case trigger && w == "BEGIN" && block == 0:
				block = 1
			case trigger && block > 0 && w == "CASE":
				caseDepth++
			case trigger && block > 0 && w == "END":
				if caseDepth > 0 {
					caseDepth--
				} else {
					block = 0
				}
			}
			prev = w
			i = j
		default:
			i++
		}
	}
	emit(len(sql))
	return out
}

func skipQuoted(s string, i int, q byte) int {
	for j := i + 1; j < len(s); j++ {
		if s[j] == q {
			if j+1 < len(s) && s[j+1] == q { // doubled quote escapes itself
				j++
				continue
			}
			return j + 1
		}
	}
	return len(s)
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentChar(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' || c == '$' }

// piece trims sql[start:end] and reports whether anything but comments is left.
func piece(sql string, start, end int) (Piece, bool) {
	if end > len(sql) {
		end = len(sql)
	}
	if start >= end {
		return Piece{}, false
	}
	s := sql[start:end]
	const space = " \t\r\n\f" // SQLite's whitespace
	lead := len(s) - len(strings.TrimLeft(s, space))
	s = strings.Trim(s, space)
	if firstWordOrSymbol(s) == "" {
		return Piece{}, false
	}
	off := start + lead
	return Piece{SQL: s, Offset: off, Line: 1 + strings.Count(sql[:off], "\n")}, true
}

// firstWordOrSymbol returns the first token that is not a comment, or "".
func firstWordOrSymbol(s string) string {
	i := 0
	for i < len(s) {
		switch {
		case s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n' || s[i] == '\f':
			i++
		case strings.HasPrefix(s[i:], "--"):
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				return ""
			}
			i += j + 1
		case strings.HasPrefix(s[i:], "/*"):
			j := strings.Index(s[i+2:], "*/")
			if j < 0 {
				return ""
			}
			i += j + 4
		default:
			return s[i : i+1]
		}
	}
	return ""
}
