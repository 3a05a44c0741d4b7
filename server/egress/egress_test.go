package egress

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"syscall"
	"testing"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		addr string
		want Class
	}{
		{"1.1.1.1", Public},
		{"8.8.8.8", Public},
		{"2606:4700:4700::1111", Public},
		{"127.0.0.1", Loopback},
		{"127.255.255.254", Loopback},
		{"::1", Loopback},
		{"::ffff:127.0.0.1", Loopback},
		{"169.254.169.254", LinkLocal}, // cloud metadata
		{"fe80::1", LinkLocal},
		{"fe80::1%eth0", LinkLocal},
		{"10.1.2.3", Private},
		{"172.16.0.1", Private},
		{"172.31.255.255", Private},
		{"172.32.0.1", Public},
		{"192.168.1.1", Private},
		{"100.64.0.1", Private},
		{"fd00::1", Private},
		{"0.0.0.0", Unspecified},
		{"0.1.2.3", Unspecified},
		{"::", Unspecified},
		{"224.0.0.1", Multicast},
		{"255.255.255.255", Multicast},
		{"ff02::1", Multicast},
		{"192.0.2.1", Reserved},
		{"198.18.0.1", Reserved},
		{"240.0.0.1", Reserved},
		{"2001:db8::1", Reserved},
		// IPv4 inside IPv6 is judged by the IPv4 address.
		{"64:ff9b::7f00:1", Loopback},                      // NAT64 of 127.0.0.1
		{"64:ff9b::a00:1", Private},                        // NAT64 of 10.0.0.1
		{"64:ff9b::808:808", Public},                       // NAT64 of 8.8.8.8
		{"2002:a9fe:a9fe::1", LinkLocal},                   // 6to4 of 169.254.169.254
		{"2002:c0a8:101::", Private},                       // 6to4 of 192.168.1.1
		{"::a00:1", Private},                               // IPv4-compatible 10.0.0.1
		{"2001:0:4136:e378:8000:63bf:80ff:fffe", Loopback}, // Teredo, client 127.0.0.1
	}
	for _, c := range cases {
		a, err := netip.ParseAddr(c.addr)
		if err != nil {
			t.Fatalf("%s: %v", c.addr, err)
		}
		if got := Classify(a); got != c.want {
			t.Errorf("Classify(%s) = %q, want %q", c.addr, got, c.want)
		}
	}
}

func TestCheck(t *testing.T) {
	ap := func(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }
	cases := []struct {
		name   string
		p      Policy
		addr   string
		ok     bool
		substr string
	}{
		{"public", Policy{}, "1.1.1.1:443", true, ""},
		{"loopback refused", Policy{}, "127.0.0.1:80", false, "loopback address"},
		{"metadata refused", Policy{}, "169.254.169.254:80", false, "link-local"},
		{"private refused", Policy{}, "[fd12::1]:80", false, "private"},
		{"private allowed by class", Policy{AllowClasses: []Class{Private}}, "10.0.0.5:80", true, ""},
		{"class allow is narrow", Policy{AllowClasses: []Class{Private}}, "127.0.0.1:80", false, "loopback"},
		{"allow prefix", Policy{Allow: []netip.Prefix{netip.MustParsePrefix("10.9.0.0/16")}}, "10.9.3.4:5432", true, ""},
		{"allow prefix is narrow", Policy{Allow: []netip.Prefix{netip.MustParsePrefix("10.9.0.0/16")}}, "10.8.3.4:5432", false, "private"},
		{"deny public", Policy{Deny: []netip.Prefix{netip.MustParsePrefix("1.1.1.0/24")}}, "1.1.1.1:443", false, "egress policy"},
		{"allow beats deny", Policy{Allow: []netip.Prefix{netip.MustParsePrefix("1.1.1.1/32")}, Deny: []netip.Prefix{netip.MustParsePrefix("1.1.1.0/24")}}, "1.1.1.1:443", true, ""},
		{"ports", Policy{Ports: []uint16{80, 443}}, "1.1.1.1:22", false, "egress policy"},
		{"ports ok", Policy{Ports: []uint16{80, 443}}, "1.1.1.1:443", true, ""},
		{"mapped loopback", Policy{}, "[::ffff:127.0.0.1]:80", false, "loopback"},
		{"allow prefix for mapped", Policy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}, "[::ffff:127.0.0.1]:80", true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.p.Check(ap(c.addr))
			if c.ok {
				if err != nil {
					t.Fatalf("got %v, want allowed", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("got allowed, want refused")
			}
			if !errors.Is(err, ErrBlocked) {
				t.Errorf("errors.Is(%v, ErrBlocked) = false", err)
			}
			if !strings.Contains(err.Error(), c.substr) {
				t.Errorf("got %q, want it to mention %q", err, c.substr)
			}
		})
	}
}

