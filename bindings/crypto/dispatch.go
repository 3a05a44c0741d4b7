package crypto

import (
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"strings"
)

// The entry points the ops call, one per WebCrypto operation. Each takes the spec
// string the JS half builds from a normalized algorithm (see the package comment)
// and returns an *Error naming the DOMException for failures JS should see as such.

type spec []string

func parseSpec(s string) spec { return strings.Split(s, ":") }

func (s spec) str(i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}

// hex decodes a field holding bytes in hexadecimal (empty when absent).
func (s spec) hex(i int) ([]byte, error) {
	b, err := hex.DecodeString(s.str(i))
	if err != nil {
		return nil, operationError("bad algorithm parameter %q", s.str(i))
	}
	return b, nil
}

func (s spec) int(i int) (int, error) {
	n, err := strconv.Atoi(s.str(i))
	if err != nil {
		return 0, operationError("bad algorithm parameter %q", s.str(i))
	}
	return n, nil
}

// Sign returns the signature (or MAC) of data.
//
//	HMAC:<hash>  RSASSA-PKCS1-v1_5:<hash>  RSA-PSS:<hash>:<saltLength>  ECDSA:<curve>:<hash>
//	Ed25519  Ed448:<context, in hex>
func Sign(specStr string, key, data []byte) ([]byte, error) {
	s := parseSpec(specStr)
	switch s[0] {
	case "Ed25519":
		return ed25519Sign(key, data)
	case "Ed448":
		ctx, err := s.hex(1)
		if err != nil {
			return nil, err
		}
		return ed448Sign(key, data, ctx)
	case "ECDSA":
		c, err := curveByName(s.str(1))
		if err != nil {
			return nil, err
		}
		h, err := hashByName(s.str(2))
		if err != nil {
			return nil, err
		}
		return ecdsaSign(c, h, key, data)
	}
	h, err := hashByName(s.str(1))
	if err != nil {
		return nil, err
	}
	switch s[0] {
	case "HMAC":
		return hmacSign(h, key, data), nil
	case "RSASSA-PKCS1-v1_5":
		return rsaSignPKCS1(h, key, data)
	case "RSA-PSS":
		salt, err := s.int(2)
		if err != nil {
			return nil, err
		}
		return rsaSignPSS(h, salt, key, data)
	}
	return nil, notSupported("sign: unsupported algorithm %q", s[0])
}

// Verify checks a signature made by Sign; an ill-formed signature is not valid.
func Verify(specStr string, key, sig, data []byte) (bool, error) {
	s := parseSpec(specStr)
	switch s[0] {
	case "Ed25519":
		return ed25519Verify(key, sig, data), nil
	case "Ed448":
		ctx, err := s.hex(1)
		if err != nil {
			return false, err
		}
		return ed448Verify(key, sig, data, ctx)
	case "ECDSA":
		c, err := curveByName(s.str(1))
		if err != nil {
			return false, err
		}
		h, err := hashByName(s.str(2))
		if err != nil {
			return false, err
		}
		return ecdsaVerify(c, h, key, sig, data)
	}
	h, err := hashByName(s.str(1))
	if err != nil {
		return false, err
	}
	switch s[0] {
	case "HMAC":
		return hmacVerify(h, key, sig, data), nil
	case "RSASSA-PKCS1-v1_5":
		return rsaVerifyPKCS1(h, key, sig, data)
	case "RSA-PSS":
		salt, err := s.int(2)
		if err != nil {
			return false, err
		}
		return rsaVerifyPSS(h, salt, key, sig, data)
	}
	return false, notSupported("verify: unsupported algorithm %q", s[0])
}

// Encrypt encrypts data; params holds the algorithm's byte parameters.
//
//	AES-CBC (params: iv)  AES-CTR:<length> (params: counter)
//	AES-GCM:<tagLength>:<ivBytes> (params: iv || additionalData)
//	AES-KW (wrapKey only)  RSA-OAEP:<hash> (params: label)
func Encrypt(specStr string, key, data, params []byte) ([]byte, error) {
	return crypt(true, parseSpec(specStr), key, data, params)
}

