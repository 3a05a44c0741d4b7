package crypto

import (
	gocrypto "crypto"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding"
	"hash"
)

// hashByName maps a WebCrypto hash name to Go's hash.
func hashByName(name string) (gocrypto.Hash, error) {
	switch name {
	case "SHA-1":
		return gocrypto.SHA1, nil
	case "SHA-256":
		return gocrypto.SHA256, nil
	case "SHA-384":
		return gocrypto.SHA384, nil
	case "SHA-512":
		return gocrypto.SHA512, nil
	}
	return 0, notSupported("unsupported hash algorithm %q", name)
}

// newHash returns a constructor for the hash, for the generic crypto/hkdf and
// crypto/pbkdf2 APIs.
func newHash(h gocrypto.Hash) func() hash.Hash {
	switch h {
	case gocrypto.SHA1:
		return sha1.New
	case gocrypto.SHA256:
		return sha256.New
	case gocrypto.SHA384:
		return sha512.New384
	default:
		return sha512.New
	}
}

// Digest returns the hash of data; alg is SHA-1, SHA-256, SHA-384, SHA-512, or MD5
// (which Workers offers to digest() and DigestStream only, for legacy protocols).
func Digest(alg string, data []byte) ([]byte, error) {
	if alg == "MD5" {
		s := md5.Sum(data)
		return s[:], nil
	}
	h, err := hashByName(alg)
	if err != nil {
		return nil, err
	}
	return sum(h, data), nil
}

func sum(h gocrypto.Hash, data []byte) []byte {
	switch h {
	case gocrypto.SHA1:
		s := sha1.Sum(data)
		return s[:]
	case gocrypto.SHA256:
		s := sha256.Sum256(data)
		return s[:]
	case gocrypto.SHA384:
		s := sha512.Sum384(data)
		return s[:]
	default:
		s := sha512.Sum512(data)
		return s[:]
	}
}

// DigestUpdate feeds data to a running digest whose state is kept by the caller:
// state is nil for a fresh digest, otherwise what the previous call returned. The
// state is the hash's own binary marshaling, so a stream keeps no Go-side handle.
func DigestUpdate(alg string, state, data []byte) ([]byte, error) {
	h, err := resumeHash(alg, state)
	if err != nil {
		return nil, err
	}
	h.Write(data)
	return h.(encoding.BinaryMarshaler).MarshalBinary()
}

// DigestFinal returns the digest of a running state (nil: of no data).
func DigestFinal(alg string, state []byte) ([]byte, error) {
	h, err := resumeHash(alg, state)
	if err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

func resumeHash(alg string, state []byte) (hash.Hash, error) {
	var h hash.Hash
	if alg == "MD5" {
		h = md5.New()
	} else {
		id, err := hashByName(alg)
		if err != nil {
			return nil, err
		}
		h = newHash(id)()
	}
	if len(state) > 0 {
		if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(state); err != nil {
			return nil, operationError("digest state: %v", err)
		}
	}
	return h, nil
}
