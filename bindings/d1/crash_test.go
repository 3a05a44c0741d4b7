package d1

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

const crashEnv = "EDGED_D1_CRASH_CHILD"

// TestCrashSafety kills a writer process with SIGKILL in the middle of a
// stream of writes and checks that every write it acknowledged survived and
// that the file is intact.
func TestCrashSafety(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		crashChild(path)
		return
	}
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	path := filepath.Join(t.TempDir(), "crash.sqlite")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashSafety$")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := make(map[int64]bool)
	sc := bufio.NewScanner(out)
	deadline := time.Now().Add(5 * time.Second)
	for sc.Scan() {
		id, err := strconv.ParseInt(sc.Text(), 10, 64)
		if err != nil {
			continue
		}
		acked[id] = true
		if len(acked) >= 2000 || time.Now().After(deadline) {
			break
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	for sc.Scan() { // acknowledgements written before the kill landed
		if id, err := strconv.ParseInt(sc.Text(), 10, 64); err == nil {
			acked[id] = true
		}
	}
	cmd.Wait()
	if len(acked) < 50 {
		t.Fatalf("child acknowledged only %d writes", len(acked))
	}

	db, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := mustQuery(t, db, "PRAGMA integrity_check").Values[0].S; got != "ok" {
		t.Fatalf("integrity_check: got %q, want ok", got)
	}
	r := mustQuery(t, db, "SELECT id FROM t")
	have := make(map[int64]bool, len(r.Values))
	for _, v := range r.Values {
		have[v.I] = true
	}
	missing := 0
	for id := range acked {
		if !have[id] {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged writes lost", missing, len(acked))
	}
	t.Logf("%d acknowledged, %d rows present", len(acked), len(have))
}

// crashChild writes rows from several goroutines, single statements and
// batches, printing each id once its write returned; it runs until killed.
func crashChild(path string) {
	db, err := Open(path, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if _, err := db.ExecScript(ctx, "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, pad BLOB); CREATE INDEX IF NOT EXISTS tp ON t(pad);"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var mu sync.Mutex
	ack := func(ids ...int64) {
		mu.Lock()
		for _, id := range ids {
			fmt.Fprintln(os.Stdout, id)
		}
		mu.Unlock()
	}
	pad := make([]byte, 2048)
	for g := int64(0); g < 4; g++ {
		go func(g int64) {
			for i := int64(0); ; i++ {
				id := g*1_000_000_000 + i*2
				if g%2 == 0 {
					if _, err := db.Exec(ctx, Statement{SQL: "INSERT INTO t VALUES (?, ?)", Params: []Value{Int(id), Bytes(pad)}}); err != nil {
						fmt.Fprintln(os.Stderr, err)
						os.Exit(2)
					}
					ack(id)
				} else {
					_, err := db.Batch(ctx, []Statement{
						{SQL: "INSERT INTO t VALUES (?, ?)", Params: []Value{Int(id), Bytes(pad)}},
						{SQL: "INSERT INTO t VALUES (?, ?)", Params: []Value{Int(id + 1), Bytes(pad)}},
					})
					if err != nil {
						fmt.Fprintln(os.Stderr, err)
						os.Exit(2)
					}
					ack(id, id+1)
				}
			}
		}(g)
	}
	select {}
}
