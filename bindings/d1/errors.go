package d1

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mattn/go-sqlite3"
)

// Error codes, the prefixes D1 puts in front of its messages. The JS half
// throws every *Error as a plain Error whose message is Error().
const (
	CodeError     = "D1_ERROR"
	CodeTypeError = "D1_TYPE_ERROR"
	CodeExecError = "D1_EXEC_ERROR"
)

// Error is a failure reported to user code, formatted as D1 formats it:
// "D1_ERROR: no such table: t: SQLITE_ERROR".
type Error struct {
	Code    string // CodeError, CodeTypeError or CodeExecError
	Message string // text after "CODE: "
	Cause   error  // the underlying sqlite3.Error, if any
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }
func (e *Error) Unwrap() error { return e.Cause }

// ErrWrongParamCount is the sentinel behind a parameter count mismatch.
var ErrWrongParamCount = errors.New("Wrong number of parameter bindings for SQL query.")

// ErrType is the error D1's bind() throws for a value it cannot bind, e.g.
// ErrType("object", "[object Object]") or ErrType("undefined", "undefined").
// jsType is typeof value, repr is String(value).
func ErrType(jsType, repr string) *Error {
	return &Error{Code: CodeTypeError, Message: fmt.Sprintf("Type '%s' not supported for value '%s'", jsType, repr)}
}

func errorf(format string, args ...any) *Error {
	return &Error{Code: CodeError, Message: fmt.Sprintf(format, args...)}
}

// wrapSQLite turns a driver error into D1's shape: the SQLite message followed
// by the name of the primary result code.
func wrapSQLite(err error) error {
	if err == nil {
		return nil
	}
	var de *Error
	if errors.As(err, &de) {
		return err
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		msg := se.Error()
		// go-sqlite3 appends nothing for most errors; keep SQLite's own text.
		return &Error{Code: CodeError, Message: msg + ": " + codeName(se.Code), Cause: err}
	}
	return &Error{Code: CodeError, Message: err.Error(), Cause: err}
}

var codeNames = map[sqlite3.ErrNo]string{
	sqlite3.ErrError: "SQLITE_ERROR", sqlite3.ErrInternal: "SQLITE_INTERNAL",
	sqlite3.ErrPerm: "SQLITE_PERM", sqlite3.ErrAbort: "SQLITE_ABORT",
	sqlite3.ErrBusy: "SQLITE_BUSY", sqlite3.ErrLocked: "SQLITE_LOCKED",
	sqlite3.ErrNomem: "SQLITE_NOMEM", sqlite3.ErrReadonly: "SQLITE_READONLY",
	sqlite3.ErrInterrupt: "SQLITE_INTERRUPT", sqlite3.ErrIoErr: "SQLITE_IOERR",
	sqlite3.ErrCorrupt: "SQLITE_CORRUPT", sqlite3.ErrNotFound: "SQLITE_NOTFOUND",
	sqlite3.ErrFull: "SQLITE_FULL", sqlite3.ErrCantOpen: "SQLITE_CANTOPEN",
	sqlite3.ErrProtocol: "SQLITE_PROTOCOL", sqlite3.ErrEmpty: "SQLITE_EMPTY",
	sqlite3.ErrSchema: "SQLITE_SCHEMA", sqlite3.ErrTooBig: "SQLITE_TOOBIG",
	sqlite3.ErrConstraint: "SQLITE_CONSTRAINT", sqlite3.ErrMismatch: "SQLITE_MISMATCH",
	sqlite3.ErrMisuse: "SQLITE_MISUSE", sqlite3.ErrNoLFS: "SQLITE_NOLFS",
	sqlite3.ErrAuth: "SQLITE_AUTH", sqlite3.ErrFormat: "SQLITE_FORMAT",
	sqlite3.ErrRange: "SQLITE_RANGE", sqlite3.ErrNotADB: "SQLITE_NOTADB",
}

func codeName(c sqlite3.ErrNo) string {
	if n, ok := codeNames[c]; ok {
		return n
	}
	return "SQLITE_ERROR"
}

// isTxControl reports statements D1 refuses: transactions are managed by
// batch(), and a dangling BEGIN would hold the single writer.
func isTxControl(sql string) bool {
	w := strings.ToUpper(firstWord(sql))
	switch w {
	case "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE":
		return true
	}
	return false
}

// firstWord returns the first keyword of a statement, skipping whitespace and
// comments.
func firstWord(sql string) string {
	i := 0
	for i < len(sql) {
		c := sql[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
		case strings.HasPrefix(sql[i:], "--"):
			j := strings.IndexByte(sql[i:], '\n')
			if j < 0 {
				return ""
			}
			i += j + 1
		case strings.HasPrefix(sql[i:], "/*"):
			j := strings.Index(sql[i+2:], "*/")
			if j < 0 {
				return ""
			}
			i += j + 4
		default:
			j := i
			for j < len(sql) && (sql[j] >= 'a' && sql[j] <= 'z' || sql[j] >= 'A' && sql[j] <= 'Z') {
				j++
			}
			return sql[i:j]
		}
	}
	return ""
}