// Decrypt reverses Encrypt.
func Decrypt(specStr string, key, data, params []byte) ([]byte, error) {
	return crypt(false, parseSpec(specStr), key, data, params)
}

func crypt(enc bool, s spec, key, data, params []byte) ([]byte, error) {
	switch s[0] {
	case "AES-CBC":
		if enc {
			return aesCBCEncrypt(key, params, data)
		}
		return aesCBCDecrypt(key, params, data)
	case "AES-CTR":
		n, err := s.int(1)
		if err != nil {
			return nil, err
		}
		return aesCTR(key, params, n, data)
	case "AES-GCM":
		tag, err := s.int(1)
		if err != nil {
			return nil, err
		}
		ivLen, err := s.int(2)
		if err != nil || ivLen < 0 || ivLen > len(params) {
			return nil, operationError("AES-GCM: bad iv length")
		}
		iv, aad := params[:ivLen], params[ivLen:]
		if enc {
			return aesGCMSeal(key, iv, aad, data, tag)
		}
		return aesGCMOpen(key, iv, aad, data, tag)
	case "AES-KW":
		if enc {
			return aesKWWrap(key, data)
		}
		return aesKWUnwrap(key, data)
	case "RSA-OAEP":
		h, err := hashByName(s.str(1))
		if err != nil {
			return nil, err
		}
		if enc {
			return rsaEncryptOAEP(h, key, params, data)
		}
		return rsaDecryptOAEP(h, key, params, data)
	}
	return nil, notSupported("unsupported algorithm %q", s[0])
}

// GenerateKey makes a key pair and returns (private, public) key material.
//
//	RSA:<modulusLength> (exponent: the publicExponent bytes)  EC:<curve>  Ed25519  X25519  Ed448  X448
func GenerateKey(specStr string, exponent []byte) (priv, pub []byte, err error) {
	s := parseSpec(specStr)
	switch s[0] {
	case "RSA":
		bits, err := s.int(1)
		if err != nil {
			return nil, nil, err
		}
		return rsaGenerate(bits, exponent)
	case "EC":
		c, err := curveByName(s.str(1))
		if err != nil {
			return nil, nil, err
		}
		return ecGenerate(c)
	case "Ed25519", "X25519", "Ed448", "X448":
		return okpGenerate(s[0])
	}
	return nil, nil, notSupported("generateKey: unsupported algorithm %q", s[0])
}

// DeriveBits derives secret bytes. ECDH, X25519 and X448 return the whole shared
// secret (the caller truncates); the KDFs return exactly the length asked for.
//
//	ECDH:<curve> (a: the peer's point)  X25519, X448 (a: the peer's key)
//	HKDF:<hash>:<bytes> (a: salt, b: info)  PBKDF2:<hash>:<iterations>:<bytes> (a: salt)
func DeriveBits(specStr string, key, a, b []byte) ([]byte, error) {
	s := parseSpec(specStr)
	switch s[0] {
	case "ECDH":
		c, err := curveByName(s.str(1))
		if err != nil {
			return nil, err
		}
		return ecdhDerive(c, key, a)
	case "X25519":
		return x25519Derive(key, a)
	case "X448":
		return x448Derive(key, a)
	case "HKDF":
		h, err := hashByName(s.str(1))
		if err != nil {
			return nil, err
		}
		n, err := s.int(2)
		if err != nil {
			return nil, err
		}
		return hkdfDerive(h, key, a, b, n)
	case "PBKDF2":
		h, err := hashByName(s.str(1))
		if err != nil {
			return nil, err
		}
		iter, err := s.int(2)
		if err != nil {
			return nil, err
		}
		n, err := s.int(3)
		if err != nil {
			return nil, err
		}
		return pbkdf2Derive(h, key, a, iter, n)
	}
	return nil, notSupported("deriveBits: unsupported algorithm %q", s[0])
}

