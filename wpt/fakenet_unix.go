//go:build unix

package wpt

import (
	"fmt"
	"net"
	"syscall"
)

// dialTo returns a fetch dial Control that connects the sockets headed for fakeIP
// to 127.0.0.1:port instead. It runs before Go connects the socket: Go's own
// connect then finds it connecting or connected (EALREADY, EISCONN), waits for it,
// and uses it. Other addresses are left alone.
func dialTo(port int) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, c syscall.RawConn) error {
		h, p, err := net.SplitHostPort(address)
		if err != nil {
			return nil
		}
		ip := net.ParseIP(h)
		if ip == nil || !ip.Equal(fakeIP) {
			return nil
		}
		if err := servedPort(p); err != nil {
			return err
		}
		if network != "tcp4" && network != "tcp" {
			return fmt.Errorf("wpt: %s to the fake server is not supported", network)
		}
		var cerr error
		if err := c.Control(func(fd uintptr) {
			cerr = syscall.Connect(int(fd), &syscall.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}})
		}); err != nil {
			return err
		}
		if cerr != nil && cerr != syscall.EINPROGRESS {
			return fmt.Errorf("wpt: connecting to the test's server: %w", cerr)
		}
		return nil
	}
}
