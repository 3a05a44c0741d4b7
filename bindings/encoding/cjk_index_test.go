package encoding

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The indexes the decoders use, checked against the Encoding Standard's index files.
//
// Without flags, each table's digest is compared with the digest of the standard's
// file (whatwg/encoding a985b62, indexes dated 2024-09-18), so an x/text upgrade that
// changes its data is caught. With a checkout of whatwg/encoding:
//
//	go test ./bindings/encoding -run TestWHATWGIndexes -whatwg /path/to/whatwg/encoding
//
// compares every pointer and prints the digests; -write also regenerates tables_gen.go
// (what x/text lacks of index gb18030, and index gb18030 ranges).

var (
	whatwgDir  = flag.String("whatwg", "", "a checkout of whatwg/encoding (index-*.txt)")
	writeTable = flag.Bool("write", false, "with -whatwg: regenerate tables_gen.go")
)

// The pointer ranges digested: every pointer a decoder can look up. Index gb18030
// ranges is digested over the pointers of its BMP part (0..39419); above 189000 it is a
// formula.
var indexDigests = []struct {
	name   string
	n      int
	lookup func(p int) rune
	digest string
}{
	{"jis0208", jis0208Size, func(p int) rune { return lookup16(indexJIS0208.get(), p) },
		"d7d155dd3a24dac9c122d69e9c2b1e64e7bd934d9532fa27675b0f813aac8d21"},
	{"jis0212", jis0212Size, func(p int) rune { return lookup16(indexJIS0212.get(), p) },
		"e11d762d8eb2fbc182cb8f28c914a15e04a2605cea76955fd2b2863180687ce0"},
	{"euc-kr", eucKRSize, func(p int) rune { return lookup16(indexEUCKR.get(), p) },
		"e05304009fa6956bacd721e4328cac6534e1947cbd624837d1f23ce14845e16f"},
	{"gb18030", gb18030Size, func(p int) rune { return lookup16(indexGB18030.get(), p) },
		"3af234429c1c730052b00d43c2231a9f66a5eacf96e8b651279833c632d6b037"},
	{"big5", big5Size, func(p int) rune {
		if t := indexBig5(); t[p] != 0 {
			return t[p]
		}
		return -1
	}, "9dc1cd2bca5d54a934541f0941ad206524077446964d8750355b61f83181c0fe"},
	{"gb18030-ranges", 39420, gb18030RangesCodePoint, "5f907d92e1d700c571b085b8a944ce5809b316d14f2cbceb236b43f8ddf0f68d"},
}

