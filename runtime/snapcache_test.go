package runtime

import (
	"os"
	"path/filepath"
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
