package runtime

import (
	"bytes"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestSnapshotFileVerification(t *testing.T) {
	for _, src := range []string{"shared source", ""} {
		dir := t.TempDir()
		path := filepath.Join(dir, "snapshot-x.bin")
		writeSnapshotFile(dir, path, []byte(src), []byte("blob bytes"))
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		gotSrc, blob, ok := verifySnapshotFile(b)
		if !ok || string(blob) != "blob bytes" || string(gotSrc) != src {
			t.Fatalf("got %q %q %v, want the source %q and the blob back", gotSrc, blob, ok, src)
		}
		for _, i := range []int{0, len(snapMagic) + 1, snapHeader - 1, len(b) - 1} {
			c := append([]byte(nil), b...)
			c[i] ^= 1
			if _, _, ok := verifySnapshotFile(c); ok {
				t.Errorf("a file damaged at byte %d verified", i)
			}
		}
		if _, _, ok := verifySnapshotFile(b[:len(b)-1]); ok {
			t.Error("a truncated file verified")
		}
	}
	if _, _, ok := verifySnapshotFile([]byte("short")); ok {
		t.Error("a short file verified")
	}
}

// A source length reaching past the end, under a CRC that matches, is refused.
func TestSnapshotFileBadLength(t *testing.T) {
	for _, n := range []byte{8, 200} { // 8: no blob left; 200: past the end
		b := encodeSnapshotFile([]byte("src"), []byte("blob"))
		b[len(snapMagic)+4] = n
		sealSnapshotFile(b)
		if _, _, ok := verifySnapshotFile(b); ok {
			t.Errorf("a source length of %d in a file of %d bytes verified", n, len(b)-snapHeader)
		}
	}
}

func TestSnapshotKey(t *testing.T) {
	if snapshotKey("a") == snapshotKey("b") {
		t.Error("different programs share a key")
	}
	if id := libnodeIdentity(); id == "unknown" {
		t.Error("libnode not found in /proc/self/maps")
	}
	if id := programBuildID(); id == "" {
		t.Error("the test binary's Go build ID was not found")
	}
}

// The cache end to end, across processes: the first run makes and stores the
// snapshot, the next maps it (and serves from it), a damaged file is made again.
func TestSnapshotCacheAcrossProcesses(t *testing.T) {
	if os.Getenv("EDGED_TEST_SNAPSHOT_CHILD") == "1" {
		w, _ := newTestWorker(t, hello, Limits{Isolates: 1})
		rec := httptest.NewRecorder()
		w.ServeHTTP(rec, httptest.NewRequest("GET", "http://x/", nil))
		fmt.Printf("snapshot=%s body=%s\n", snapshotSource, rec.Body.String())
		return
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	child := func() string {
		t.Helper()
		cmd := exec.Command(exe, "-test.run=^TestSnapshotCacheAcrossProcesses$", "-test.count=1")
		cmd.Env = append(os.Environ(), "EDGED_TEST_SNAPSHOT_CHILD=1", "EDGED_CACHE_DIR="+dir, "EDGED_SNAPSHOT_CACHE=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, "snapshot=") {
				return line
			}
		}
		t.Fatalf("child printed no result:\n%s", out)
		return ""
	}
	if got := child(); got != "snapshot=made body=hello" {
		t.Fatalf("first run: %q", got)
	}
	if got := child(); got != "snapshot=cache body=hello" {
		t.Fatalf("second run: %q", got)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "snapshot-*.bin"))
	if len(files) != 1 {
		t.Fatalf("cache holds %v", files)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(files[0], b, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := child(); got != "snapshot=made body=hello" {
		t.Fatalf("run after damage: %q", got)
	}
}

// The fallback for file systems that cannot map files reads the whole file, and a
// short file is an error, not a blob with a zeroed tail.
func TestReadOutsideHeap(t *testing.T) {
	want := encodeSnapshotFile([]byte("source"), []byte("blob bytes"))
	b, err := readOutsideHeap(bytes.NewReader(want), len(want))
	if err != nil || !bytes.Equal(b, want) {
		t.Fatalf("got %q, %v", b, err)
	}
	if _, _, ok := verifySnapshotFile(b); !ok {
		t.Error("the copy does not verify")
	}
	if _, err := readOutsideHeap(bytes.NewReader(want[:5]), len(want)); err == nil {
		t.Error("a short read was accepted")
	}
}
