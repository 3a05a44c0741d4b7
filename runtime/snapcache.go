package runtime

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/edged-dev/edged/runtime/v8"
)

// The startup snapshot takes ~0.4 s to make (evaluating every binding's JS), which
// would dominate edged's start. It is cached on disk under a key naming everything
// that shapes it:
//   - the program: its Go build ID, which changes with any input of the build (the
//     bootstrap JS embedded in it, the op table, the glue). Computing it costs a
//     read of one ELF note, where hashing the bootstrap would cost ~10 ms of
//     assembling and hashing 0.7 MB at every start. A program without a build ID
//     falls back to a hash of the bootstrap source;
//   - V8's version, its flags (EDGED_V8_FLAGS) and the identity of the libnode file
//     V8 runs from.
//
// The file holds the bootstrap source the snapshot refers to (a shared snapshot
// keeps one copy of it for all isolates, see v8.NewSharedSnapshot) and the blob,
// with a CRC-32C of both checked before V8 sees them: V8 aborts the process on a
// damaged blob. (The CRC guards against truncated or damaged files, not against
// someone who can write to the user's cache directory.)
//
// EDGED_CACHE_DIR moves the cache (default: the user cache dir + "/edged");
// EDGED_SNAPSHOT_CACHE=off disables it.

const snapMagic = "EDGSNAP2"

// header: magic, CRC-32C of the rest, source length.
const snapHeader = len(snapMagic) + 4 + 8

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// snapshotSource says where the process's snapshot came from: "cache" or "made"
// (for tests and diagnostics).
var snapshotSource string

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
	path := v8.LibraryPath()
	if path == "" {
		return "unknown"
	}
	if st, err := os.Stat(path); err == nil {
		return fmt.Sprintf("%s:%d:%d", path, st.Size(), st.ModTime().UnixNano())
	}
	return path
}

// programBuildID reads the Go build ID of the running executable ("" when it has
// none).
func programBuildID() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := elf.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	s := f.Section(".note.go.buildid")
	if s == nil {
		return ""
	}
	b, err := s.Data()
	if err != nil || len(b) < 16 {
		return ""
	}
	// One ELF note: namesz, descsz, type, "Go\0\0", then the ID.
	namesz, descsz := binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:])
	off := 12 + (int(namesz)+3)&^3
	if namesz != 4 || string(b[12:14]) != "Go" || off+int(descsz) > len(b) || descsz == 0 {
		return ""
	}
	return string(b[off : off+int(descsz)])
}

// snapshotKey names the cache file for the given program identity (a build ID, or
// failing that the bootstrap source itself).
func snapshotKey(program string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00", snapMagic, v8.Version(), os.Getenv("EDGED_V8_FLAGS"), libnodeIdentity())
	h.Write([]byte(program))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// loadOrMakeSnapshot returns the cached snapshot for this program, or makes one from
// the compacted bootstrap and caches it. bootstrap(compact) is called only on a miss
// (compacted) or when the program has no build ID (raw, to key the cache by).
func loadOrMakeSnapshot(bootstrap func(compact bool) (string, error)) (*v8.Snapshot, error) {
	dir := snapshotCacheDir()
	var path string
	if dir != "" {
		id := programBuildID()
		if id == "" {
			raw, err := bootstrap(false)
			if err != nil {
				return nil, err
			}
			id = "bootstrap:" + raw
		}
		path = filepath.Join(dir, "snapshot-"+snapshotKey(id)+".bin")
		if b, err := mapFile(path); err == nil {
			if src, blob, ok := verifySnapshotFile(b); ok {
				snap, err := v8.SnapshotFromMemory(blob, src)
				if err != nil {
					return nil, err
				}
				now := time.Now()
				os.Chtimes(path, now, now) // in use: keep it
				snapshotSource = "cache"
				return snap, nil
			}
			syscall.Munmap(b)
			os.Remove(path) // damaged: make it again
		}
	}
	src, err := bootstrap(true)
	if err != nil {
		return nil, err
	}
	snap, err := v8.NewSharedSnapshot(src)
	if errors.Is(err, v8.ErrNotASCII) {
		snap, err = v8.NewSnapshot(src) // each isolate then holds its own copy
	}
	if err != nil {
		return nil, err
	}
	if path != "" {
		writeSnapshotFile(dir, path, snap.SharedSource(), snap.Bytes())
	}
	snapshotSource = "made"
	return snap, nil
}

// mapFile maps a cache file read-only for the life of the process: V8 reads the
// blob and the shared source from the page cache, with no copy. Cache files are
// replaced by rename and removed by unlink, neither of which disturbs a mapping.
func mapFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() <= 0 || st.Size() > 1<<30 {
		return nil, fmt.Errorf("runtime: %s: unlikely size %d for a snapshot", path, st.Size())
	}
	n := int(st.Size())
	if b, err := syscall.Mmap(int(f.Fd()), 0, n, syscall.PROT_READ, syscall.MAP_PRIVATE); err == nil {
		return b, nil
	}
	// A file system that cannot map files: read it instead.
	return readOutsideHeap(f, n)
}

