package crypto

import (
	gocrypto "crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
)

// ecCurve is one of the NIST curves WebCrypto names.
type ecCurve struct {
	name  string // P-256, P-384, P-521
	size  int    // bytes of a coordinate or a scalar
	ecdh  ecdh.Curve
	curve elliptic.Curve
	oid   asn1.ObjectIdentifier
	alg   string // the JWK alg of ECDSA keys on the curve
}

var ecCurves = map[string]*ecCurve{
	"P-256": {"P-256", 32, ecdh.P256(), elliptic.P256(), asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}, "ES256"},
	"P-384": {"P-384", 48, ecdh.P384(), elliptic.P384(), asn1.ObjectIdentifier{1, 3, 132, 0, 34}, "ES384"},
	"P-521": {"P-521", 66, ecdh.P521(), elliptic.P521(), asn1.ObjectIdentifier{1, 3, 132, 0, 35}, "ES512"},
}

var (
	oidECPublicKey = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidECDH        = asn1.ObjectIdentifier{1, 3, 132, 1, 12}
)

func curveByName(name string) (*ecCurve, error) {
	c, ok := ecCurves[name]
	if !ok {
		return nil, notSupported("unsupported named curve %q", name)
	}
	return c, nil
}

// publicPoint checks an uncompressed point is on the curve.
func (c *ecCurve) publicKey(point []byte) (*ecdh.PublicKey, error) {
	pub, err := c.ecdh.NewPublicKey(point)
	if err != nil {
		return nil, dataError("not a valid %s public key", c.name)
	}
	return pub, nil
}

// decodePoint accepts a SEC 1 point, uncompressed or compressed, and returns it
// uncompressed after checking it is on the curve.
func (c *ecCurve) decodePoint(b []byte) ([]byte, error) {
	if len(b) == 1+c.size && (b[0] == 2 || b[0] == 3) {
		var err error
		if b, err = c.decompress(b); err != nil {
			return nil, err
		}
	}
	if len(b) != 1+2*c.size || b[0] != 4 {
		return nil, dataError("not a valid %s point encoding (%d bytes)", c.name, len(b))
	}
	if _, err := c.publicKey(b); err != nil {
		return nil, err
	}
	return append([]byte(nil), b...), nil
}

// decompress solves y² = x³ - 3x + b for the y of the given parity. The NIST primes
// are all 3 mod 4, so the square root is a single exponentiation. Public data only.
func (c *ecCurve) decompress(b []byte) ([]byte, error) {
	params := c.curve.Params()
	p := params.P
	x := new(big.Int).SetBytes(b[1:])
	if x.Cmp(p) >= 0 {
		return nil, dataError("not a valid %s point: x is out of range", c.name)
	}
	y2 := new(big.Int).Mul(x, x)
	y2.Mul(y2, x)
	threeX := new(big.Int).Lsh(x, 1)
	threeX.Add(threeX, x)
	y2.Sub(y2, threeX)
	y2.Add(y2, params.B)
	y2.Mod(y2, p)
	exp := new(big.Int).Add(p, big.NewInt(1))
	exp.Rsh(exp, 2)
	y := new(big.Int).Exp(y2, exp, p)
	if new(big.Int).Mod(new(big.Int).Mul(y, y), p).Cmp(y2) != 0 {
		return nil, dataError("not a valid %s point: x is not on the curve", c.name)
	}
	if y.Bit(0) != uint(b[0]&1) {
		y.Sub(p, y)
	}
	out := make([]byte, 1+2*c.size)
	out[0] = 4
	x.FillBytes(out[1 : 1+c.size])
	y.FillBytes(out[1+c.size:])
	return out, nil
}

// privateKey and ecdsaPrivate parse a scalar d (its length names the curve, so the
// cache needs no more than the bytes).
func (c *ecCurve) privateKey(d []byte) (*ecdh.PrivateKey, error) {
	if len(d) != c.size {
		return nil, dataError("not a valid %s private key", c.name)
	}
	return cachedKey(kindECDHPrivate, d, func(d []byte) (*ecdh.PrivateKey, error) {
		k, err := c.ecdh.NewPrivateKey(d)
		if err != nil {
			return nil, dataError("not a valid %s private key", c.name)
		}
		return k, nil
	})
}

func (c *ecCurve) ecdsaPrivate(d []byte) (*ecdsa.PrivateKey, error) {
	if len(d) != c.size {
		return nil, dataError("not a valid %s private key", c.name)
	}
	return cachedKey(kindECDSAPrivate, d, func(d []byte) (*ecdsa.PrivateKey, error) {
		k, err := ecdsa.ParseRawPrivateKey(c.curve, d)
		if err != nil {
			return nil, dataError("not a valid %s private key", c.name)
		}
		return k, nil
	})
}

func (c *ecCurve) ecdsaPublic(point []byte) (*ecdsa.PublicKey, error) {
	k, err := ecdsa.ParseUncompressedPublicKey(c.curve, point)
	if err != nil {
		return nil, dataError("not a valid %s public key", c.name)
	}
	return k, nil
}

// ecGenerate returns a key pair as (d, uncompressed point).
func ecGenerate(c *ecCurve) (priv, pub []byte, err error) {
	k, err := c.ecdh.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	return k.Bytes(), k.PublicKey().Bytes(), nil
}

