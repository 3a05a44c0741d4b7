package crypto

import (
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"math/big"

	"github.com/cloudflare/circl/sign/ed448"
)

// The CFRG curves: Ed25519 and X25519 on Go's standard library, Ed448 and X448 on
// circl (okp448.go). A private key is the 32-byte seed (Ed25519), 32-byte scalar
// (X25519), 57-byte seed (Ed448) or 56-byte scalar (X448); a public key is the
// curve's encoding of the point, of the same length.

// okpKeySize is the length of the algorithm's private and public keys.
func okpKeySize(alg string) int {
	switch alg {
	case "Ed448":
		return 57
	case "X448":
		return 56
	}
	return 32
}

func okpGenerate(alg string) (priv, pub []byte, err error) {
	switch alg {
	case "Ed25519":
		pk, sk, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, nil, err
		}
		return sk.Seed(), pk, nil
	case "X25519":
		k, err := ecdh.X25519().GenerateKey(rand.Reader)
		if err != nil {
			return nil, nil, err
		}
		return k.Bytes(), k.PublicKey().Bytes(), nil
	case "Ed448":
		return ed448Generate()
	case "X448":
		return x448Generate()
	}
	return nil, nil, notSupported("unsupported algorithm %q", alg)
}

// okpPublicOf derives the public key of a private key.
func okpPublicOf(alg string, priv []byte) ([]byte, error) {
	if size := okpKeySize(alg); len(priv) != size {
		return nil, dataError("%s private keys are %d bytes, not %d", alg, size, len(priv))
	}
	switch alg {
	case "Ed25519":
		return ed25519.NewKeyFromSeed(priv).Public().(ed25519.PublicKey), nil
	case "Ed448":
		return ed448Key(priv).Public().(ed448.PublicKey), nil
	case "X448":
		return x448Public(priv), nil
	}
	k, err := ecdh.X25519().NewPrivateKey(priv)
	if err != nil {
		return nil, dataError("not a valid X25519 private key")
	}
	return k.PublicKey().Bytes(), nil
}

// okpImport parses spki, pkcs8 or raw (public) data, or the JWK members x[, d].
func okpImport(alg, format string, data []byte, jwk [][]byte, private bool) ([]byte, error) {
	size := okpKeySize(alg)
	is448 := alg == "Ed448" || alg == "X448"
	switch format {
	case "raw":
		if len(data) != size {
			return nil, dataError("%s public keys are %d bytes, not %d", alg, size, len(data))
		}
		return append([]byte(nil), data...), nil
	case "spki":
		if is448 {
			return okp448ParseSPKI(alg, data)
		}
		k, err := x509.ParsePKIXPublicKey(data)
		if err != nil {
			return nil, dataError("not a valid SubjectPublicKeyInfo: %v", err)
		}
		switch k := k.(type) {
		case ed25519.PublicKey:
			if alg == "Ed25519" {
				return k, nil
			}
		case *ecdh.PublicKey:
			if alg == "X25519" && k.Curve() == ecdh.X25519() {
				return k.Bytes(), nil
			}
		}
		return nil, dataError("the SubjectPublicKeyInfo is not of an %s key", alg)
	case "pkcs8":
		if is448 {
			return okp448ParsePKCS8(alg, data)
		}
		k, err := x509.ParsePKCS8PrivateKey(data)
		if err != nil {
			return nil, dataError("not a valid PKCS #8 private key: %v", err)
		}
		switch k := k.(type) {
		case ed25519.PrivateKey:
			if alg == "Ed25519" {
				return k.Seed(), nil
			}
		case *ecdh.PrivateKey:
			if alg == "X25519" && k.Curve() == ecdh.X25519() {
				return k.Bytes(), nil
			}
		}
		return nil, dataError("the PKCS #8 key is not an %s key", alg)
	case "jwk":
		if len(jwk) < 1 || len(jwk[0]) != size {
			return nil, dataError("the JWK's x must be %d bytes", size)
		}
		if !private {
			return append([]byte(nil), jwk[0]...), nil
		}
		if len(jwk) < 2 || len(jwk[1]) != size {
			return nil, dataError("the JWK's d must be %d bytes", size)
		}
		pub, err := okpPublicOf(alg, jwk[1])
		if err != nil {
			return nil, err
		}
		if string(pub) != string(jwk[0]) {
			return nil, dataError("the JWK's d does not match its x")
		}
		return append([]byte(nil), jwk[1]...), nil
	}
	return nil, notSupported("unsupported key format %q for %s", format, alg)
}

