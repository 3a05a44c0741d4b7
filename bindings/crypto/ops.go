package crypto

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"strconv"
	"strings"

	"github.com/edged-dev/edged/runtime/op"
)

// The ops of crypto.subtle. Async ops copy their arguments, then finish on the job
// pool (pool.go); the isolate's thread never waits for the cryptography.
func init() {
	op.Register("op_crypto_digest", opDigest)
	op.Register("op_crypto_digest_async", opDigestAsync)
	op.Register("op_crypto_digest_update", opDigestUpdate)
	op.Register("op_crypto_digest_final", opDigestFinal)
	op.Register("op_crypto_timing_safe_equal", opTimingSafeEqual)
	op.Register("op_crypto_sign_sync", opSignSync)
	op.Register("op_crypto_verify_sync", opVerifySync)
	op.Register("op_crypto_encrypt_sync", opEncryptSync)
	op.Register("op_crypto_decrypt_sync", opDecryptSync)
	op.Register("op_crypto_sign", opSign)
	op.Register("op_crypto_verify", opVerify)
	op.Register("op_crypto_encrypt", opEncrypt)
	op.Register("op_crypto_decrypt", opDecrypt)
	op.Register("op_crypto_generate_key", opGenerateKey)
	op.Register("op_crypto_derive_bits", opDeriveBits)
	op.Register("op_crypto_import_key", opImportKey)
	op.Register("op_crypto_export_key", opExportKey)
}

func returnError(c op.Call, err error) {
	name, msg := errorName(err)
	c.ReturnError(name, msg)
}

// async settles the op's promise with what fn returns, computed on the worker's
// share of the job pool (pool.go); size is the bytes fn holds (its inputs).
func async(c op.Call, size int, fn func() (op.Value, error)) {
	done := c.Async()
	run := func() {
		defer func() {
			if r := recover(); r != nil {
				done.Reject("OperationError", fmt.Sprint("crypto: ", r))
			}
		}()
		v, err := fn()
		if err != nil {
			name, msg := errorName(err)
			done.Reject(name, msg)
			return
		}
		done.Resolve(v)
	}
	if err := jobs.submit(c.Worker(), int64(size), run); err != nil {
		name, msg := errorName(err)
		done.Reject(name, msg)
	}
}

// arg copies byte argument i (arguments are borrowed for the call only).
func arg(c op.Call, i int) []byte { return bytes.Clone(c.ArgView(i)) }

// op_crypto_digest(alg, data) → digest, synchronously (for small inputs).
func opDigest(c op.Call) {
	out, err := Digest(c.ArgString(0), c.ArgView(1))
	if err != nil {
		returnError(c, err)
		return
	}
	c.ReturnBytes(out)
}

// op_crypto_digest_async(pid, alg, data) → digest.
func opDigestAsync(c op.Call) {
	alg, data := c.ArgString(1), arg(c, 2)
	async(c, len(data), func() (op.Value, error) {
		out, err := Digest(alg, data)
		return op.Bytes(out), err
	})
}

// op_crypto_digest_update(alg, state, data) → the new state (DigestUpdate).
func opDigestUpdate(c op.Call) {
	out, err := DigestUpdate(c.ArgString(0), c.ArgView(1), c.ArgView(2))
	if err != nil {
		returnError(c, err)
		return
	}
	c.ReturnBytes(out)
}

// op_crypto_digest_final(alg, state) → digest.
func opDigestFinal(c op.Call) {
	out, err := DigestFinal(c.ArgString(0), c.ArgView(1))
	if err != nil {
		returnError(c, err)
		return
	}
	c.ReturnBytes(out)
}

// op_crypto_timing_safe_equal(a, b) → whether a and b (of equal length) are equal,
// in time that depends on their length only.
func opTimingSafeEqual(c op.Call) {
	c.ReturnBool(subtle.ConstantTimeCompare(c.ArgView(0), c.ArgView(1)) == 1)
}

// The symmetric algorithms also run synchronously on small inputs: HMAC and AES
// over a few kilobytes take a microsecond or two, far less than an async op's round
// trip through a goroutine and the loop's mailbox (see BenchmarkJS). Only these
// algorithms are accepted, and JS sends only small inputs (64 KiB at most).

// SyncLimit is the largest input the sync ops take.
const SyncLimit = 64 << 10

func syncAllowed(c op.Call, spec string, data []byte) bool {
	alg, _, _ := strings.Cut(spec, ":")
	switch alg {
	case "HMAC", "AES-CBC", "AES-CTR", "AES-GCM", "AES-KW":
		if len(data) <= SyncLimit {
			return true
		}
	}
	c.ReturnError("TypeError", "crypto: "+alg+" over "+strconv.Itoa(len(data))+" bytes cannot run synchronously")
	return false
}

