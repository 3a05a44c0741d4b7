package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/edged-dev/edged/internal/prebind"
	"github.com/edged-dev/edged/runtime/v8"
)

var edgedBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "edged-cli")
	if err != nil {
		panic(err)
	}
	edgedBin = filepath.Join(dir, "edged")
	if out, err := exec.Command("go", "build", "-o", edgedBin, ".").CombinedOutput(); err != nil {
		panic("building edged: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func writeWorker(t *testing.T, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "worker.js")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestVersion(t *testing.T) {
	for _, arg := range []string{"version", "--version"} {
		out, err := exec.Command(edgedBin, arg).CombinedOutput()
		if err != nil || !strings.HasPrefix(string(out), "edged ") || !strings.Contains(string(out), "V8 10.2") {
			t.Errorf("edged %s: got %q, %v", arg, out, err)
		}
	}
}

func TestServeLoadErrors(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"syntax", "export default {\n  fetch() { return new Response('x' }\n};\n", "worker.js:2"},
		{"throw", "\n\nthrow new Error('top-level failure');\nexport default {};\n", "top-level failure"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(edgedBin, "serve", writeWorker(t, c.src), "--port", strconv.Itoa(freePort(t)))
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("edged exited 0; want a failure (output %q)", out)
			}
			if !strings.Contains(string(out), c.want) {
				t.Errorf("got %q, want it to mention %q", out, c.want)
			}
		})
	}
}

// edged serve prints its URL once loaded, serves module and service-worker scripts
// with --var bindings, and drains on SIGTERM.
func TestServeEndToEnd(t *testing.T) {
	cases := []struct{ name, src string }{
		{"module", `export default { async fetch(req, env) { return new Response(env.WHO + " " + new URL(req.url).pathname); } };`},
		{"service-worker", `addEventListener("fetch", (e) => e.respondWith(new Response(WHO_FALLBACK() + " " + new URL(e.request.url).pathname)));
function WHO_FALLBACK() { return "world"; }`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			port := freePort(t)
			cmd := exec.Command(edgedBin, "serve", writeWorker(t, c.src), "--port", strconv.Itoa(port), "--var", "WHO=world")
			stdout, _ := cmd.StdoutPipe()
			cmd.Stderr = os.Stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			lines := bufio.NewScanner(stdout)
			found := make(chan string, 1)
			go func() {
				for lines.Scan() {
					if strings.Contains(lines.Text(), "http://127.0.0.1:"+strconv.Itoa(port)) {
						found <- lines.Text()
					}
				}
				close(found)
			}()
			select {
			case _, ok := <-found:
				if !ok {
					t.Fatal("edged exited without printing its URL")
				}
			case <-time.After(20 * time.Second):
				t.Fatal("edged did not print its URL within 20 s")
			}
			resp, err := http.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/hi")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != "world /hi" {
				t.Errorf("got %q, want %q", body, "world /hi")
			}
			cmd.Process.Signal(syscall.SIGTERM)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("edged exited with %v after SIGTERM, want 0", err)
				}
			case <-time.After(15 * time.Second):
				t.Fatal("edged did not exit within 15 s of SIGTERM")
			}
		})
	}
}

// The edged binary exports no name of libnode's that scripts/deps.sh rewrote to bind
// to libnode itself (see internal/prebind).
func TestEdgedInterposesNoLibnodeSymbol(t *testing.T) {
	lib := v8.LibraryPath()
	if lib == "" {
		t.Fatal("libnode not found in /proc/self/maps")
	}
	names, err := prebind.Interposed(edgedBin, lib)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) > 0 {
		t.Errorf("edged exports %d names libnode defines: %v", len(names), names)
	}
}