func TestControlRejectsNonIP(t *testing.T) {
	var p Policy
	if err := p.Control("unix", "/run/docker.sock", nil); err == nil {
		t.Fatal("a Unix socket path was allowed")
	}
}

// A real dial to a listener on loopback is refused before the connection is made,
// also when the address is reached through a name (localhost).
func TestDialRefusesLoopback(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{}, 1)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- struct{}{}
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	var p Policy
	for _, addr := range []string{ln.Addr().String(), net.JoinHostPort("localhost", port)} {
		_, err := p.DialContext(context.Background(), "tcp", addr)
		if !errors.Is(err, ErrBlocked) {
			t.Errorf("dial %s: got %v, want ErrBlocked", addr, err)
		}
	}
	select {
	case <-accepted:
		t.Fatal("the listener accepted a connection the policy refused")
	default:
	}
	allow := Policy{AllowClasses: []Class{Loopback}}
	c, err := allow.DialContext(context.Background(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("dial with loopback allowed: %v", err)
	}
	c.Close()
}

// The transport refuses a subrequest to a private server and ignores proxy settings.
func TestTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "secret") }))
	defer srv.Close()
	t.Setenv("HTTP_PROXY", "http://127.0.0.1:1")
	var p Policy
	client := &http.Client{Transport: p.Transport()}
	_, err := client.Get(srv.URL)
	if !errors.Is(err, ErrBlocked) {
		t.Fatalf("got %v, want ErrBlocked", err)
	}
	allow := Policy{AllowClasses: []Class{Loopback}}
	resp, err := (&http.Client{Transport: allow.Transport()}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "secret" {
		t.Fatalf("got %q", b)
	}
}

// The Control of a base dialer still runs, after the policy.
func TestDialerKeepsBaseControl(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var saw string
	base := &net.Dialer{Control: func(network, address string, c syscall.RawConn) error { saw = address; return nil }}
	p := Policy{AllowClasses: []Class{Loopback}}
	c, err := p.Dialer(base).Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if saw != ln.Addr().String() {
		t.Fatalf("base Control saw %q, want %q", saw, ln.Addr())
	}
	saw = ""
	var strict Policy
	if _, err := strict.Dialer(base).Dial("tcp", ln.Addr().String()); !errors.Is(err, ErrBlocked) {
		t.Fatalf("got %v, want ErrBlocked", err)
	}
	if saw != "" {
		t.Fatal("base Control ran for a refused address")
	}
}

func FuzzClassify(f *testing.F) {
	f.Add([]byte{127, 0, 0, 1})
	f.Add(netip.MustParseAddr("64:ff9b::7f00:1").AsSlice())
	f.Fuzz(func(t *testing.T, b []byte) {
		a, ok := netip.AddrFromSlice(b)
		if !ok {
			return
		}
		c := Classify(a)
		// Anything that net.IP calls loopback, private, link-local or unspecified
		// must never be public.
		ip := net.IP(a.AsSlice())
		if c == Public && (ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() || ip.IsMulticast()) {
			t.Fatalf("Classify(%s) = public", a)
		}
	})
}

func BenchmarkCheck(b *testing.B) {
	var p Policy
	ap := netip.MustParseAddrPort("[2606:4700::1111]:443")
	b.ReportAllocs()
	for b.Loop() {
		if p.Check(ap) != nil {
			b.Fatal("refused")
		}
	}
}
