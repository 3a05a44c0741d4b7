package wpt

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The https ports of the fake hosts are served with a certificate the runner makes
// for web-platform.test and *.web-platform.test. The worker's fetch client verifies
// certificates against the system roots, so installTrust adds this certificate to
// them for the process: Go reads SSL_CERT_FILE when it first loads the system roots,
// and the runner sets it (to the bundle it would have read, plus this certificate)
// before any TLS connection is made. The system's certificate directories still load.

var (
	tlsOnce sync.Once
	tlsConf *tls.Config
	tlsPEM  []byte
)

// serverTLS returns the TLS configuration of the fake server (HTTP/1.1 only).
func serverTLS() *tls.Config {
	tlsOnce.Do(func() {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return
		}
		tmpl := &x509.Certificate{
			SerialNumber:          big.NewInt(time.Now().UnixNano()),
			Subject:               pkix.Name{CommonName: host, Organization: []string{"edged WPT runner"}},
			NotBefore:             time.Now().Add(-time.Hour),
			NotAfter:              time.Now().Add(30 * 24 * time.Hour),
			KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
			ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			BasicConstraintsValid: true,
			IsCA:                  true,
			DNSNames:              []string{host, "*." + host},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			return
		}
		tlsPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
		tlsConf = &tls.Config{
			Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
			NextProtos:   []string{"http/1.1"},
		}
	})
	return tlsConf
}

// defaultBundles are where Go looks for the system bundle on the common systems.
var defaultBundles = []string{
	"/etc/ssl/certs/ca-certificates.crt",
	"/etc/pki/tls/certs/ca-bundle.crt",
	"/etc/ssl/ca-bundle.pem",
	"/etc/pki/tls/cacert.pem",
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
	"/etc/ssl/cert.pem",
}

const rootsPrefix = "edged-wpt-roots-"

// removeStaleRoots deletes the root files of runner processes that have exited.
func removeStaleRoots() {
	files, _ := filepath.Glob(filepath.Join(os.TempDir(), rootsPrefix+"*.pem"))
	for _, f := range files {
		pid, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), rootsPrefix), ".pem"))
		if err != nil || pid == os.Getpid() {
			continue
		}
		if p, err := os.FindProcess(pid); err != nil || errors.Is(p.Signal(syscall.Signal(0)), os.ErrProcessDone) {
			os.Remove(f)
		}
	}
}

// installTrust makes this process trust the fake server's certificate.
func installTrust() {
	if serverTLS() == nil {
		return
	}
	var bundle []byte
	if f := os.Getenv("SSL_CERT_FILE"); f != "" {
		bundle, _ = os.ReadFile(f)
	} else {
		for _, f := range defaultBundles {
			if b, err := os.ReadFile(f); err == nil {
				bundle = b
				break
			}
		}
	}
	if len(bundle) > 0 && bundle[len(bundle)-1] != '\n' {
		bundle = append(bundle, '\n')
	}
	removeStaleRoots()
	p := filepath.Join(os.TempDir(), rootsPrefix+strconv.Itoa(os.Getpid())+".pem")
	if err := os.WriteFile(p, append(bundle, tlsPEM...), 0o644); err != nil {
		return
	}
	os.Setenv("SSL_CERT_FILE", p)
}
