package crypto

import (
	"bytes"
	gocrypto "crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"crypto/x509"
	"math/big"
)

// MaxRSAGenerateBits bounds the modulus of generated RSA keys: generation runs off
// the isolate's thread, where the CPU limit does not reach, and its cost grows with
// the fourth power of the size (4096 bits takes about half a second, 8192 several
// seconds). Keys of any size Go accepts can still be imported.
const MaxRSAGenerateBits = 4096

// rsaGenerate makes a key pair with public exponent 65537 (the only one Go's key
// generation offers) and returns (PKCS #1 private DER, PKCS #1 public DER).
func rsaGenerate(bits int, exponent []byte) (priv, pub []byte, err error) {
	e := new(big.Int).SetBytes(exponent)
	if !e.IsInt64() || e.Int64() != 65537 {
		return nil, nil, operationError("RSA key generation supports the public exponent 65537 only, not %s", e)
	}
	if bits < 1024 || bits > MaxRSAGenerateBits || bits%8 != 0 {
		return nil, nil, operationError("RSA modulusLength must be a multiple of 8 between 1024 and %d, not %d", MaxRSAGenerateBits, bits)
	}
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, nil, operationError("RSA key generation: %v", err)
	}
	return x509.MarshalPKCS1PrivateKey(k), x509.MarshalPKCS1PublicKey(&k.PublicKey), nil
}

func rsaPrivate(der []byte) (*rsa.PrivateKey, error) {
	return cachedKey(kindRSAPrivate, der, parseRSAPrivate)
}

func parseRSAPrivate(der []byte) (*rsa.PrivateKey, error) {
	k, err := x509.ParsePKCS1PrivateKey(der)
	if err != nil {
		return nil, dataError("not a valid RSA private key: %v", err)
	}
	return k, nil
}

func rsaPublic(der []byte) (*rsa.PublicKey, error) {
	k, err := x509.ParsePKCS1PublicKey(der)
	if err != nil {
		return nil, dataError("not a valid RSA public key: %v", err)
	}
	return k, nil
}

// rsaInfo is what the CryptoKey's algorithm shows of a key: modulusLength and
// publicExponent.
func rsaInfo(pub *rsa.PublicKey) (bits int, exponent []byte) {
	return pub.N.BitLen(), big.NewInt(int64(pub.E)).Bytes()
}

