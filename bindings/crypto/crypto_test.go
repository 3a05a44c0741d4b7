package crypto

import (
	"bytes"
	"crypto/aes"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// wantError checks err is an *Error named name.
func wantError(t *testing.T, what string, err error, name string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: got error %v, want a %s", what, err, name)
	}
	if e.Name != name {
		t.Fatalf("%s: got %s (%s), want %s", what, e.Name, e.Message, name)
	}
}

func TestDigest(t *testing.T) {
	// FIPS 180 examples: "abc".
	tests := []struct{ alg, want string }{
		{"SHA-1", "a9993e364706816aba3e25717850c26c9cd0d89d"},
		{"SHA-256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"SHA-384", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"},
		{"SHA-512", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
	}
	for _, tt := range tests {
		got, err := Digest(tt.alg, []byte("abc"))
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(got) != tt.want {
			t.Errorf("%s: got %x, want %s", tt.alg, got, tt.want)
		}
		// The same through a running state, fed in pieces.
		var state []byte
		for _, piece := range []string{"", "a", "bc"} {
			if state, err = DigestUpdate(tt.alg, state, []byte(piece)); err != nil {
				t.Fatal(err)
			}
		}
		got, err = DigestFinal(tt.alg, state)
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(got) != tt.want {
			t.Errorf("%s streamed: got %x, want %s", tt.alg, got, tt.want)
		}
	}
	if got, _ := Digest("MD5", []byte("abc")); hex.EncodeToString(got) != "900150983cd24fb0d6963f7d28e17f72" {
		t.Errorf("MD5: got %x", got)
	}
	state, _ := DigestUpdate("MD5", nil, []byte("ab"))
	state, _ = DigestUpdate("MD5", state, []byte("c"))
	if got, _ := DigestFinal("MD5", state); hex.EncodeToString(got) != "900150983cd24fb0d6963f7d28e17f72" {
		t.Errorf("MD5 streamed: got %x", got)
	}
	_, err := Digest("SHA-224", nil)
	wantError(t, "SHA-224", err, "NotSupportedError")
	_, err = Sign("HMAC:MD5", []byte("k"), nil)
	wantError(t, "HMAC with MD5", err, "NotSupportedError")
	_, err = DigestFinal("SHA-256", []byte("not a state"))
	wantError(t, "bad state", err, "OperationError")
}

func TestHMAC(t *testing.T) {
	// RFC 4231 test cases 1 and 2.
	key1 := bytes.Repeat([]byte{0x0b}, 20)
	tests := []struct {
		hash      string
		key, data []byte
		want      string
	}{
		{"SHA-256", key1, []byte("Hi There"), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
		{"SHA-512", key1, []byte("Hi There"), "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
		{"SHA-256", []byte("Jefe"), []byte("what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
	}
	for _, tt := range tests {
		sig, err := Sign("HMAC:"+tt.hash, tt.key, tt.data)
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(sig) != tt.want {
			t.Errorf("HMAC-%s: got %x, want %s", tt.hash, sig, tt.want)
		}
		if ok, _ := Verify("HMAC:"+tt.hash, tt.key, sig, tt.data); !ok {
			t.Errorf("HMAC-%s: own MAC does not verify", tt.hash)
		}
		sig[0] ^= 1
		if ok, _ := Verify("HMAC:"+tt.hash, tt.key, sig, tt.data); ok {
			t.Errorf("HMAC-%s: altered MAC verifies", tt.hash)
		}
		if ok, _ := Verify("HMAC:"+tt.hash, tt.key, sig[:10], tt.data); ok {
			t.Errorf("HMAC-%s: truncated MAC verifies", tt.hash)
		}
	}
}

func TestAESKW(t *testing.T) {
	// RFC 3394 §4.1 and §4.6.
	tests := []struct{ kek, data, want string }{
		{"000102030405060708090A0B0C0D0E0F", "00112233445566778899AABBCCDDEEFF",
			"1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5"},
		{"000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
			"00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F",
			"28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21"},
	}
	for _, tt := range tests {
		kek, data, want := unhex(t, tt.kek), unhex(t, tt.data), unhex(t, tt.want)
		got, err := Encrypt("AES-KW", kek, data, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("wrap: got %X, want %X", got, want)
		}
		back, err := Decrypt("AES-KW", kek, got, nil)
		if err != nil || !bytes.Equal(back, data) {
			t.Errorf("unwrap: got %X, %v; want %X", back, err, data)
		}
		got[3] ^= 0x40
		_, err = Decrypt("AES-KW", kek, got, nil)
		wantError(t, "unwrap of altered data", err, "OperationError")
	}
	_, err := Encrypt("AES-KW", make([]byte, 16), make([]byte, 20), nil)
	wantError(t, "wrap of 20 bytes", err, "OperationError")
	_, err = Encrypt("AES-KW", make([]byte, 15), make([]byte, 16), nil)
	wantError(t, "15-byte key", err, "OperationError")
}

func TestAESGCM(t *testing.T) {
	// The GCM specification's test cases 1 and 2 (zero key, zero 96-bit IV).
	key, iv := make([]byte, 16), make([]byte, 12)
	params := iv
	got, err := Encrypt("AES-GCM:128:12", key, nil, params)
	if err != nil {
		t.Fatal(err)
	}
	if want := "58e2fccefa7e3061367f1d57a4e7455a"; hex.EncodeToString(got) != want {
		t.Errorf("case 1: got %x, want %s", got, want)
	}
	got, err = Encrypt("AES-GCM:128:12", key, make([]byte, 16), params)
	if err != nil {
		t.Fatal(err)
	}
	if want := "0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf"; hex.EncodeToString(got) != want {
		t.Errorf("case 2: got %x, want %s", got, want)
	}

	// Every tag length, a long IV and additional data: round trips, truncated tags,
	// and rejection of any altered byte.
	key = unhex(t, "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
	plaintext := []byte("the quick brown fox jumps over the lazy dog")
	for _, ivLen := range []int{12, 16, 32} {
		iv := bytes.Repeat([]byte{7}, ivLen)
		params := append(append([]byte(nil), iv...), "header"...)
		full, err := Encrypt("AES-GCM:128:"+itoa(ivLen), key, plaintext, params)
		if err != nil {
			t.Fatal(err)
		}
		for _, tag := range []int{32, 64, 96, 104, 112, 120, 128} {
			spec := "AES-GCM:" + itoa(tag) + ":" + itoa(ivLen)
			ct, err := Encrypt(spec, key, plaintext, params)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(ct, full[:len(plaintext)+tag/8]) {
				t.Errorf("%s: the tag is not a truncation of the full tag", spec)
			}
			pt, err := Decrypt(spec, key, ct, params)
			if err != nil || !bytes.Equal(pt, plaintext) {
				t.Errorf("%s: decrypt: %v", spec, err)
			}
			for _, i := range []int{0, len(plaintext) - 1, len(ct) - 1} {
				bad := bytes.Clone(ct)
				bad[i] ^= 1
				_, err := Decrypt(spec, key, bad, params)
				wantError(t, spec+" altered", err, "OperationError")
			}
			badAAD := append(append([]byte(nil), iv...), "Header"...)
			_, err = Decrypt(spec, key, ct, badAAD)
			wantError(t, spec+" altered additional data", err, "OperationError")
		}
	}
	_, err = Encrypt("AES-GCM:48:12", key, nil, make([]byte, 12))
	wantError(t, "48-bit tag", err, "OperationError")
	_, err = Decrypt("AES-GCM:128:12", key, make([]byte, 15), make([]byte, 12))
	wantError(t, "data shorter than the tag", err, "OperationError")
}

func TestAESCBC(t *testing.T) {
	// NIST SP 800-38A F.2.1 (first two blocks), plus the PKCS #7 block.
	key := unhex(t, "2b7e151628aed2a6abf7158809cf4f3c")
	iv := unhex(t, "000102030405060708090a0b0c0d0e0f")
	pt := unhex(t, "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51")
	want := unhex(t, "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2")
	ct, err := Encrypt("AES-CBC", key, pt, iv)
	if err != nil {
		t.Fatal(err)
	}
	if len(ct) != 48 || !bytes.Equal(ct[:32], want) {
		t.Errorf("got %x, want %x + a padding block", ct, want)
	}
	back, err := Decrypt("AES-CBC", key, ct, iv)
	if err != nil || !bytes.Equal(back, pt) {
		t.Errorf("decrypt: got %x, %v", back, err)
	}
	for n := range 33 {
		msg := bytes.Repeat([]byte{byte(n)}, n)
		ct, _ := Encrypt("AES-CBC", key, msg, iv)
		if len(ct) != (n/16+1)*16 {
			t.Errorf("%d bytes: ciphertext of %d bytes", n, len(ct))
		}
		if back, err := Decrypt("AES-CBC", key, ct, iv); err != nil || !bytes.Equal(back, msg) {
			t.Errorf("%d bytes: round trip: %v", n, err)
		}
	}
	// A wrong last byte of padding, a truncated ciphertext, a short IV.
	b, _ := aes.NewCipher(key)
	block := make([]byte, 16)
	for i := range block {
		block[i] = 3 ^ iv[i]
	}
	block[15] = 0x11 ^ iv[15] // padding byte 17
	b.Encrypt(block, block)
	_, err = Decrypt("AES-CBC", key, block, iv)
	wantError(t, "bad padding", err, "OperationError")
	_, err = Decrypt("AES-CBC", key, ct[:17], iv)
	wantError(t, "17 bytes", err, "OperationError")
	_, err = Encrypt("AES-CBC", key, pt, iv[:8])
	wantError(t, "8-byte iv", err, "OperationError")
}

func TestAESCTR(t *testing.T) {
	// NIST SP 800-38A F.5.1.
	key := unhex(t, "2b7e151628aed2a6abf7158809cf4f3c")
	ctr := unhex(t, "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")
	pt := unhex(t, "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51")
	want := unhex(t, "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff")
	got, err := Encrypt("AES-CTR:128", key, pt, ctr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("got %x, want %x", got, want)
	}
	// With an 8-bit counter, the block after ...ff is ...00 with the other bytes kept
	// (the 128-bit count would carry into them).
	b, _ := aes.NewCipher(key)
	keystream := func(counter []byte) []byte {
		out := make([]byte, 16)
		b.Encrypt(out, counter)
		return out
	}
	c := bytes.Repeat([]byte{0xee}, 16)
	c[15] = 0xff
	next := bytes.Clone(c)
	next[15] = 0
	data := make([]byte, 40)
	got, err = Encrypt("AES-CTR:8", key, data, c)
	if err != nil {
		t.Fatal(err)
	}
	wantKS := append(keystream(c), keystream(next)...)
	next[15] = 1
	wantKS = append(wantKS, keystream(next)[:8]...)
	if !bytes.Equal(got, wantKS) {
		t.Errorf("wrapping counter: got %x, want %x", got, wantKS)
	}
	// Decryption is the same operation.
	if back, _ := Decrypt("AES-CTR:8", key, got, c); !bytes.Equal(back, data) {
		t.Errorf("decrypt: got %x", back)
	}
	// Two blocks fit a 1-bit counter; three would repeat it.
	if _, err := Encrypt("AES-CTR:1", key, make([]byte, 32), ctr); err != nil {
		t.Errorf("two blocks, 1-bit counter: %v", err)
	}
	_, err = Encrypt("AES-CTR:1", key, make([]byte, 33), ctr)
	wantError(t, "three blocks, 1-bit counter", err, "OperationError")
	_, err = Encrypt("AES-CTR:0", key, pt, ctr)
	wantError(t, "0-bit counter", err, "OperationError")
	_, err = Encrypt("AES-CTR:129", key, pt, ctr)
	wantError(t, "129-bit counter", err, "OperationError")
}

func TestHKDF(t *testing.T) {
	// RFC 5869 test case 1.
	ikm := bytes.Repeat([]byte{0x0b}, 22)
	salt := unhex(t, "000102030405060708090a0b0c")
	info := unhex(t, "f0f1f2f3f4f5f6f7f8f9")
	got, err := DeriveBits("HKDF:SHA-256:42", ikm, salt, info)
	if err != nil {
		t.Fatal(err)
	}
	want := "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
	if hex.EncodeToString(got) != want {
		t.Errorf("got %x, want %s", got, want)
	}
	if got, err := DeriveBits("HKDF:SHA-256:0", ikm, salt, info); err != nil || len(got) != 0 {
		t.Errorf("0 bytes: got %x, %v", got, err)
	}
	_, err = DeriveBits("HKDF:SHA-256:8161", ikm, salt, info) // 255*32 + 1
	wantError(t, "too long", err, "OperationError")
}

func TestPBKDF2(t *testing.T) {
	// RFC 6070.
	tests := []struct {
		iter int
		want string
	}{
		{1, "0c60c80f961f0e71f3a9b524af6012062fe037a6"},
		{2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"},
		{4096, "4b007901b765489abead49d926f721d065a429c1"},
	}
	for _, tt := range tests {
		got, err := DeriveBits("PBKDF2:SHA-1:"+itoa(tt.iter)+":20", []byte("password"), []byte("salt"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(got) != tt.want {
			t.Errorf("%d iterations: got %x, want %s", tt.iter, got, tt.want)
		}
	}
	_, err := DeriveBits("PBKDF2:SHA-1:0:20", []byte("password"), []byte("salt"), nil)
	wantError(t, "0 iterations", err, "OperationError")
	_, err = DeriveBits("PBKDF2:SHA-1:100001:20", []byte("password"), []byte("salt"), nil)
	wantError(t, "100001 iterations", err, "NotSupportedError")
	_, err = DeriveBits("PBKDF2:MD5:1:20", []byte("password"), []byte("salt"), nil)
	wantError(t, "MD5", err, "NotSupportedError")
}

func TestPack(t *testing.T) {
	parts := [][]byte{{}, {1, 2, 3}, bytes.Repeat([]byte{9}, 300)}
	got, err := Unpack(Pack(parts))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(parts) {
		t.Fatalf("got %d parts, want %d", len(got), len(parts))
	}
	for i := range parts {
		if !bytes.Equal(got[i], parts[i]) {
			t.Errorf("part %d: got %x, want %x", i, got[i], parts[i])
		}
	}
	for _, bad := range [][]byte{{0, 0, 1}, {0, 0, 0, 5, 1}} {
		if _, err := Unpack(bad); err == nil {
			t.Errorf("Unpack(%x): no error", bad)
		}
	}
}

func TestUnsupported(t *testing.T) {
	_, err := Sign("DSA:SHA-256", nil, nil)
	wantError(t, "sign DSA", err, "NotSupportedError")
	_, err = Encrypt("AES-XTS", nil, nil, nil)
	wantError(t, "encrypt AES-XTS", err, "NotSupportedError")
	_, _, err = GenerateKey("EC:P-512", nil)
	wantError(t, "P-512", err, "NotSupportedError")
	_, err = DeriveBits("ECDH:secp256k1", nil, nil, nil)
	wantError(t, "secp256k1", err, "NotSupportedError")
}

func itoa(n int) string { return strconv.Itoa(n) }