// op_crypto_sign_sync(spec, key, data) → signature (HMAC only).
func opSignSync(c op.Call) {
	spec, data := c.ArgString(0), c.ArgView(2)
	if !syncAllowed(c, spec, data) {
		return
	}
	out, err := Sign(spec, c.ArgView(1), data)
	if err != nil {
		returnError(c, err)
		return
	}
	c.ReturnBytes(out)
}

// op_crypto_verify_sync(spec, key, signature, data) → boolean (HMAC only).
func opVerifySync(c op.Call) {
	spec, data := c.ArgString(0), c.ArgView(3)
	if !syncAllowed(c, spec, data) {
		return
	}
	ok, err := Verify(spec, c.ArgView(1), c.ArgView(2), data)
	if err != nil {
		returnError(c, err)
		return
	}
	c.ReturnBool(ok)
}

// op_crypto_encrypt_sync(spec, key, data, params) → ciphertext (AES only).
func opEncryptSync(c op.Call) { cryptSync(c, true) }

// op_crypto_decrypt_sync(spec, key, data, params) → plaintext (AES only).
func opDecryptSync(c op.Call) { cryptSync(c, false) }

func cryptSync(c op.Call, enc bool) {
	spec, data := c.ArgString(0), c.ArgView(2)
	if !syncAllowed(c, spec, data) {
		return
	}
	f := Decrypt
	if enc {
		f = Encrypt
	}
	out, err := f(spec, c.ArgView(1), data, c.ArgView(3))
	if err != nil {
		returnError(c, err)
		return
	}
	c.ReturnBytes(out)
}

// op_crypto_sign(pid, spec, key, data) → signature.
func opSign(c op.Call) {
	spec, key, data := c.ArgString(1), arg(c, 2), arg(c, 3)
	async(c, len(key)+len(data), func() (op.Value, error) {
		out, err := Sign(spec, key, data)
		return op.Bytes(out), err
	})
}

// op_crypto_verify(pid, spec, key, signature, data) → boolean.
func opVerify(c op.Call) {
	spec, key, sig, data := c.ArgString(1), arg(c, 2), arg(c, 3), arg(c, 4)
	async(c, len(key)+len(sig)+len(data), func() (op.Value, error) {
		ok, err := Verify(spec, key, sig, data)
		return op.Bool(ok), err
	})
}

// op_crypto_encrypt(pid, spec, key, data, params) → ciphertext.
func opEncrypt(c op.Call) {
	spec, key, data, params := c.ArgString(1), arg(c, 2), arg(c, 3), arg(c, 4)
	async(c, len(key)+len(data)+len(params), func() (op.Value, error) {
		out, err := Encrypt(spec, key, data, params)
		return op.Bytes(out), err
	})
}

// op_crypto_decrypt(pid, spec, key, data, params) → plaintext.
func opDecrypt(c op.Call) {
	spec, key, data, params := c.ArgString(1), arg(c, 2), arg(c, 3), arg(c, 4)
	async(c, len(key)+len(data)+len(params), func() (op.Value, error) {
		out, err := Decrypt(spec, key, data, params)
		return op.Bytes(out), err
	})
}

// op_crypto_generate_key(pid, spec, publicExponent) → Pack(private, public).
func opGenerateKey(c op.Call) {
	spec, exp := c.ArgString(1), arg(c, 2)
	async(c, len(exp), func() (op.Value, error) {
		priv, pub, err := GenerateKey(spec, exp)
		if err != nil {
			return op.Value{}, err
		}
		return op.Bytes(Pack([][]byte{priv, pub})), nil
	})
}

// op_crypto_derive_bits(pid, spec, key, a, b) → bits.
func opDeriveBits(c op.Call) {
	spec, key, a, b := c.ArgString(1), arg(c, 2), arg(c, 3), arg(c, 4)
	async(c, len(key)+len(a)+len(b), func() (op.Value, error) {
		out, err := DeriveBits(spec, key, a, b)
		return op.Bytes(out), err
	})
}

// op_crypto_import_key(pid, spec, format, data) → Pack(ImportKey(...)).
func opImportKey(c op.Call) {
	spec, format, data := c.ArgString(1), c.ArgString(2), arg(c, 3)
	async(c, len(data), func() (op.Value, error) {
		parts, err := ImportKey(spec, format, data)
		return op.Bytes(Pack(parts)), err
	})
}

// op_crypto_export_key(pid, spec, format, key) → Pack(ExportKey(...)).
func opExportKey(c op.Call) {
	spec, format, key := c.ArgString(1), c.ArgString(2), arg(c, 3)
	async(c, len(key), func() (op.Value, error) {
		parts, err := ExportKey(spec, format, key)
		return op.Bytes(Pack(parts)), err
	})
}