// rsaImport parses spki, pkcs8 or JWK members and returns the key as PKCS #1 DER.
// JWK members are, in order, n, e and for a private key d, p, q, dp, dq, qi.
func rsaImport(format string, data []byte, jwk [][]byte, private bool) (key []byte, pub *rsa.PublicKey, err error) {
	switch format {
	case "spki":
		k, err := x509.ParsePKIXPublicKey(data)
		if err != nil {
			return nil, nil, dataError("not a valid SubjectPublicKeyInfo: %v", err)
		}
		rk, ok := k.(*rsa.PublicKey)
		if !ok {
			return nil, nil, dataError("the SubjectPublicKeyInfo is not of an RSA key")
		}
		return x509.MarshalPKCS1PublicKey(rk), rk, nil
	case "pkcs8":
		k, err := x509.ParsePKCS8PrivateKey(data)
		if err != nil {
			return nil, nil, dataError("not a valid PKCS #8 private key: %v", err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, nil, dataError("the PKCS #8 key is not an RSA key")
		}
		return x509.MarshalPKCS1PrivateKey(rk), &rk.PublicKey, nil
	case "jwk":
		return rsaImportJWK(jwk, private)
	}
	return nil, nil, notSupported("unsupported key format %q for RSA", format)
}

func rsaImportJWK(m [][]byte, private bool) ([]byte, *rsa.PublicKey, error) {
	if len(m) < 2 || len(m[0]) == 0 || len(m[1]) == 0 {
		return nil, nil, dataError("the JWK lacks n or e")
	}
	n := new(big.Int).SetBytes(m[0])
	e := new(big.Int).SetBytes(m[1])
	if !e.IsInt64() || e.Int64() > 1<<31-1 || e.Int64() < 3 {
		return nil, nil, dataError("the JWK's public exponent is not supported")
	}
	pub := rsa.PublicKey{N: n, E: int(e.Int64())}
	if !private {
		if n.BitLen() < 512 || n.Bit(0) == 0 {
			return nil, nil, dataError("the JWK's modulus is not valid")
		}
		return x509.MarshalPKCS1PublicKey(&pub), &pub, nil
	}
	if len(m) != 8 {
		return nil, nil, dataError("the JWK private key must carry d, p, q, dp, dq and qi")
	}
	for _, b := range m[2:] {
		if len(b) == 0 {
			return nil, nil, dataError("the JWK private key must carry d, p, q, dp, dq and qi")
		}
	}
	k := &rsa.PrivateKey{
		PublicKey: pub,
		D:         new(big.Int).SetBytes(m[2]),
		Primes:    []*big.Int{new(big.Int).SetBytes(m[3]), new(big.Int).SetBytes(m[4])},
	}
	if err := k.Validate(); err != nil {
		return nil, nil, dataError("the JWK is not a valid RSA private key: %v", err)
	}
	k.Precompute()
	if k.Precomputed.Dp == nil ||
		k.Precomputed.Dp.Cmp(new(big.Int).SetBytes(m[5])) != 0 ||
		k.Precomputed.Dq.Cmp(new(big.Int).SetBytes(m[6])) != 0 ||
		k.Precomputed.Qinv.Cmp(new(big.Int).SetBytes(m[7])) != 0 {
		return nil, nil, dataError("the JWK's dp, dq or qi do not match its primes")
	}
	return x509.MarshalPKCS1PrivateKey(k), &k.PublicKey, nil
}

// rsaExport encodes a PKCS #1 key as spki, pkcs8, or the JWK members (n, e[, d, p,
// q, dp, dq, qi]).
func rsaExport(format string, key []byte, private bool) ([][]byte, error) {
	if private {
		k, err := rsaPrivate(key)
		if err != nil {
			return nil, err
		}
		switch format {
		case "pkcs8":
			der, err := x509.MarshalPKCS8PrivateKey(k)
			return [][]byte{der}, err
		case "jwk":
			if len(k.Primes) != 2 {
				return nil, notSupported("multi-prime RSA keys cannot be exported as JWK")
			}
			_, e := rsaInfo(&k.PublicKey)
			return [][]byte{k.N.Bytes(), e, k.D.Bytes(), k.Primes[0].Bytes(), k.Primes[1].Bytes(),
				k.Precomputed.Dp.Bytes(), k.Precomputed.Dq.Bytes(), k.Precomputed.Qinv.Bytes()}, nil
		}
	} else {
		k, err := rsaPublic(key)
		if err != nil {
			return nil, err
		}
		switch format {
		case "spki":
			der, err := x509.MarshalPKIXPublicKey(k)
			return [][]byte{der}, err
		case "jwk":
			_, e := rsaInfo(k)
			return [][]byte{k.N.Bytes(), e}, nil
		}
	}
	return nil, newError("InvalidAccessError", "an RSA key cannot be exported as %q", format)
}

func rsaSignPKCS1(h gocrypto.Hash, key, data []byte) ([]byte, error) {
	k, err := rsaPrivate(key)
	if err != nil {
		return nil, err
	}
	return rsa.SignPKCS1v15(nil, k, h, sum(h, data))
}

func rsaVerifyPKCS1(h gocrypto.Hash, key, sig, data []byte) (bool, error) {
	k, err := rsaPublic(key)
	if err != nil {
		return false, err
	}
	return rsa.VerifyPKCS1v15(k, h, sum(h, data), sig) == nil, nil
}

func rsaSignPSS(h gocrypto.Hash, saltLength int, key, data []byte) ([]byte, error) {
	k, err := rsaPrivate(key)
	if err != nil {
		return nil, err
	}
	digest := sum(h, data)
	if saltLength == 0 {
		// Go's SignPSS reads a zero salt length as "as long as possible".
		return rsaSignPSSNoSalt(k, h, digest)
	}
	sig, err := rsa.SignPSS(rand.Reader, k, h, digest, &rsa.PSSOptions{SaltLength: saltLength})
	if err != nil {
		return nil, operationError("RSA-PSS: %v", err)
	}
	return sig, nil
}

func rsaVerifyPSS(h gocrypto.Hash, saltLength int, key, sig, data []byte) (bool, error) {
	k, err := rsaPublic(key)
	if err != nil {
		return false, err
	}
	digest := sum(h, data)
	if saltLength == 0 {
		return rsaVerifyPSSNoSalt(k, h, digest, sig), nil
	}
	return rsa.VerifyPSS(k, h, digest, sig, &rsa.PSSOptions{SaltLength: saltLength}) == nil, nil
}

func rsaEncryptOAEP(h gocrypto.Hash, key, label, data []byte) ([]byte, error) {
	k, err := rsaPublic(key)
	if err != nil {
		return nil, err
	}
	out, err := rsa.EncryptOAEP(newHash(h)(), rand.Reader, k, data, label)
	if err != nil {
		return nil, operationError("RSA-OAEP: %v", err)
	}
	return out, nil
}

func rsaDecryptOAEP(h gocrypto.Hash, key, label, data []byte) ([]byte, error) {
	k, err := rsaPrivate(key)
	if err != nil {
		return nil, err
	}
	out, err := rsa.DecryptOAEP(newHash(h)(), nil, k, data, label)
	if err != nil {
		return nil, operationError("RSA-OAEP: decryption failed")
	}
	return out, nil
}

// PSS with an empty salt (RFC 8017 §9.1 with sLen = 0): the encoding is ours; the
// private-key operation is a blinded CRT exponentiation on math/big, checked
// against the public key before it is returned.

func emsaPSSEncodeNoSalt(h gocrypto.Hash, digest []byte, emBits int) ([]byte, error) {
	hLen := h.Size()
	emLen := (emBits + 7) / 8
	if emLen < hLen+2 {
		return nil, operationError("RSA-PSS: the key is too short for the hash")
	}
	hh := h.New()
	hh.Write(make([]byte, 8))
	hh.Write(digest)
	H := hh.Sum(nil)
	db := make([]byte, emLen-hLen-1) // PS || 0x01 (no salt)
	db[len(db)-1] = 1
	mask := mgf1(h, H, len(db))
	for i := range db {
		db[i] ^= mask[i]
	}
	db[0] &= 0xff >> (8*emLen - emBits)
	em := append(db, H...)
	return append(em, 0xbc), nil
}

func rsaSignPSSNoSalt(k *rsa.PrivateKey, h gocrypto.Hash, digest []byte) ([]byte, error) {
	em, err := emsaPSSEncodeNoSalt(h, digest, k.N.BitLen()-1)
	if err != nil {
		return nil, err
	}
	m := new(big.Int).SetBytes(em)
	s, err := rsaBlindedPrivate(k, m)
	if err != nil {
		return nil, err
	}
	out := make([]byte, k.Size())
	return s.FillBytes(out), nil
}

func rsaBlindedPrivate(k *rsa.PrivateKey, m *big.Int) (*big.Int, error) {
	n := k.N
	e := big.NewInt(int64(k.E))
	var r, rInv *big.Int
	for {
		var err error
		r, err = rand.Int(rand.Reader, n)
		if err != nil {
			return nil, err
		}
		if r.Sign() == 0 {
			continue
		}
		if rInv = new(big.Int).ModInverse(r, n); rInv != nil {
			break
		}
	}
	c := new(big.Int).Exp(r, e, n)
	c.Mul(c, m).Mod(c, n)
	var s *big.Int
	if len(k.Primes) == 2 && k.Precomputed.Dp != nil {
		p, q := k.Primes[0], k.Primes[1]
		m1 := new(big.Int).Exp(c, k.Precomputed.Dp, p)
		m2 := new(big.Int).Exp(c, k.Precomputed.Dq, q)
		hh := new(big.Int).Sub(m1, m2)
		hh.Mul(hh, k.Precomputed.Qinv).Mod(hh, p)
		s = hh.Mul(hh, q).Add(hh, m2)
	} else {
		s = new(big.Int).Exp(c, k.D, n)
	}
	s.Mul(s, rInv).Mod(s, n)
	if new(big.Int).Exp(s, e, n).Cmp(m) != 0 {
		return nil, operationError("RSA-PSS: the signature failed its self-check")
	}
	return s, nil
}

func rsaVerifyPSSNoSalt(k *rsa.PublicKey, h gocrypto.Hash, digest, sig []byte) bool {
	if len(sig) != k.Size() {
		return false
	}
	s := new(big.Int).SetBytes(sig)
	if s.Cmp(k.N) >= 0 {
		return false
	}
	emBits := k.N.BitLen() - 1
	emLen := (emBits + 7) / 8
	m := new(big.Int).Exp(s, big.NewInt(int64(k.E)), k.N)
	if m.BitLen() > emLen*8 {
		return false
	}
	em := m.FillBytes(make([]byte, emLen))
	want, err := emsaPSSEncodeNoSalt(h, digest, emBits)
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare(em, want) == 1
}

// mgf1 is RFC 8017's mask generation function.
func mgf1(h gocrypto.Hash, seed []byte, n int) []byte {
	var out bytes.Buffer
	var counter [4]byte
	for out.Len() < n {
		hh := h.New()
		hh.Write(seed)
		hh.Write(counter[:])
		out.Write(hh.Sum(nil))
		for i := 3; i >= 0; i-- {
			counter[i]++
			if counter[i] != 0 {
				break
			}
		}
	}
	return out.Bytes()[:n]
}
