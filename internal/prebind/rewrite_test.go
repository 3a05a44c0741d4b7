package prebind

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestRewritable(t *testing.T) {
	text := elf.SectionIndex(12)
	for _, c := range []struct {
		name  string
		bind  elf.SymBind
		typ   elf.SymType
		shndx elf.SectionIndex
		want  bool
	}{
		{"_ZN2v86Object3GetENS_5LocalINS_7ContextEEENS1_INS_5ValueEEE", elf.STB_GLOBAL, elf.STT_FUNC, text, true},
		{"_ZN2v88internal4Heap7CollectEv", elf.STB_WEAK, elf.STT_FUNC, text, true},
		{"_ZTVN2v88internal9AllocatorE", elf.STB_WEAK, elf.STT_OBJECT, text, true},
		{"_ZZN2v88internal3FooEvE1x", stbGNUUnique, elf.STT_OBJECT, text, true},
		{"uv_loop_init", elf.STB_GLOBAL, elf.STT_FUNC, text, true},
		{"uv_loop_init", elf.STB_GLOBAL, elf.STT_FUNC, elf.SHN_UNDEF, false},
		{"absolute", elf.STB_GLOBAL, elf.STT_NOTYPE, elf.SHN_ABS, false},
		{"tls_var", elf.STB_GLOBAL, elf.STT_TLS, text, false},
		{"memcpy_ifunc", elf.STB_GLOBAL, elf.STT_GNU_IFUNC, text, false},
		{"local_fn", elf.STB_LOCAL, elf.STT_FUNC, text, false},
		// The C++ runtime's names stay with the loader.
		{"_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE9_M_createERmm", elf.STB_WEAK, elf.STT_FUNC, text, false},
		{"_ZNKSt5ctypeIcE8do_widenEc", elf.STB_WEAK, elf.STT_FUNC, text, false},
		{"_ZStplIcSt11char_traitsIcESaIcEENSt7__cxx1112basic_stringIT_T0_T1_EEPKS5_RKS8_", elf.STB_WEAK, elf.STT_FUNC, text, false},
		{"_ZZNSt19_Sp_make_shared_tag5_S_tiEvE5__tag", stbGNUUnique, elf.STT_OBJECT, text, false},
		{"_ZTVNSt7__cxx1119basic_ostringstreamIcSt11char_traitsIcESaIcEEE", elf.STB_WEAK, elf.STT_OBJECT, text, false},
		{"_ZTISt9exception", elf.STB_WEAK, elf.STT_OBJECT, text, false},
		{"_ZTSSt9exception", elf.STB_WEAK, elf.STT_OBJECT, text, false},
		{"_ZGVZNSt6locale5facet4_S_cEvE1x", stbGNUUnique, elf.STT_OBJECT, text, false},
		{"_ZThn8_NSt9basic_iosIcSt11char_traitsIcEED1Ev", elf.STB_WEAK, elf.STT_FUNC, text, false},
		{"_ZN9__gnu_cxx13new_allocatorIcE8allocateEm", elf.STB_WEAK, elf.STT_FUNC, text, false},
		{"_ZN10__cxxabiv117__class_type_infoD2Ev", elf.STB_GLOBAL, elf.STT_FUNC, text, false},
		{"_Znwm", elf.STB_WEAK, elf.STT_FUNC, text, false},
		{"_ZdlPvm", elf.STB_WEAK, elf.STT_FUNC, text, false},
	} {
		if got := Rewritable(c.name, c.bind, c.typ, c.shndx); got != c.want {
			t.Errorf("Rewritable(%s, %v, %v, %v) = %v, want %v", c.name, c.bind, c.typ, c.shndx, got, c.want)
		}
	}
}

// buildFixture compiles testdata/lib.c into a BIND_NOW shared object and main.c
// into a program that loads it from its own directory.
func buildFixture(t *testing.T) (dir string) {
	t.Helper()
	dir = t.TempDir()
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("gcc", "-shared", "-fPIC", "-O1", "-Wl,-z,now", "-o", filepath.Join(dir, "libt.so"), "testdata/lib.c")
	run("gcc", "-O1", "-o", filepath.Join(dir, "main"), "testdata/main.c", "-L"+dir, "-lt", "-Wl,-rpath,$ORIGIN")
	return dir
}

