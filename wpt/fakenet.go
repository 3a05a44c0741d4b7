package wpt

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"
)

// The tests fetch URLs on web-platform.test, its subdomains (www, www1, 天気の良い日,
// ...) and wptserve's ports, and see those URLs in response.url, Location headers
// and test names, so the runner keeps them and makes them reachable instead:
//
//   - the process's resolver (net.DefaultResolver, which the worker's fetch client
//     uses) answers the names under web-platform.test with fakeIP itself; other names
//     go to the real DNS server as before;
//   - each test's worker gets a fetch dial Control (fetch.Configure) that connects a
//     socket headed for fakeIP to that test's own listener instead (dialTo, per
//     platform), whatever port the URL named.
//
// Nothing else in the process dials fakeIP, and a worker of another test connects
// to its own listener, so tests running at once do not see each other's requests.

// fakeIP is the address the fake hosts resolve to: a loopback address nothing
// listens on, so a connection that was not redirected fails instead of reaching
// something else.
var fakeIP = net.IPv4(127, 0, 87, 1).To4()

// servedPort says whether the runner serves a port of the fake hosts: wptserve's
// HTTP/1.1 ones, plain and over TLS. The others (h2, ws, wss) fail to connect,
// saying so.
func servedPort(port string) error {
	switch port {
	case subValues["ports[http][0]"], subValues["ports[http][1]"]:
		return nil
	case subValues["ports[https][0]"], subValues["ports[https][1]"]:
		if serverTLS() != nil {
			return nil
		}
	}
	kind := "another port"
	for k, v := range subValues {
		if v == port && strings.HasPrefix(k, "ports[") {
			kind = strings.TrimPrefix(k[:strings.Index(k, "]")], "ports[")
		}
	}
	return fmt.Errorf("wpt: port %s (%s) needs the WPT server, which this runner does not run", port, kind)
}

var installOnce sync.Once

// installResolver makes the names under web-platform.test resolve to fakeIP in this
// process, and makes it trust the fake server's certificate (faketls.go).
func installResolver() {
	installOnce.Do(func() {
		net.DefaultResolver = &net.Resolver{PreferGo: true, Dial: dialDNS}
		installTrust()
	})
}

// isFakeHost reports whether name (no trailing dot) is a host of the fake server.
func isFakeHost(name string) bool {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	return name == host || strings.HasSuffix(name, "."+host)
}

// dialDNS is the resolver's Dial: the returned connection answers the queries for
// fake hosts itself and forwards the others to the real server at address.
func dialDNS(ctx context.Context, network, address string) (net.Conn, error) {
	client, srv := net.Pipe()
	go serveDNS(srv, network, address)
	return client, nil
}

// serveDNS speaks DNS over TCP framing (a net.Pipe is not a PacketConn, so Go's
// resolver prefixes each message with its length).
func serveDNS(c net.Conn, network, address string) {
	defer c.Close()
	for {
		var l [2]byte
		if _, err := io.ReadFull(c, l[:]); err != nil {
			return
		}
		q := make([]byte, binary.BigEndian.Uint16(l[:]))
		if _, err := io.ReadFull(c, q); err != nil {
			return
		}
		r := answerDNS(q)
		if r == nil {
			r = forwardDNS(q, network, address)
		}
		if r == nil {
			return
		}
		out := binary.BigEndian.AppendUint16(make([]byte, 0, 2+len(r)), uint16(len(r)))
		if _, err := c.Write(append(out, r...)); err != nil {
			return
		}
	}
}

// answerDNS answers a query for a fake host (A: fakeIP; other types: no records),
// or returns nil for any other query.
func answerDNS(q []byte) []byte {
	if len(q) < 12 || binary.BigEndian.Uint16(q[4:]) != 1 {
		return nil
	}
	i := 12
	var labels []string
	for {
		if i >= len(q) {
			return nil
		}
		n := int(q[i])
		if n == 0 {
			i++
			break
		}
		if n&0xc0 != 0 || i+1+n > len(q) {
			return nil
		}
		labels = append(labels, string(q[i+1:i+1+n]))
		i += 1 + n
	}
	if i+4 > len(q) || !isFakeHost(strings.Join(labels, ".")) {
		return nil
	}
	qtype := binary.BigEndian.Uint16(q[i:])
	question := q[12 : i+4]
	// Header: the query's id; QR, the query's RD, RA; one question.
	r := []byte{q[0], q[1], 0x80 | q[2]&0x01, 0x80, 0, 1, 0, 0, 0, 0, 0, 0}
	r = append(r, question...)
	if qtype == 1 { // A
		r[7] = 1
		r = append(r, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4)
		r = append(r, fakeIP...)
	}
	return r
}

// forwardDNS asks the real server.
func forwardDNS(q []byte, network, address string) []byte {
	c, err := net.DialTimeout(network, address, 5*time.Second)
	if err != nil {
		return nil
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, ok := c.(net.PacketConn); ok {
		if _, err := c.Write(q); err != nil {
			return nil
		}
		buf := make([]byte, 65535)
		n, err := c.Read(buf)
		if err != nil {
			return nil
		}
		return buf[:n]
	}
	if _, err := c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(q))), q...)); err != nil {
		return nil
	}
	var l [2]byte
	if _, err := io.ReadFull(c, l[:]); err != nil {
		return nil
	}
	buf := make([]byte, binary.BigEndian.Uint16(l[:]))
	if _, err := io.ReadFull(c, buf); err != nil {
		return nil
	}
	return buf
}