// ecdsaSign signs data hashed with h and returns r || s, each of the curve's size.
func ecdsaSign(c *ecCurve, h gocrypto.Hash, d, data []byte) ([]byte, error) {
	k, err := c.ecdsaPrivate(d)
	if err != nil {
		return nil, err
	}
	der, err := ecdsa.SignASN1(rand.Reader, k, sum(h, data))
	if err != nil {
		return nil, err
	}
	var sig struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &sig); err != nil {
		return nil, err
	}
	out := make([]byte, 2*c.size)
	sig.R.FillBytes(out[:c.size])
	sig.S.FillBytes(out[c.size:])
	return out, nil
}

// ecdsaVerify checks an r || s signature; a malformed one is simply not valid.
func ecdsaVerify(c *ecCurve, h gocrypto.Hash, point, sig, data []byte) (bool, error) {
	k, err := c.ecdsaPublic(point)
	if err != nil {
		return false, err
	}
	if len(sig) != 2*c.size {
		return false, nil
	}
	r := new(big.Int).SetBytes(sig[:c.size])
	s := new(big.Int).SetBytes(sig[c.size:])
	if r.Sign() == 0 || s.Sign() == 0 {
		return false, nil
	}
	der, err := asn1.Marshal(struct{ R, S *big.Int }{r, s})
	if err != nil {
		return false, nil
	}
	return ecdsa.VerifyASN1(k, sum(h, data), der), nil
}

// ecdhDerive returns the shared secret (the x coordinate) of a private scalar and a
// peer's uncompressed point.
func ecdhDerive(c *ecCurve, d, point []byte) ([]byte, error) {
	k, err := c.privateKey(d)
	if err != nil {
		return nil, err
	}
	pub, err := c.publicKey(point)
	if err != nil {
		return nil, err
	}
	secret, err := k.ECDH(pub)
	if err != nil {
		return nil, operationError("ECDH: %v", err)
	}
	return secret, nil
}

// subjectPublicKeyInfo is RFC 5280's SubjectPublicKeyInfo.
type subjectPublicKeyInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	PublicKey asn1.BitString
}

// ecImportSPKI parses an EC SubjectPublicKeyInfo (compressed points allowed) and
// returns the uncompressed point. allowECDH admits the id-ecDH algorithm.
func ecImportSPKI(c *ecCurve, der []byte, allowECDH bool) ([]byte, error) {
	var spki subjectPublicKeyInfo
	rest, err := asn1.Unmarshal(der, &spki)
	if err != nil || len(rest) != 0 {
		return nil, dataError("not a valid SubjectPublicKeyInfo")
	}
	alg := spki.Algorithm.Algorithm
	if !alg.Equal(oidECPublicKey) && !(allowECDH && alg.Equal(oidECDH)) {
		return nil, dataError("the SubjectPublicKeyInfo is not of an EC key")
	}
	var curve asn1.ObjectIdentifier
	if rest, err := asn1.Unmarshal(spki.Algorithm.Parameters.FullBytes, &curve); err != nil || len(rest) != 0 {
		return nil, dataError("the EC key's parameters are not a named curve")
	}
	if !curve.Equal(c.oid) {
		return nil, dataError("the key is not on %s", c.name)
	}
	if spki.PublicKey.BitLength%8 != 0 {
		return nil, dataError("not a valid EC public key")
	}
	return c.decodePoint(spki.PublicKey.Bytes)
}

// ecImportPKCS8 parses an EC PrivateKeyInfo and returns d.
func ecImportPKCS8(c *ecCurve, der []byte) ([]byte, error) {
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, dataError("not a valid PKCS #8 EC private key: %v", err)
	}
	ek, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, dataError("the PKCS #8 key is not an EC key")
	}
	if ek.Curve != c.curve {
		return nil, dataError("the key is not on %s", c.name)
	}
	return ek.Bytes()
}

// ecImportJWK builds a key from the JWK members x, y and (for a private key) d,
// checking their lengths and that d matches the point. It returns d or the point.
func ecImportJWK(c *ecCurve, x, y, d []byte, private bool) ([]byte, error) {
	if len(x) != c.size || len(y) != c.size {
		return nil, dataError("the JWK's x and y must be %d bytes for %s", c.size, c.name)
	}
	point := append(append([]byte{4}, x...), y...)
	if _, err := c.publicKey(point); err != nil {
		return nil, err
	}
	if !private {
		return point, nil
	}
	if len(d) != c.size {
		return nil, dataError("the JWK's d must be %d bytes for %s", c.size, c.name)
	}
	k, err := c.privateKey(d)
	if err != nil {
		return nil, err
	}
	if string(k.PublicKey().Bytes()) != string(point) {
		return nil, dataError("the JWK's d does not match its x and y")
	}
	return append([]byte(nil), d...), nil
}

// ecExport encodes a key (d or point) as spki, pkcs8 or the JWK members x, y[, d].
func ecExport(c *ecCurve, format string, key []byte, private bool) ([][]byte, error) {
	var point []byte
	var priv *ecdsa.PrivateKey
	if private {
		var err error
		if priv, err = c.ecdsaPrivate(key); err != nil {
			return nil, err
		}
		k, _ := c.privateKey(key)
		point = k.PublicKey().Bytes()
	} else {
		point = key
	}
	switch format {
	case "raw":
		return [][]byte{point}, nil
	case "spki":
		pub, err := c.ecdsaPublic(point)
		if err != nil {
			return nil, err
		}
		der, err := x509.MarshalPKIXPublicKey(pub)
		return [][]byte{der}, err
	case "pkcs8":
		der, err := x509.MarshalPKCS8PrivateKey(priv)
		return [][]byte{der}, err
	case "jwk":
		out := [][]byte{point[1 : 1+c.size], point[1+c.size:]}
		if private {
			out = append(out, key)
		}
		return out, nil
	}
	return nil, notSupported("unsupported key format %q", format)
}
