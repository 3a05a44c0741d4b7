package v8

import (
	"bufio"
	"os"
	"strings"
)

// LibraryPath is the path of the libnode file V8 was loaded from ("" if not found in
// /proc/self/maps).
func LibraryPath() string {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "/"); i >= 0 && strings.Contains(line[i:], "/libnode.so") {
			return line[i:]
		}
	}
	return ""
}
