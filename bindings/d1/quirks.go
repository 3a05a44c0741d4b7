package d1

import (
	"errors"
	"reflect"
	"unsafe"

	"github.com/mattn/go-sqlite3"
)

// go-sqlite3 converts result cells by the column's declared type: a column
// declared DATE, DATETIME or TIMESTAMP comes back as time.Time (and unparsable
// text as the zero time), BOOLEAN as bool. D1 returns stored values as they
// are, and a schema with `created_at DATETIME DEFAULT CURRENT_TIMESTAMP` is
// the common case, so that conversion would lose data.
//
// The driver only looks the declared types up when SQLiteRows.decltype is
// nil; setting it to blanks before the first Next makes every cell keep its
// storage class. The field is unexported, so we find it once by reflection;
// Open fails loudly (errDriverLayout) if a driver upgrade moves it, and
// TestDeclaredTypesKeepStorageClass pins the behaviour.

var declTypeOffset = func() uintptr {
	f, ok := reflect.TypeOf(sqlite3.SQLiteRows{}).FieldByName("decltype")
	if !ok || f.Type != reflect.TypeOf([]string(nil)) {
		return 0
	}
	return f.Offset
}()

var errDriverLayout = errors.New("d1: go-sqlite3 layout changed: SQLiteRows.decltype not found (see quirks.go)")

var blankDecl [64]string

func plainDeclTypes(rows *sqlite3.SQLiteRows, n int) {
	p := (*[]string)(unsafe.Add(unsafe.Pointer(rows), declTypeOffset))
	if n <= len(blankDecl) {
		*p = blankDecl[:n:n]
	} else {
		*p = make([]string, n)
	}
}
