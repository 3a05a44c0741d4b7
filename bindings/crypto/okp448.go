package crypto

import (
	"crypto/rand"
	"crypto/subtle"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"

	"github.com/cloudflare/circl/dh/x448"
	"github.com/cloudflare/circl/ecc/goldilocks"
	"github.com/cloudflare/circl/sign/ed448"
)

// Ed448 and X448 (RFC 8032, RFC 7748) on circl, which Go's standard library lacks.
// Keys are kept as for the 25519 curves: the private key as RFC 8032's 57-byte seed
// (Ed448) or RFC 7748's 56-byte scalar, unclamped (X448), and the public key as its
// encoding (57 and 56 bytes).

// ed448MaxContext is RFC 8032's limit on the Ed448 context string.
const ed448MaxContext = 255

var (
	oidX448  = asn1.ObjectIdentifier{1, 3, 101, 111} // RFC 8410 id-X448
	oidEd448 = asn1.ObjectIdentifier{1, 3, 101, 113} // RFC 8410 id-Ed448
)

func okp448OID(alg string) asn1.ObjectIdentifier {
	if alg == "Ed448" {
		return oidEd448
	}
	return oidX448
}

func ed448Generate() (priv, pub []byte, err error) {
	pk, sk, err := ed448.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	return sk.Seed(), pk, nil
}

func x448Generate() (priv, pub []byte, err error) {
	priv = make([]byte, x448.Size)
	if _, err := rand.Read(priv); err != nil {
		return nil, nil, err
	}
	return priv, x448Public(priv), nil
}

// x448Public is the public key of a 56-byte scalar (any bytes: RFC 7748 clamps).
func x448Public(priv []byte) []byte {
	var k, pub x448.Key
	copy(k[:], priv)
	x448.KeyGen(&pub, &k)
	return pub[:]
}

func ed448Key(seed []byte) ed448.PrivateKey {
	k, _ := cachedKey(kindEd448Private, seed, func(seed []byte) (ed448.PrivateKey, error) {
		return ed448.NewKeyFromSeed(seed), nil
	})
	return k
}

// ed448Sign signs data with the pure Ed448 of RFC 8032 §5.2.6 and context ctx.
func ed448Sign(seed, data, ctx []byte) ([]byte, error) {
	if len(seed) != ed448.SeedSize {
		return nil, dataError("Ed448 private keys are %d bytes", ed448.SeedSize)
	}
	if len(ctx) > ed448MaxContext {
		return nil, operationError("the Ed448 context is %d bytes, more than %d", len(ctx), ed448MaxContext)
	}
	return ed448.Sign(ed448Key(seed), data, string(ctx)), nil
}

// ed448Verify checks a signature with context ctx. As the Secure Curves draft asks,
// a public key or R that is not a valid point, or is a small-order one, makes the
// signature invalid; circl's verification is the cofactorless [S]B = R + [k]A.
func ed448Verify(pub, sig, data, ctx []byte) (bool, error) {
	if len(ctx) > ed448MaxContext {
		return false, operationError("the Ed448 context is %d bytes, more than %d", len(ctx), ed448MaxContext)
	}
	if len(pub) != ed448.PublicKeySize || len(sig) != ed448.SignatureSize {
		return false, nil
	}
	if !ed448LargeOrder(pub) || !ed448LargeOrder(sig[:ed448.PublicKeySize]) {
		return false, nil
	}
	return ed448.Verify(pub, data, sig, string(ctx)), nil
}

// Edwards448's points of order dividing its cofactor 4 are (0, 1), (0, -1) and
// (±1, 0): their y (canonically encoded) is 0, 1 or p - 1.
var (
	ed448P      = new(big.Int).Sub(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 448), new(big.Int).Lsh(big.NewInt(1), 224)), big.NewInt(1))
	ed448SmallY = []*big.Int{big.NewInt(0), big.NewInt(1), new(big.Int).Sub(ed448P, big.NewInt(1))}
)

// ed448LargeOrder reports whether enc is the canonical encoding of a point on
// Edwards448 whose order does not divide 4. Public data only.
func ed448LargeOrder(enc []byte) bool {
	if _, err := goldilocks.FromBytes(enc); err != nil {
		return false
	}
	le := enc[:ed448.PublicKeySize-1] // the last byte holds only the sign of x
	be := make([]byte, len(le))
	for i, b := range le {
		be[len(le)-1-i] = b
	}
	y := new(big.Int).SetBytes(be)
	for _, s := range ed448SmallY {
		if y.Cmp(s) == 0 {
			return false
		}
	}
	return true
}

// x448Derive is RFC 7748's X448(priv, pub). An all-zero result (a public key of
// small order) is an OperationError, as the Secure Curves draft asks.
func x448Derive(priv, pub []byte) ([]byte, error) {
	if len(priv) != x448.Size {
		return nil, dataError("X448 private keys are %d bytes", x448.Size)
	}
	if len(pub) != x448.Size {
		return nil, dataError("X448 public keys are %d bytes", x448.Size)
	}
	var k, p, shared x448.Key
	copy(k[:], priv)
	copy(p[:], pub)
	x448.Shared(&shared, &k, &p)
	var zero x448.Key
	if subtle.ConstantTimeCompare(shared[:], zero[:]) == 1 {
		return nil, operationError("X448: the shared secret is all zeros (the public key has small order)")
	}
	return shared[:], nil
}

