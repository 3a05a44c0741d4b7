// Package egress guards a worker's outbound connections against server-side request
// forgery: a Policy refuses to connect to loopback, link-local, private, unspecified
// and other non-public addresses unless the worker's config allows them.
//
// The check runs in net.Dialer.Control, after name resolution and just before the
// socket connects, so it sees the address actually dialled: a host name that
// resolves (or re-resolves, DNS rebinding) to 127.0.0.1 is refused as surely as the
// literal address. Every outbound connection a worker makes — the fetch() op, and
// any later socket API — must be dialled through Policy.Dialer, Policy.DialContext
// or Policy.Transport; never through http.DefaultTransport or a bare net.Dialer.
package egress

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// Class is the kind of a non-public address.
type Class string

const (
	Public      Class = ""
	Loopback    Class = "loopback"    // 127.0.0.0/8, ::1
	LinkLocal   Class = "link-local"  // 169.254.0.0/16 (cloud metadata), fe80::/10
	Private     Class = "private"     // 10/8, 172.16/12, 192.168/16, fc00::/7, 100.64/10 (CGNAT)
	Unspecified Class = "unspecified" // 0.0.0.0/8, ::
	Multicast   Class = "multicast"   // 224/4, ff00::/8, 255.255.255.255
	Reserved    Class = "reserved"    // documentation, benchmarking, 240/4 and other special-purpose ranges
)

// Policy decides which addresses a worker may connect to. The zero Policy refuses
// every non-public address. A Policy is immutable once in use and safe for
// concurrent use.
type Policy struct {
	// AllowClasses lets through addresses of these classes (e.g. Private for a worker
	// that talks to services on the operator's network).
	AllowClasses []Class
	// Allow lets through addresses in these prefixes whatever their class; it is
	// checked before Deny.
	Allow []netip.Prefix
	// Deny refuses addresses in these prefixes even when they are public.
	Deny []netip.Prefix
	// Ports, when not empty, are the only destination ports allowed.
	Ports []uint16
}

// BlockedError is the error for a refused destination.
type BlockedError struct {
	Addr  netip.AddrPort
	Class Class // empty when refused by Deny or Ports
}

func (e *BlockedError) Error() string {
	if e.Class != Public {
		return fmt.Sprintf("egress: connection to %s refused: %s address", e.Addr, e.Class)
	}
	return fmt.Sprintf("egress: connection to %s refused by the worker's egress policy", e.Addr)
}

// ErrBlocked matches every *BlockedError with errors.Is.
var ErrBlocked = errors.New("egress: destination refused")

// Is makes errors.Is(err, ErrBlocked) true for a *BlockedError.
func (e *BlockedError) Is(target error) bool { return target == ErrBlocked }

// special lists the ranges that are not public, most specific first where they overlap.
var special = []struct {
	p netip.Prefix
	c Class
}{
	{netip.MustParsePrefix("0.0.0.0/8"), Unspecified},
	{netip.MustParsePrefix("10.0.0.0/8"), Private},
	{netip.MustParsePrefix("100.64.0.0/10"), Private}, // carrier-grade NAT
	{netip.MustParsePrefix("127.0.0.0/8"), Loopback},
	{netip.MustParsePrefix("169.254.0.0/16"), LinkLocal},
	{netip.MustParsePrefix("172.16.0.0/12"), Private},
	{netip.MustParsePrefix("192.0.0.0/24"), Reserved}, // IETF protocol assignments
	{netip.MustParsePrefix("192.0.2.0/24"), Reserved}, // TEST-NET-1
	{netip.MustParsePrefix("192.88.99.0/24"), Reserved},
	{netip.MustParsePrefix("192.168.0.0/16"), Private},
	{netip.MustParsePrefix("198.18.0.0/15"), Reserved}, // benchmarking
	{netip.MustParsePrefix("198.51.100.0/24"), Reserved},
	{netip.MustParsePrefix("203.0.113.0/24"), Reserved},
	{netip.MustParsePrefix("224.0.0.0/4"), Multicast},
	{netip.MustParsePrefix("255.255.255.255/32"), Multicast}, // limited broadcast
	{netip.MustParsePrefix("240.0.0.0/4"), Reserved},
	{netip.MustParsePrefix("::/128"), Unspecified},
	{netip.MustParsePrefix("::1/128"), Loopback},
	{netip.MustParsePrefix("100::/64"), Reserved},      // discard-only
	{netip.MustParsePrefix("2001:db8::/32"), Reserved}, // documentation
	{netip.MustParsePrefix("fc00::/7"), Private},       // unique local
	{netip.MustParsePrefix("fe80::/10"), LinkLocal},
	{netip.MustParsePrefix("fec0::/10"), Private}, // deprecated site-local
	{netip.MustParsePrefix("ff00::/8"), Multicast},
}

