package crypto

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/subtle"
	"encoding/binary"
	"math/big"
)

func newAES(key []byte) (cipher.Block, error) {
	switch len(key) {
	case 16, 24, 32:
		return aes.NewCipher(key)
	}
	return nil, operationError("AES keys are 128, 192 or 256 bits, not %d", 8*len(key))
}

// aesCBCEncrypt pads with PKCS #7 and encrypts.
func aesCBCEncrypt(key, iv, plaintext []byte) ([]byte, error) {
	b, err := newAES(key)
	if err != nil {
		return nil, err
	}
	if len(iv) != aes.BlockSize {
		return nil, operationError("AES-CBC: iv must be 16 bytes, not %d", len(iv))
	}
	pad := aes.BlockSize - len(plaintext)%aes.BlockSize
	out := make([]byte, len(plaintext)+pad)
	copy(out, plaintext)
	for i := len(plaintext); i < len(out); i++ {
		out[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(b, iv).CryptBlocks(out, out)
	return out, nil
}

// aesCBCDecrypt decrypts and removes the PKCS #7 padding.
func aesCBCDecrypt(key, iv, ciphertext []byte) ([]byte, error) {
	b, err := newAES(key)
	if err != nil {
		return nil, err
	}
	if len(iv) != aes.BlockSize {
		return nil, operationError("AES-CBC: iv must be 16 bytes, not %d", len(iv))
	}
	if len(ciphertext) == 0 || len(ciphertext)%aes.BlockSize != 0 {
		return nil, operationError("AES-CBC: the ciphertext length (%d) is not a positive multiple of 16", len(ciphertext))
	}
	out := make([]byte, len(ciphertext))
	cipher.NewCBCDecrypter(b, iv).CryptBlocks(out, ciphertext)
	// Check the padding without branching on its bytes.
	pad := int(out[len(out)-1])
	good := subtle.ConstantTimeLessOrEq(1, pad) & subtle.ConstantTimeLessOrEq(pad, aes.BlockSize)
	for i := 1; i <= aes.BlockSize; i++ {
		inPad := subtle.ConstantTimeLessOrEq(i, pad)
		match := subtle.ConstantTimeByteEq(out[len(out)-i], byte(pad))
		good &= subtle.ConstantTimeSelect(inPad, match, 1)
	}
	if good != 1 {
		return nil, operationError("AES-CBC: bad padding")
	}
	return out[:len(out)-pad], nil
}

// aesCTR encrypts (or decrypts) with a counter block whose rightmost length bits
// count, wrapping within those bits as WebCrypto's AES-CTR does.
func aesCTR(key, counter []byte, length int, data []byte) ([]byte, error) {
	b, err := newAES(key)
	if err != nil {
		return nil, err
	}
	if len(counter) != aes.BlockSize {
		return nil, operationError("AES-CTR: counter must be 16 bytes, not %d", len(counter))
	}
	if length < 1 || length > 128 {
		return nil, operationError("AES-CTR: length must be between 1 and 128, not %d", length)
	}
	blocks := (len(data) + aes.BlockSize - 1) / aes.BlockSize
	if length < 64 && uint64(blocks) > uint64(1)<<length {
		return nil, operationError("AES-CTR: the counter would repeat: %d blocks for a %d-bit counter", blocks, length)
	}
	out := make([]byte, len(data))
	if length == 128 {
		cipher.NewCTR(b, counter).XORKeyStream(out, data)
		return out, nil
	}
	// Split the data where the low length bits of the counter wrap to zero; within a
	// segment Go's full-width counter never carries past those bits.
	ctr := new(big.Int).SetBytes(counter)
	mod := new(big.Int).Lsh(big.NewInt(1), uint(length))
	low := new(big.Int).Mod(ctr, mod)
	high := new(big.Int).Sub(ctr, low)
	left := new(big.Int).Sub(mod, low) // blocks before the wrap
	block := make([]byte, aes.BlockSize)
	for done := 0; done < len(data); {
		n := len(data) - done
		if left.IsInt64() && left.Int64() < int64((n+aes.BlockSize-1)/aes.BlockSize) {
			n = int(left.Int64()) * aes.BlockSize
		}
		new(big.Int).Add(high, low).FillBytes(block)
		cipher.NewCTR(b, block).XORKeyStream(out[done:done+n], data[done:done+n])
		done += n
		low.SetInt64(0)
		left.Set(mod)
	}
	return out, nil
}

// newGCM returns AES-GCM with a 16-byte tag for the iv's length.
func newGCM(key, iv []byte) (cipher.AEAD, error) {
	b, err := newAES(key)
	if err != nil {
		return nil, err
	}
	if len(iv) == 0 {
		return nil, operationError("AES-GCM: the iv is empty")
	}
	if len(iv) == 12 {
		return cipher.NewGCM(b)
	}
	return cipher.NewGCMWithNonceSize(b, len(iv))
}

func checkTagLength(tagBits int) error {
	switch tagBits {
	case 32, 64, 96, 104, 112, 120, 128:
		return nil
	}
	return operationError("AES-GCM: tagLength must be 32, 64, 96, 104, 112, 120 or 128, not %d", tagBits)
}

// aesGCMSeal encrypts and appends a tag of tagBits bits (a truncation of the full
// tag, as GCM defines shorter tags).
func aesGCMSeal(key, iv, aad, plaintext []byte, tagBits int) ([]byte, error) {
	if err := checkTagLength(tagBits); err != nil {
		return nil, err
	}
	g, err := newGCM(key, iv)
	if err != nil {
		return nil, err
	}
	out := g.Seal(nil, iv, plaintext, aad)
	return out[:len(plaintext)+tagBits/8], nil
}

// aesGCMOpen checks the tag and decrypts.
func aesGCMOpen(key, iv, aad, sealed []byte, tagBits int) ([]byte, error) {
	if err := checkTagLength(tagBits); err != nil {
		return nil, err
	}
	tagLen := tagBits / 8
	if len(sealed) < tagLen {
		return nil, operationError("AES-GCM: the data is shorter than the tag")
	}
	g, err := newGCM(key, iv)
	if err != nil {
		return nil, err
	}
	if tagLen == 16 {
		out, err := g.Open(nil, iv, sealed, aad)
		if err != nil {
			return nil, operationError("AES-GCM: the data is not authentic")
		}
		return out, nil
	}
	// A short tag: GCM's keystream is its own inverse, so sealing the ciphertext
	// yields the plaintext; sealing that plaintext again yields the full tag, whose
	// prefix must match.
	ct, tag := sealed[:len(sealed)-tagLen], sealed[len(sealed)-tagLen:]
	pt := g.Seal(nil, iv, ct, nil)[:len(ct)]
	full := g.Seal(nil, iv, pt, aad)
	if subtle.ConstantTimeCompare(full[len(ct):len(ct)+tagLen], tag) != 1 {
		return nil, operationError("AES-GCM: the data is not authentic")
	}
	return pt, nil
}

// kwIV is RFC 3394's default initial value.
var kwIV = [8]byte{0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6}

// aesKWWrap wraps plaintext (a multiple of 8 bytes, at least 16) per RFC 3394 §2.2.1.
func aesKWWrap(key, plaintext []byte) ([]byte, error) {
	b, err := newAES(key)
	if err != nil {
		return nil, err
	}
	if len(plaintext) < 16 || len(plaintext)%8 != 0 {
		return nil, operationError("AES-KW: the data to wrap must be a multiple of 8 bytes and at least 16, not %d", len(plaintext))
	}
	n := len(plaintext) / 8
	out := make([]byte, 8+len(plaintext))
	copy(out[8:], plaintext)
	var a [8]byte
	a = kwIV
	var buf [16]byte
	for j := 0; j < 6; j++ {
		for i := 1; i <= n; i++ {
			copy(buf[:8], a[:])
			copy(buf[8:], out[8*i:8*i+8])
			b.Encrypt(buf[:], buf[:])
			t := uint64(n*j + i)
			binary.BigEndian.PutUint64(a[:], binary.BigEndian.Uint64(buf[:8])^t)
			copy(out[8*i:8*i+8], buf[8:])
		}
	}
	copy(out[:8], a[:])
	return out, nil
}

// aesKWUnwrap reverses aesKWWrap and checks the integrity value.
func aesKWUnwrap(key, wrapped []byte) ([]byte, error) {
	b, err := newAES(key)
	if err != nil {
		return nil, err
	}
	if len(wrapped) < 24 || len(wrapped)%8 != 0 {
		return nil, operationError("AES-KW: wrapped data must be a multiple of 8 bytes and at least 24, not %d", len(wrapped))
	}
	n := len(wrapped)/8 - 1
	out := make([]byte, len(wrapped)-8)
	copy(out, wrapped[8:])
	var a [8]byte
	copy(a[:], wrapped[:8])
	var buf [16]byte
	for j := 5; j >= 0; j-- {
		for i := n; i >= 1; i-- {
			t := uint64(n*j + i)
			binary.BigEndian.PutUint64(buf[:8], binary.BigEndian.Uint64(a[:])^t)
			copy(buf[8:], out[8*(i-1):8*i])
			b.Decrypt(buf[:], buf[:])
			copy(a[:], buf[:8])
			copy(out[8*(i-1):8*i], buf[8:])
		}
	}
	if subtle.ConstantTimeCompare(a[:], kwIV[:]) != 1 {
		return nil, operationError("AES-KW: the wrapped key failed its integrity check")
	}
	return out, nil
}
