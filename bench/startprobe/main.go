// Command startprobe measures how long a server takes from exec to its first
// successful response: it starts the command, tries a TCP connection every 250 µs
// and sends one HTTP/1.1 GET as soon as one is accepted, until a 200 comes back.
// Each connection attempt is a single syscall, so the probe itself takes little
// of the CPU the starting server needs (a curl loop costs a fork per attempt).
//
//	startprobe -n 7 -addr 127.0.0.1:8787 -path / -- edged serve worker.js --port 8787
//
// It prints the median in milliseconds on stdout and every sample on stderr.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"time"
)

func main() {
	n := flag.Int("n", 7, "starts to measure")
	addr := flag.String("addr", "127.0.0.1:8787", "address the server listens on")
	path := flag.String("path", "/", "path to request")
	host := flag.String("host", "localhost", "Host header")
	logPath := flag.String("log", "", "file for the server's output (default: discarded)")
	timeout := flag.Duration("timeout", 10*time.Second, "give up on a start after this long")
	flag.Parse()
	if flag.NArg() == 0 || *n < 1 {
		fmt.Fprintln(os.Stderr, "usage: startprobe [flags] -- command [args...]")
		os.Exit(2)
	}
	var samples []float64
	for i := 0; i < *n; i++ {
		ms, err := once(flag.Args(), *addr, *path, *host, *logPath, *timeout)
		if err != nil {
			fmt.Fprintln(os.Stderr, "startprobe:", err)
			os.Exit(1)
		}
		samples = append(samples, ms)
		time.Sleep(200 * time.Millisecond) // let the previous server's exit settle
	}
	fmt.Fprintf(os.Stderr, "startprobe: %v ms\n", samples)
	sort.Float64s(samples)
	fmt.Printf("%.1f\n", samples[len(samples)/2])
}

func once(args []string, addr, path, host, logPath string, timeout time.Duration) (float64, error) {
	cmd := exec.Command(args[0], args[1:]...)
	if logPath != "" {
		f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		cmd.Stdout, cmd.Stderr = f, f
	}
	exited := make(chan error, 1)
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	}()
	for {
		if ok := get(addr, path, host); ok {
			return float64(time.Since(t0).Microseconds()) / 1000, nil
		}
		select {
		case err := <-exited:
			exited <- err
			return 0, fmt.Errorf("%s exited before answering: %v", args[0], err)
		default:
		}
		if time.Since(t0) > timeout {
			return 0, fmt.Errorf("%s did not answer 200 on %s%s within %v", args[0], addr, path, timeout)
		}
		time.Sleep(250 * time.Microsecond)
	}
}

// get reports whether one GET on a new connection answers 200.
func get(addr, path, host string) bool {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, host); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "HTTP/1.1 200 ")
}