// readOutsideHeap reads n bytes into anonymous memory: outside Go's heap, as
// v8.SnapshotFromMemory requires, and never freed.
func readOutsideHeap(r io.Reader, n int) ([]byte, error) {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return nil, err
	}
	if _, err := io.ReadFull(r, b); err != nil {
		syscall.Munmap(b)
		return nil, err
	}
	return b, nil
}

// verifySnapshotFile splits a cache file into the shared source (empty when the
// snapshot holds its own) and the blob, checking its magic and CRC.
func verifySnapshotFile(b []byte) (src, blob []byte, ok bool) {
	if len(b) < snapHeader || string(b[:len(snapMagic)]) != snapMagic {
		return nil, nil, false
	}
	sum := binary.LittleEndian.Uint32(b[len(snapMagic):])
	if crc32.Checksum(b[len(snapMagic)+4:], castagnoli) != sum {
		return nil, nil, false
	}
	n := binary.LittleEndian.Uint64(b[len(snapMagic)+4:])
	rest := b[snapHeader:]
	if n > uint64(len(rest)) || len(rest)-int(n) == 0 {
		return nil, nil, false
	}
	return rest[:n], rest[n:], true
}

func encodeSnapshotFile(src, blob []byte) []byte {
	b := make([]byte, snapHeader, snapHeader+len(src)+len(blob))
	copy(b, snapMagic)
	binary.LittleEndian.PutUint64(b[len(snapMagic)+4:], uint64(len(src)))
	b = append(append(b, src...), blob...)
	sealSnapshotFile(b)
	return b
}

// sealSnapshotFile sets the CRC of an encoded file.
func sealSnapshotFile(b []byte) {
	binary.LittleEndian.PutUint32(b[len(snapMagic):], crc32.Checksum(b[len(snapMagic)+4:], castagnoli))
}

// writeSnapshotFile writes atomically; failing to cache is not an error.
func writeSnapshotFile(dir, path string, src, blob []byte) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(dir, "snapshot-*.tmp")
	if err != nil {
		return
	}
	_, err = tmp.Write(encodeSnapshotFile(src, blob))
	if cerr := tmp.Close(); err == nil && cerr == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return
	}
	pruneSnapshots(dir, path)
}

// pruneSnapshots removes the snapshots of other builds unused for a day: every build
// of edged (and every test binary) has its own, so they would pile up.
func pruneSnapshots(dir, keep string) {
	old, _ := filepath.Glob(filepath.Join(dir, "snapshot-*.bin"))
	for _, p := range old {
		if st, err := os.Stat(p); err == nil && p != keep && time.Since(st.ModTime()) > 24*time.Hour {
			os.Remove(p)
		}
	}
}
