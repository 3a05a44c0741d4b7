package runtime

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/edged-dev/edged/runtime/v8"
)

// The startup snapshot takes ~0.4 s to make (evaluating every binding's JS), which
// would dominate edged's start. It is cached on disk, keyed by everything that
// shapes it: the bootstrap source (JS files and op table), the V8 version and the
// identity of the libnode file V8 runs from. The file carries a SHA-256 of the blob,
// checked before V8 sees it (V8 aborts the process on a bad blob).
//
// EDGED_CACHE_DIR moves the cache (default: the user cache dir + "/edged");
// EDGED_SNAPSHOT_CACHE=off disables it.

const snapMagic = "EDGSNAP1"

func snapshotCacheDir() string {
	if os.Getenv("EDGED_SNAPSHOT_CACHE") == "off" {
		return ""
	}
	if d := os.Getenv("EDGED_CACHE_DIR"); d != "" {
		return d
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "edged")
}

// libnodeIdentity names the loaded libnode file by path, size and modification time.
func libnodeIdentity() string {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		i := strings.Index(line, "/")
		if i < 0 || !strings.Contains(line[i:], "libnode.so") {
			continue
		}
		path := line[i:]
		if st, err := os.Stat(path); err == nil {
			return fmt.Sprintf("%s:%d:%d", path, st.Size(), st.ModTime().UnixNano())
		}
		return path
	}
	return "unknown"
}

func snapshotKey(bootstrap string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", snapMagic, v8.Version(), libnodeIdentity())
	h.Write([]byte(bootstrap))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// loadOrMakeSnapshot returns the cached snapshot for bootstrap, or makes one from
// make() (the same bootstrap, compacted) and caches it.
func loadOrMakeSnapshot(bootstrap string, make func() string) (*v8.Snapshot, error) {
	dir := snapshotCacheDir()
	var path string
	if dir != "" {
		path = filepath.Join(dir, "snapshot-"+snapshotKey(bootstrap)+".bin")
		if b, err := os.ReadFile(path); err == nil {
			if blob, ok := verifySnapshotFile(b); ok {
				now := time.Now()
				os.Chtimes(path, now, now) // in use: keep it
				return v8.SnapshotFromBytes(blob), nil
			}
			os.Remove(path) // damaged: make it again
		}
	}
	snap, err := v8.NewSnapshot(make())
	if err != nil {
		return nil, err
	}
	if path != "" {
		writeSnapshotFile(dir, path, snap.Bytes())
	}
	return snap, nil
}

func verifySnapshotFile(b []byte) ([]byte, bool) {
	if len(b) < len(snapMagic)+sha256.Size || string(b[:len(snapMagic)]) != snapMagic {
		return nil, false
	}
	sum := b[len(snapMagic) : len(snapMagic)+sha256.Size]
	blob := b[len(snapMagic)+sha256.Size:]
	got := sha256.Sum256(blob)
	return blob, bytes.Equal(sum, got[:])
}

// writeSnapshotFile writes atomically; failing to cache is not an error.
func writeSnapshotFile(dir, path string, blob []byte) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(dir, "snapshot-*.tmp")
	if err != nil {
		return
	}
	sum := sha256.Sum256(blob)
	_, err = tmp.Write(append(append([]byte(snapMagic), sum[:]...), blob...))
	if cerr := tmp.Close(); err == nil && cerr == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return
	}
	// Snapshots of older bootstraps are dead weight: remove those unused for a day.
	old, _ := filepath.Glob(filepath.Join(dir, "snapshot-*.bin"))
	for _, p := range old {
		if st, err := os.Stat(p); err == nil && p != path && time.Since(st.ModTime()) > 24*time.Hour {
			os.Remove(p)
		}
	}
}
