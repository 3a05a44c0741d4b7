package crypto

import (
	gocrypto "crypto"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/subtle"
)

func hmacSign(h gocrypto.Hash, key, data []byte) []byte {
	m := hmac.New(newHash(h), key)
	m.Write(data)
	return m.Sum(nil)
}

func hmacVerify(h gocrypto.Hash, key, sig, data []byte) bool {
	return subtle.ConstantTimeCompare(hmacSign(h, key, data), sig) == 1
}

// hkdfDerive is RFC 5869's extract-then-expand, n bytes long.
func hkdfDerive(h gocrypto.Hash, key, salt, info []byte, n int) ([]byte, error) {
	if n == 0 {
		return []byte{}, nil
	}
	if n > 255*h.Size() {
		return nil, operationError("HKDF: %d bytes is more than 255 times the hash length", n)
	}
	out, err := hkdf.Key(newHash(h), key, salt, string(info), n)
	if err != nil {
		return nil, operationError("HKDF: %v", err)
	}
	return out, nil
}

// MaxPBKDF2Iterations bounds PBKDF2's work, as Workers does: the derivation runs
// off the isolate's thread, where the CPU limit does not reach.
const MaxPBKDF2Iterations = 100000

// pbkdf2Derive is RFC 8018's PBKDF2 with HMAC, n bytes long.
func pbkdf2Derive(h gocrypto.Hash, password, salt []byte, iterations, n int) ([]byte, error) {
	if iterations <= 0 {
		return nil, operationError("PBKDF2: iterations must be positive")
	}
	if iterations > MaxPBKDF2Iterations {
		return nil, notSupported("PBKDF2: iteration counts above %d are not supported (asked for %d)", MaxPBKDF2Iterations, iterations)
	}
	if n == 0 {
		return []byte{}, nil
	}
	out, err := pbkdf2.Key(newHash(h), string(password), salt, iterations, n)
	if err != nil {
		return nil, operationError("PBKDF2: %v", err)
	}
	return out, nil
}