// selfBindings counts the loader's by-name lookups of libt.so's symbols made on
// behalf of libt.so.
func selfBindings(t *testing.T, dir string) (int, string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(dir, "main"))
	cmd.Env = append(os.Environ(), "LD_DEBUG=bindings")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("main: %v\n%s", err, stderr.String())
	}
	n := 0
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, "binding file "+dir+"/libt.so") && strings.Contains(line, "to "+dir+"/libt.so") {
			n++
		}
	}
	return n, strings.TrimSpace(string(out))
}

func TestRewriteKeepsBehaviour(t *testing.T) {
	dir := buildFixture(t)
	before, out := selfBindings(t, dir)
	if out != "139" {
		t.Fatalf("unpatched program printed %q, want 139", out)
	}
	if before < 3 {
		t.Fatalf("the fixture made %d self-lookups; it should make several", before)
	}
	n, err := Rewrite(filepath.Join(dir, "libt.so"))
	if err != nil {
		t.Fatal(err)
	}
	if n < 3 {
		t.Fatalf("rewrote %d relocations, want the fixture's calls, loads and pointers", n)
	}
	after, out := selfBindings(t, dir)
	if out != "139" {
		t.Fatalf("patched program printed %q, want 139", out)
	}
	if after != 0 {
		t.Errorf("%d self-lookups left after rewriting (were %d)", after, before)
	}
	if again, err := Rewrite(filepath.Join(dir, "libt.so")); err != nil || again != 0 {
		t.Errorf("a second rewrite changed %d relocations (err %v), want 0", again, err)
	}
}

func TestRewriteRefusesOtherFiles(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":   nil,
		"text":    []byte("not an ELF file at all"),
		"program": mustRead(t, "/proc/self/exe"),
	} {
		if _, err := RewriteBytes(append([]byte(nil), data...)); err == nil {
			t.Errorf("%s: rewritten without an error", name)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Damaged input: an error or a rewrite, never a panic or a write out of the buffer.
func FuzzRewriteBytes(f *testing.F) {
	dir := fuzzSeedFixture(f)
	if b, err := os.ReadFile(filepath.Join(dir, "libt.so")); err == nil {
		f.Add(b)
	}
	f.Add([]byte("\x7fELF\x02\x01\x01"))
	f.Fuzz(func(t *testing.T, b []byte) {
		n := len(b)
		RewriteBytes(b)
		if len(b) != n {
			t.Fatal("length changed")
		}
	})
}

// fuzzSeedFixture builds the fixture for the seed corpus ("" when gcc fails).
func fuzzSeedFixture(f *testing.F) string {
	dir := f.TempDir()
	if exec.Command("gcc", "-shared", "-fPIC", "-O1", "-Wl,-z,now", "-o", filepath.Join(dir, "libt.so"), "testdata/lib.c").Run() != nil {
		return ""
	}
	return dir
}

// A program that defines (and so exports) a name the library defines is reported.
func TestInterposed(t *testing.T) {
	dir := buildFixture(t)
	exe := filepath.Join(dir, "interposer")
	src := filepath.Join(dir, "interposer.c")
	if err := os.WriteFile(src, []byte("int call_all(void);\nint weak_fn(void) { return 1; }\nint main(void) { return call_all() == 0; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("gcc", "-O1", "-rdynamic", "-o", exe, src, "-L"+dir, "-lt", "-Wl,-rpath,$ORIGIN").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	got, err := Interposed(exe, filepath.Join(dir, "libt.so"))
	if err != nil || len(got) != 1 || got[0] != "weak_fn" {
		t.Errorf("Interposed = %v, %v; want [weak_fn]", got, err)
	}
	got, err = Interposed(filepath.Join(dir, "main"), filepath.Join(dir, "libt.so"))
	if err != nil || len(got) != 0 {
		t.Errorf("Interposed(main) = %v, %v; want none", got, err)
	}
}