// ImportKey parses an asymmetric key. format is spki, pkcs8, raw, jwk-public or
// jwk-private; for a JWK, data is the packed members (see Pack): n, e, d, p, q, dp,
// dq, qi for RSA; x, y, d for EC; x, d for Ed25519, X25519, Ed448 and X448.
//
// The result is the key material, and for RSA also the modulus length (decimal
// text) and the public exponent.
//
//	RSA  EC:<curve>  ECDH:<curve> (EC, also admitting the id-ecDH SPKI algorithm)  Ed25519  X25519  Ed448  X448
func ImportKey(specStr, format string, data []byte) ([][]byte, error) {
	s := parseSpec(specStr)
	var jwk [][]byte
	private := format == "pkcs8"
	if f, ok := strings.CutPrefix(format, "jwk-"); ok {
		var err error
		if jwk, err = Unpack(data); err != nil {
			return nil, dataError("bad JWK members")
		}
		private = f == "private"
		format = "jwk"
	}
	switch s[0] {
	case "RSA":
		key, pub, err := rsaImport(format, data, jwk, private)
		if err != nil {
			return nil, err
		}
		bits, e := rsaInfo(pub)
		return [][]byte{key, []byte(strconv.Itoa(bits)), e}, nil
	case "EC", "ECDH":
		c, err := curveByName(s.str(1))
		if err != nil {
			return nil, err
		}
		var key []byte
		switch format {
		case "raw":
			key, err = c.decodePoint(data)
		case "spki":
			key, err = ecImportSPKI(c, data, s[0] == "ECDH")
		case "pkcs8":
			key, err = ecImportPKCS8(c, data)
		case "jwk":
			for len(jwk) < 3 {
				jwk = append(jwk, nil)
			}
			key, err = ecImportJWK(c, jwk[0], jwk[1], jwk[2], private)
		default:
			err = notSupported("unsupported key format %q for EC", format)
		}
		if err != nil {
			return nil, err
		}
		return [][]byte{key}, nil
	case "Ed25519", "X25519", "Ed448", "X448":
		key, err := okpImport(s[0], format, data, jwk, private)
		if err != nil {
			return nil, err
		}
		return [][]byte{key}, nil
	}
	return nil, notSupported("importKey: unsupported algorithm %q", s[0])
}

// ExportKey encodes asymmetric key material as spki, pkcs8 or raw (one element), or
// as the JWK members ImportKey takes (jwk).
//
//	RSA:<private|public>  EC:<curve>:<private|public>  Ed25519:<...>  X25519:<...>  Ed448:<...>  X448:<...>
func ExportKey(specStr, format string, key []byte) ([][]byte, error) {
	s := parseSpec(specStr)
	private := s[len(s)-1] == "private"
	switch s[0] {
	case "RSA":
		return rsaExport(format, key, private)
	case "EC":
		c, err := curveByName(s.str(1))
		if err != nil {
			return nil, err
		}
		return ecExport(c, format, key, private)
	case "Ed25519", "X25519", "Ed448", "X448":
		return okpExport(s[0], format, key, private)
	}
	return nil, notSupported("exportKey: unsupported algorithm %q", s[0])
}

// Pack joins byte strings, each preceded by its length (4 bytes, big-endian): the
// encoding of results (and JWK members) that hold several byte strings.
func Pack(parts [][]byte) []byte {
	n := 0
	for _, p := range parts {
		n += 4 + len(p)
	}
	out := make([]byte, 0, n)
	for _, p := range parts {
		out = binary.BigEndian.AppendUint32(out, uint32(len(p)))
		out = append(out, p...)
	}
	return out
}

// Unpack reverses Pack.
func Unpack(b []byte) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 4 {
			return nil, dataError("truncated packed data")
		}
		n := binary.BigEndian.Uint32(b)
		b = b[4:]
		if uint64(n) > uint64(len(b)) {
			return nil, dataError("truncated packed data")
		}
		out = append(out, b[:n:n])
		b = b[n:]
	}
	return out, nil
}
