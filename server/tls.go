package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"strings"
	"time"

	"github.com/edged-dev/edged/config"
)

// certSet picks a certificate by SNI: an exact name, then a wildcard one label up,
// then the default (a [[server.tls]] entry without server_names, or the dev
// certificate), then the first certificate configured.
type certSet struct {
	exact    map[string]*tls.Certificate
	wildcard map[string]*tls.Certificate // "example.com" for *.example.com
	def      *tls.Certificate
	first    *tls.Certificate
}

func newCertSet(certs []config.TLSCert, fallback *tls.Certificate) *certSet {
	s := &certSet{exact: map[string]*tls.Certificate{}, wildcard: map[string]*tls.Certificate{}}
	for i := range certs {
		c := &certs[i].Certificate
		if s.first == nil {
			s.first = c
		}
		if len(certs[i].ServerNames) == 0 {
			s.def = c
		}
		for _, n := range certs[i].ServerNames {
			if suffix, ok := strings.CutPrefix(n, "*."); ok {
				s.wildcard[suffix] = c
			} else {
				s.exact[n] = c
			}
		}
	}
	if s.def == nil {
		s.def = fallback
	}
	if s.def == nil {
		s.def = s.first
	}
	return s
}

func (s *certSet) get(name string) *tls.Certificate {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if c := s.exact[name]; c != nil {
		return c
	}
	if _, rest, ok := strings.Cut(name, "."); ok {
		if c := s.wildcard[rest]; c != nil {
			return c
		}
	}
	return s.def
}

func (s *certSet) empty() bool { return s.def == nil }

var errNoCertificate = errors.New("edged: no certificate for this server name")

// tlsConfig is the TLS configuration of every TLS listener (TCP and QUIC): the
// certificate follows the current generation, so a reload can change certificates,
// and the handshake starts warming the workers of the SNI host.
func (h *Host) tlsConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
			g := h.gen.Load()
			if hello.ServerName != "" {
				g.warm(hello.ServerName)
			}
			if c := g.certs.get(hello.ServerName); c != nil {
				return c, nil
			}
			return nil, errNoCertificate
		},
	}
}

// warmer is a worker that can start an isolate ahead of a request.
type warmer interface{ Warm() }

// warm starts loading the workers routed for host, without waiting.
func (g *generation) warm(host string) {
	for _, rt := range g.cfg.Routes {
		p := rt.Pattern
		if !p.Match(host, p.Path) {
			continue
		}
		if d := g.workers[rt.Worker]; d != nil {
			if w, ok := d.w.(warmer); ok {
				w.Warm()
			}
		}
	}
}

// DevCertificate makes a self-signed certificate, in memory, for localhost,
// 127.0.0.1, ::1 and the given extra host names or addresses. It is its own
// issuer, so a test client can trust it by adding cert.Leaf to its roots.
func DevCertificate(hosts ...string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"edged development"}, CommonName: "edged dev certificate"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(30 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	for _, h := range hosts {
		if h == "" {
			continue
		}
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}
