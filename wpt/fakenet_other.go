//go:build !unix

package wpt

import (
	"errors"
	"net"
	"syscall"
)

// dialTo is only done on unix: elsewhere the tests' fake hosts are unreachable.
func dialTo(port int) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, c syscall.RawConn) error {
		h, p, _ := net.SplitHostPort(address)
		if ip := net.ParseIP(h); ip != nil && ip.Equal(fakeIP) {
			if err := servedPort(p); err != nil {
				return err
			}
			return errors.New("wpt: the runner's stand-in for the WPT server is only reachable on unix")
		}
		return nil
	}
}