// Translation prefixes that carry an IPv4 address inside an IPv6 one: the embedded
// address is classified instead, so ::ffff:127.0.0.1 or 64:ff9b::a00:1 cannot
// smuggle a loopback or private destination past the guard.
var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	nat64Loc  = netip.MustParsePrefix("64:ff9b:1::/48")
	sixToFour = netip.MustParsePrefix("2002::/16")
	teredo    = netip.MustParsePrefix("2001::/32")
	compat4   = netip.MustParsePrefix("::/96") // deprecated IPv4-compatible addresses
)

// Classify returns the class of a: Public, or why it is not.
func Classify(a netip.Addr) Class {
	a = a.Unmap().WithZone("")
	if a.Is6() {
		if v4, ok := embeddedV4(a); ok {
			if c := Classify(v4); c != Public {
				return c
			}
		}
	}
	for _, s := range special {
		if s.p.Contains(a) {
			return s.c
		}
	}
	if !a.IsValid() {
		return Reserved
	}
	return Public
}

func embeddedV4(a netip.Addr) (netip.Addr, bool) {
	b := a.As16()
	switch {
	case nat64.Contains(a), compat4.Contains(a) && a != netip.IPv6Unspecified() && a != netip.IPv6Loopback():
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), true
	case nat64Loc.Contains(a):
		// RFC 6052 with a /48 prefix: the IPv4 address sits in bytes 6-8 and 10.
		return netip.AddrFrom4([4]byte{b[6], b[7], b[9], b[10]}), true
	case sixToFour.Contains(a):
		return netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}), true
	case teredo.Contains(a):
		// The client's address is stored inverted in the last four bytes.
		return netip.AddrFrom4([4]byte{^b[12], ^b[13], ^b[14], ^b[15]}), true
	}
	return netip.Addr{}, false
}

// Check reports whether p lets a connection to ap through; the error is a *BlockedError.
func (p *Policy) Check(ap netip.AddrPort) error {
	a := ap.Addr().Unmap().WithZone("")
	if len(p.Ports) > 0 && !containsPort(p.Ports, ap.Port()) {
		return &BlockedError{Addr: ap}
	}
	for _, pre := range p.Allow {
		if pre.Contains(a) {
			return nil
		}
	}
	for _, pre := range p.Deny {
		if pre.Contains(a) {
			return &BlockedError{Addr: ap}
		}
	}
	c := Classify(a)
	if c == Public {
		return nil
	}
	for _, ok := range p.AllowClasses {
		if ok == c {
			return nil
		}
	}
	return &BlockedError{Addr: ap, Class: c}
}

func containsPort(ports []uint16, port uint16) bool {
	for _, x := range ports {
		if x == port {
			return true
		}
	}
	return false
}

// Control is a net.Dialer.Control function that enforces p on the resolved address.
func (p *Policy) Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		// Dialer.Control always gets a numeric host:port for TCP and UDP; anything
		// else (a Unix socket path) is not an address a worker may reach.
		return fmt.Errorf("egress: refusing to dial %s %q: not an IP address", network, address)
	}
	return p.Check(ap)
}

// Dialer returns a copy of base (nil: a dialer with a 10 s timeout) whose connections
// pass through p. A Control function already set on base runs after p's check.
func (p *Policy) Dialer(base *net.Dialer) *net.Dialer {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if base != nil {
		c := *base
		d = &c
	}
	inner := d.Control
	d.ControlContext = nil
	d.Control = func(network, address string, c syscall.RawConn) error {
		if err := p.Control(network, address, c); err != nil {
			return err
		}
		if inner != nil {
			return inner(network, address, c)
		}
		return nil
	}
	return d
}

// DialContext dials through p with a default dialer; it fits http.Transport.DialContext.
func (p *Policy) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	return p.Dialer(nil).DialContext(ctx, network, address)
}

// Transport returns an HTTP transport for a worker's subrequests: every connection
// goes through p, and environment proxies are ignored (a proxy on a private address
// would be a way around the guard).
func (p *Policy) Transport() *http.Transport {
	return &http.Transport{
		Proxy:                 nil,
		DialContext:           p.Dialer(nil).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}