// RFC 8410 encodings, which crypto/x509 has only for the 25519 curves:
//
//	SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
//	OneAsymmetricKey ::= SEQUENCE { version INTEGER (0 | 1), privateKeyAlgorithm AlgorithmIdentifier,
//	    privateKey OCTET STRING (a CurvePrivateKey), attributes [0] IMPLICIT ... OPTIONAL,
//	    publicKey [1] IMPLICIT BIT STRING OPTIONAL (version 1 only) }
//	CurvePrivateKey ::= OCTET STRING
//
// with an AlgorithmIdentifier of the curve's OID and no parameters.

func okp448MarshalSPKI(alg string, pub []byte) ([]byte, error) {
	return asn1.Marshal(subjectPublicKeyInfo{
		Algorithm: pkix.AlgorithmIdentifier{Algorithm: okp448OID(alg)},
		PublicKey: asn1.BitString{Bytes: pub, BitLength: 8 * len(pub)},
	})
}

func okp448MarshalPKCS8(alg string, priv []byte) ([]byte, error) {
	curvePrivateKey, err := asn1.Marshal(priv)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(struct {
		Version    int
		Algorithm  pkix.AlgorithmIdentifier
		PrivateKey []byte
	}{0, pkix.AlgorithmIdentifier{Algorithm: okp448OID(alg)}, curvePrivateKey})
}

// derSequence returns the elements of the DER SEQUENCE that is the whole of der.
func derSequence(der []byte) ([]asn1.RawValue, bool) {
	var seq asn1.RawValue
	rest, err := asn1.Unmarshal(der, &seq)
	if err != nil || len(rest) != 0 || seq.Class != asn1.ClassUniversal || seq.Tag != asn1.TagSequence || !seq.IsCompound {
		return nil, false
	}
	var elems []asn1.RawValue
	for b := seq.Bytes; len(b) > 0; {
		var v asn1.RawValue
		if b, err = asn1.Unmarshal(b, &v); err != nil {
			return nil, false
		}
		elems = append(elems, v)
	}
	return elems, true
}

// derExact decodes der, which must hold exactly one value, into v.
func derExact(der []byte, v any) bool {
	rest, err := asn1.Unmarshal(der, v)
	return err == nil && len(rest) == 0
}

// okp448CheckAlgorithm checks an AlgorithmIdentifier is the curve's, without
// parameters.
func okp448CheckAlgorithm(alg string, v asn1.RawValue) error {
	elems, ok := derSequence(v.FullBytes)
	if !ok || len(elems) == 0 {
		return dataError("not a valid AlgorithmIdentifier")
	}
	var oid asn1.ObjectIdentifier
	if !derExact(elems[0].FullBytes, &oid) {
		return dataError("not a valid AlgorithmIdentifier")
	}
	if !oid.Equal(okp448OID(alg)) {
		return dataError("the key is not an %s key (algorithm %v)", alg, oid)
	}
	if len(elems) > 1 {
		return dataError("an %s AlgorithmIdentifier must not have parameters", alg)
	}
	return nil
}

// okp448ParseSPKI returns the public key of an RFC 8410 SubjectPublicKeyInfo.
func okp448ParseSPKI(alg string, der []byte) ([]byte, error) {
	elems, ok := derSequence(der)
	if !ok || len(elems) != 2 {
		return nil, dataError("not a valid SubjectPublicKeyInfo")
	}
	if err := okp448CheckAlgorithm(alg, elems[0]); err != nil {
		return nil, err
	}
	var bits asn1.BitString
	if !derExact(elems[1].FullBytes, &bits) || bits.BitLength%8 != 0 {
		return nil, dataError("not a valid SubjectPublicKeyInfo")
	}
	if size := okpKeySize(alg); len(bits.Bytes) != size {
		return nil, dataError("%s public keys are %d bytes, not %d", alg, size, len(bits.Bytes))
	}
	return bits.Bytes, nil
}

// okp448ParsePKCS8 returns the private key of an RFC 8410 OneAsymmetricKey
// (version 0, PKCS #8's PrivateKeyInfo, or version 1 with the public key, which
// must then match).
func okp448ParsePKCS8(alg string, der []byte) ([]byte, error) {
	bad := dataError("not a valid PKCS #8 private key")
	elems, ok := derSequence(der)
	if !ok || len(elems) < 3 {
		return nil, bad
	}
	var version int
	if !derExact(elems[0].FullBytes, &version) || (version != 0 && version != 1) {
		return nil, bad
	}
	if err := okp448CheckAlgorithm(alg, elems[1]); err != nil {
		return nil, err
	}
	var curvePrivateKey, priv []byte
	if !derExact(elems[2].FullBytes, &curvePrivateKey) || !derExact(curvePrivateKey, &priv) {
		return nil, bad
	}
	size := okpKeySize(alg)
	if len(priv) != size {
		return nil, dataError("%s private keys are %d bytes, not %d", alg, size, len(priv))
	}
	var pub []byte
	rest := elems[3:]
	if len(rest) > 0 && rest[0].Class == asn1.ClassContextSpecific && rest[0].Tag == 0 && rest[0].IsCompound {
		rest = rest[1:] // attributes: nothing here uses them
	}
	if len(rest) > 0 && version == 1 && rest[0].Class == asn1.ClassContextSpecific && rest[0].Tag == 1 && !rest[0].IsCompound {
		b := rest[0].Bytes
		if len(b) != 1+size || b[0] != 0 {
			return nil, bad
		}
		pub, rest = b[1:], rest[1:]
	}
	if len(rest) != 0 {
		return nil, bad
	}
	if pub != nil {
		derived, err := okpPublicOf(alg, priv)
		if err != nil {
			return nil, err
		}
		if subtle.ConstantTimeCompare(derived, pub) != 1 {
			return nil, dataError("the PKCS #8 public key does not match the private key")
		}
	}
	return priv, nil
}