// okpExport encodes a key as raw (public), spki, pkcs8 or the JWK members x[, d].
func okpExport(alg, format string, key []byte, private bool) ([][]byte, error) {
	pub := key
	if private {
		var err error
		if pub, err = okpPublicOf(alg, key); err != nil {
			return nil, err
		}
	}
	switch format {
	case "raw":
		return [][]byte{pub}, nil
	case "jwk":
		if private {
			return [][]byte{pub, key}, nil
		}
		return [][]byte{pub}, nil
	case "spki":
		if alg == "Ed448" || alg == "X448" {
			der, err := okp448MarshalSPKI(alg, pub)
			return [][]byte{der}, err
		}
		var k any = ed25519.PublicKey(pub)
		if alg == "X25519" {
			xk, err := ecdh.X25519().NewPublicKey(pub)
			if err != nil {
				return nil, err
			}
			k = xk
		}
		der, err := x509.MarshalPKIXPublicKey(k)
		return [][]byte{der}, err
	case "pkcs8":
		if alg == "Ed448" || alg == "X448" {
			der, err := okp448MarshalPKCS8(alg, key)
			return [][]byte{der}, err
		}
		var k any = ed25519.NewKeyFromSeed(key)
		if alg == "X25519" {
			xk, err := ecdh.X25519().NewPrivateKey(key)
			if err != nil {
				return nil, err
			}
			k = xk
		}
		der, err := x509.MarshalPKCS8PrivateKey(k)
		return [][]byte{der}, err
	}
	return nil, notSupported("unsupported key format %q for %s", format, alg)
}

func ed25519Sign(seed, data []byte) ([]byte, error) {
	if len(seed) != ed25519.SeedSize {
		return nil, dataError("Ed25519 private keys are 32 bytes")
	}
	k, _ := cachedKey(kindEd25519Private, seed, func(seed []byte) (ed25519.PrivateKey, error) {
		return ed25519.NewKeyFromSeed(seed), nil
	})
	return ed25519.Sign(k, data), nil
}

// ed25519Verify rejects, as the WebCrypto spec asks, a public key or an R that is
// a small-order point, before Go's (cofactorless) verification.
func ed25519Verify(pub, sig, data []byte) bool {
	if len(pub) != ed25519.PublicKeySize || len(sig) != ed25519.SignatureSize {
		return false
	}
	if smallOrder(pub) || smallOrder(sig[:32]) {
		return false
	}
	return ed25519.Verify(pub, data, sig)
}

// Edwards25519's points of order dividing 8 have y in {0, 1, -1, ±y8}; any
// encoding whose y (reduced mod p) is one of these is such a point or invalid.
var (
	ed25519P = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	y8, _    = new(big.Int).SetString("7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7", 16)
	smallY   = []*big.Int{
		big.NewInt(0), big.NewInt(1), new(big.Int).Sub(ed25519P, big.NewInt(1)),
		y8, new(big.Int).Sub(ed25519P, y8),
	}
)

func smallOrder(enc []byte) bool {
	le := make([]byte, 32)
	for i := range 32 {
		le[31-i] = enc[i]
	}
	le[0] &= 0x7f
	y := new(big.Int).SetBytes(le)
	y.Mod(y, ed25519P)
	for _, s := range smallY {
		if y.Cmp(s) == 0 {
			return true
		}
	}
	return false
}

func x25519Derive(priv, pub []byte) ([]byte, error) {
	k, err := ecdh.X25519().NewPrivateKey(priv)
	if err != nil {
		return nil, dataError("not a valid X25519 private key")
	}
	p, err := ecdh.X25519().NewPublicKey(pub)
	if err != nil {
		return nil, dataError("not a valid X25519 public key")
	}
	secret, err := k.ECDH(p)
	if err != nil {
		return nil, operationError("X25519: %v", err)
	}
	return secret, nil
}
