// Package crypto is the Go half of WebCrypto (crypto.subtle): the cryptography behind
// the ops that bindings/crypto/*.js call. The JS half normalizes algorithms, checks
// usages and keeps each CryptoKey's material as bytes; every op receives the key
// material it needs, so Go holds no per-isolate key state.
//
// Key material as JS stores it (and as every function here takes it):
//
//	secret keys (AES, HMAC, HKDF, PBKDF2)  the raw key bytes
//	RSA private / public                    PKCS #1 RSAPrivateKey / RSAPublicKey DER
//	EC private / public                     the scalar d (curve size) / the uncompressed point
//	Ed25519, X25519 private / public        the 32-byte seed / the 32-byte public key
//	Ed448 private / public                  the 57-byte seed / the 57-byte public key
//	X448 private / public                   the 56-byte scalar / the 56-byte public key
//
// Algorithm parameters travel in a spec string, fields joined by ':'
// ("RSA-PSS:SHA-256:32", "AES-GCM:128:12"), because ops take primitives only.
package crypto

import (
	"errors"
	"fmt"
)

// Error is a failure that reaches JS as a DOMException named Name.
type Error struct {
	Name    string // OperationError, DataError, NotSupportedError, InvalidAccessError, ...
	Message string
}

func (e *Error) Error() string { return e.Name + ": " + e.Message }

func newError(name, format string, args ...any) error {
	return &Error{Name: name, Message: fmt.Sprintf(format, args...)}
}

func operationError(format string, args ...any) error {
	return newError("OperationError", format, args...)
}

func dataError(format string, args ...any) error { return newError("DataError", format, args...) }

func notSupported(format string, args ...any) error {
	return newError("NotSupportedError", format, args...)
}

// errorName is the DOMException name for err: its own for an *Error, OperationError
// for anything else (a failure inside the cryptography).
func errorName(err error) (name, message string) {
	var e *Error
	if errors.As(err, &e) {
		return e.Name, e.Message
	}
	return "OperationError", err.Error()
}