// digest hashes "pointer code-point" lines of the pointers below n that have one.
func digest(n int, lookup func(p int) rune) string {
	h := sha256.New()
	for p := 0; p < n; p++ {
		if cp := lookup(p); cp >= 0 {
			fmt.Fprintf(h, "%d %X\n", p, cp)
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestIndexDigests(t *testing.T) {
	for _, x := range indexDigests {
		if got := digest(x.n, x.lookup); got != x.digest {
			t.Errorf("index %s: digest %s, want %s (the standard's)", x.name, got, x.digest)
		}
	}
}

// readIndex reads index-<name>.txt: pointer → code point.
func readIndex(t *testing.T, name string) map[int]rune {
	t.Helper()
	f, err := os.Open(filepath.Join(*whatwgDir, "index-"+name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[int]rune{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := s.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		fields := strings.Fields(line)
		p, err1 := strconv.Atoi(fields[0])
		cp, err2 := strconv.ParseUint(strings.TrimPrefix(fields[1], "0x"), 16, 32)
		if len(fields) < 2 || err1 != nil || err2 != nil {
			t.Fatalf("index-%s.txt: bad line %q", name, line)
		}
		m[p] = rune(cp)
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestWHATWGIndexes(t *testing.T) {
	if *whatwgDir == "" {
		t.Skip("no -whatwg checkout")
	}
	ranges := readIndex(t, "gb18030-ranges")
	var rangePointers []int
	for p := range ranges {
		rangePointers = append(rangePointers, p)
	}
	slices.Sort(rangePointers)
	// The standard's "index gb18030 ranges code point", straight from the file.
	specRanges := func(p int) rune {
		if (p > 39419 && p < 189000) || p > 1237575 {
			return -1
		}
		if p == 7457 {
			return 0xe7c7
		}
		offset := 0
		for _, q := range rangePointers {
			if q <= p {
				offset = q
			}
		}
		return ranges[offset] + rune(p-offset)
	}

	if *writeTable {
		writeTablesGen(t, readIndex(t, "gb18030"), rangePointers, ranges)
		t.Log("wrote tables_gen.go: run the tests again")
		return
	}

	for _, x := range indexDigests {
		var want func(p int) rune
		if x.name == "gb18030-ranges" {
			want = specRanges
		} else {
			m := readIndex(t, x.name)
			want = func(p int) rune {
				if cp, ok := m[p]; ok {
					return cp
				}
				return -1
			}
			for p := range m {
				if p >= x.n {
					t.Errorf("index %s: pointer %d is beyond the table (%d)", x.name, p, x.n)
				}
			}
		}
		bad := 0
		for p := 0; p < x.n; p++ {
			if got, w := x.lookup(p), want(p); got != w && !(x.name == "big5" && big5Pairs(p)) {
				if bad++; bad <= 10 {
					t.Errorf("index %s pointer %d: %U, want %U", x.name, p, got, w)
				}
			}
		}
		if d := digest(x.n, want); d != x.digest {
			t.Errorf("index %s: the standard's digest is %s, the test has %s", x.name, d, x.digest)
		}
	}
	for _, p := range []int{189000, 189001, 1237575, 1237576, 39420, 188999} {
		if got, w := gb18030RangesCodePoint(p), specRanges(p); got != w {
			t.Errorf("gb18030 ranges pointer %d: %U, want %U", p, got, w)
		}
	}
}

// big5Pairs: the pointers index Big5 has no entry for and x/text decodes to two code
// points (the decoder's table of pairs); index Big5 has none of them either.
func big5Pairs(p int) bool { return p == 1133 || p == 1135 || p == 1164 || p == 1166 }

// writeTablesGen writes tables_gen.go: the runs of pointers where index gb18030 differs
// from x/text's table, and index gb18030 ranges.
func writeTablesGen(t *testing.T, gb map[int]rune, rangePointers []int, ranges map[int]rune) {
	xt := xtextGB18030()
	type run struct{ pointer, cp, n int }
	var runs []run
	for p := 0; p < gb18030Size; p++ {
		want := int(gb[p]) // 0: none
		if int(xt[p]) == want {
			continue
		}
		if k := len(runs) - 1; k >= 0 && want != 0 && runs[k].cp != 0 &&
			runs[k].pointer+runs[k].n == p && runs[k].cp+runs[k].n == want {
			runs[k].n++
			continue
		}
		runs = append(runs, run{p, want, 1})
	}
	var b bytes.Buffer
	b.WriteString("// Code generated by go test ./bindings/encoding -run TestWHATWGIndexes -whatwg DIR -write; DO NOT EDIT.\n\n")
	b.WriteString("package encoding\n\n")
	b.WriteString("// gb18030Patches are where index gb18030 differs from x/text's table: from pointer,\n")
	b.WriteString("// n pointers map to the code points from cp on (cp 0: to none). x/text leaves out the\n")
	b.WriteString("// Private Use Area code points and predates the GB18030-2022 changes.\n")
	b.WriteString("var gb18030Patches = [...]struct{ pointer, cp, n uint16 }{\n")
	for _, r := range runs {
		fmt.Fprintf(&b, "\t{%d, 0x%04X, %d},\n", r.pointer, r.cp, r.n)
	}
	b.WriteString("}\n\n")
	b.WriteString("// gb18030Ranges is index gb18030 ranges: the pointer of each range, and the code\n")
	b.WriteString("// point it starts at.\n")
	b.WriteString("var gb18030Ranges = [...]struct{ pointer, cp uint32 }{\n")
	for _, p := range rangePointers {
		fmt.Fprintf(&b, "\t{%d, 0x%04X},\n", p, ranges[p])
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("tables_gen.go", src, 0o644); err != nil {
		t.Fatal(err)
	}
}
