package runtime

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSnapshotFileVerification(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "snapshot-x.bin")
	writeSnapshotFile(dir, path, []byte("blob bytes"))
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if blob, ok := verifySnapshotFile(b); !ok || string(blob) != "blob bytes" {
		t.Fatalf("got %q %v, want the blob back", blob, ok)
	}
	b[len(b)-1] ^= 1
	if _, ok := verifySnapshotFile(b); ok {
		t.Error("a damaged blob verified")
	}
	if _, ok := verifySnapshotFile([]byte("short")); ok {
		t.Error("a short file verified")
	}
}

func TestSnapshotKeyDependsOnBootstrap(t *testing.T) {
	if snapshotKey("a") == snapshotKey("b") {
		t.Error("different bootstraps share a key")
	}
	if id := libnodeIdentity(); id == "unknown" {
		t.Error("libnode not found in /proc/self/maps")
	}
}
