package crypto

import (
	"bytes"
	gocrypto "crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"math/big"
	"strconv"
	"sync"
	"testing"
)

// One RSA key for the whole package's tests: generating keys is slow.
var (
	rsaOnce            sync.Once
	rsaPrivDER, rsaPub []byte
)

func testRSAKey(t testing.TB) (priv, pub []byte) {
	t.Helper()
	rsaOnce.Do(func() {
		var err error
		rsaPrivDER, rsaPub, err = GenerateKey("RSA:2048", []byte{1, 0, 1})
		if err != nil {
			t.Fatal(err)
		}
	})
	if rsaPrivDER == nil {
		t.Fatal("no RSA key")
	}
	return rsaPrivDER, rsaPub
}

func TestRSASignVerify(t *testing.T) {
	priv, pub := testRSAKey(t)
	msg := []byte("message to sign")
	specs := []string{
		"RSASSA-PKCS1-v1_5:SHA-1", "RSASSA-PKCS1-v1_5:SHA-256", "RSASSA-PKCS1-v1_5:SHA-512",
		"RSA-PSS:SHA-256:0", "RSA-PSS:SHA-256:32", "RSA-PSS:SHA-384:48", "RSA-PSS:SHA-1:20", "RSA-PSS:SHA-512:0",
	}
	for _, spec := range specs {
		sig, err := Sign(spec, priv, msg)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		if len(sig) != 256 {
			t.Errorf("%s: signature of %d bytes", spec, len(sig))
		}
		if ok, err := Verify(spec, pub, sig, msg); !ok || err != nil {
			t.Errorf("%s: own signature does not verify (%v)", spec, err)
		}
		if ok, _ := Verify(spec, pub, sig, []byte("other message")); ok {
			t.Errorf("%s: verifies another message", spec)
		}
		bad := bytes.Clone(sig)
		bad[len(bad)/2] ^= 1
		if ok, _ := Verify(spec, pub, bad, msg); ok {
			t.Errorf("%s: verifies an altered signature", spec)
		}
		if ok, _ := Verify(spec, pub, sig[1:], msg); ok {
			t.Errorf("%s: verifies a short signature", spec)
		}
	}
	// An empty salt makes PSS deterministic, and Go's verifier (which finds the salt
	// length itself) agrees with our encoding.
	s1, _ := Sign("RSA-PSS:SHA-256:0", priv, msg)
	s2, _ := Sign("RSA-PSS:SHA-256:0", priv, msg)
	if !bytes.Equal(s1, s2) {
		t.Error("PSS with an empty salt is not deterministic")
	}
	k, _ := x509.ParsePKCS1PublicKey(pub)
	if err := rsa.VerifyPSS(k, gocrypto.SHA256, sum(gocrypto.SHA256, msg), s1, nil); err != nil {
		t.Errorf("Go rejects our empty-salt PSS signature: %v", err)
	}
	// A salt-32 signature is not a salt-0 one, nor the reverse.
	s32, _ := Sign("RSA-PSS:SHA-256:32", priv, msg)
	if ok, _ := Verify("RSA-PSS:SHA-256:0", pub, s32, msg); ok {
		t.Error("a salt-32 signature verifies as salt 0")
	}
	if ok, _ := Verify("RSA-PSS:SHA-256:32", pub, s1, msg); ok {
		t.Error("a salt-0 signature verifies as salt 32")
	}
	_, err := Sign("RSA-PSS:SHA-512:300", priv, msg)
	wantError(t, "salt longer than the key allows", err, "OperationError")
}

func TestRSAOAEP(t *testing.T) {
	priv, pub := testRSAKey(t)
	for _, h := range []string{"SHA-1", "SHA-256", "SHA-512"} {
		for _, label := range [][]byte{nil, []byte("label")} {
			ct, err := Encrypt("RSA-OAEP:"+h, pub, []byte("secret"), label)
			if err != nil {
				t.Fatal(err)
			}
			pt, err := Decrypt("RSA-OAEP:"+h, priv, ct, label)
			if err != nil || string(pt) != "secret" {
				t.Errorf("%s label %q: got %q, %v", h, label, pt, err)
			}
			_, err = Decrypt("RSA-OAEP:"+h, priv, ct, []byte("other"))
			wantError(t, "wrong label", err, "OperationError")
		}
	}
	_, err := Encrypt("RSA-OAEP:SHA-512", pub, make([]byte, 200), nil)
	wantError(t, "message too long", err, "OperationError")
}

func TestRSAImportExport(t *testing.T) {
	priv, pub := testRSAKey(t)
	for _, private := range []bool{false, true} {
		key, typ := pub, "public"
		formats := []string{"spki", "jwk"}
		if private {
			key, typ = priv, "private"
			formats = []string{"pkcs8", "jwk"}
		}
		for _, format := range formats {
			parts, err := ExportKey("RSA:"+typ, format, key)
			if err != nil {
				t.Fatalf("export %s %s: %v", typ, format, err)
			}
			in, importFormat := parts[0], format
			if format == "jwk" {
				in, importFormat = Pack(parts), "jwk-"+typ
			}
			got, err := ImportKey("RSA", importFormat, in)
			if err != nil {
				t.Fatalf("import %s %s: %v", typ, format, err)
			}
			if !bytes.Equal(got[0], key) {
				t.Errorf("%s %s: the round trip changed the key", typ, format)
			}
			if string(got[1]) != "2048" || !bytes.Equal(got[2], []byte{1, 0, 1}) {
				t.Errorf("%s %s: got modulusLength %s, exponent %x", typ, format, got[1], got[2])
			}
		}
	}
	// A JWK whose dp does not belong to its primes.
	parts, _ := ExportKey("RSA:private", "jwk", priv)
	parts[5] = append([]byte{1}, parts[5]...)
	_, err := ImportKey("RSA", "jwk-private", Pack(parts))
	wantError(t, "inconsistent dp", err, "DataError")
	_, err = ImportKey("RSA", "spki", []byte("garbage"))
	wantError(t, "garbage spki", err, "DataError")
	ecPriv, _, _ := GenerateKey("EC:P-256", nil)
	ecPKCS8, _ := ExportKey("EC:P-256:private", "pkcs8", ecPriv)
	_, err = ImportKey("RSA", "pkcs8", ecPKCS8[0])
	wantError(t, "EC key as RSA", err, "DataError")
	_, err = ExportKey("RSA:public", "pkcs8", pub)
	wantError(t, "public key as pkcs8", err, "InvalidAccessError")
	_, _, err = GenerateKey("RSA:2048", []byte{3})
	wantError(t, "exponent 3", err, "OperationError")
	_, _, err = GenerateKey("RSA:8192", []byte{1, 0, 1})
	wantError(t, "8192 bits", err, "OperationError")
}

func TestECDSA(t *testing.T) {
	for _, curve := range []string{"P-256", "P-384", "P-521"} {
		d, point, err := GenerateKey("EC:"+curve, nil)
		if err != nil {
			t.Fatal(err)
		}
		c := ecCurves[curve]
		if len(d) != c.size || len(point) != 1+2*c.size || point[0] != 4 {
			t.Fatalf("%s: key of %d and %d bytes", curve, len(d), len(point))
		}
		for _, h := range []string{"SHA-1", "SHA-256", "SHA-384", "SHA-512"} {
			spec := "ECDSA:" + curve + ":" + h
			sig, err := Sign(spec, d, []byte("msg"))
			if err != nil {
				t.Fatal(err)
			}
			if len(sig) != 2*c.size {
				t.Errorf("%s: signature of %d bytes", spec, len(sig))
			}
			if ok, err := Verify(spec, point, sig, []byte("msg")); !ok || err != nil {
				t.Errorf("%s: own signature does not verify (%v)", spec, err)
			}
			// Go's own verifier accepts it as DER.
			pub, _ := ecdsa.ParseUncompressedPublicKey(c.curve, point)
			h2, _ := hashByName(h)
			r := new(big.Int).SetBytes(sig[:c.size])
			s := new(big.Int).SetBytes(sig[c.size:])
			if !ecdsa.Verify(pub, sum(h2, []byte("msg")), r, s) {
				t.Errorf("%s: Go rejects the signature", spec)
			}
			for _, bad := range [][]byte{sig[1:], append(bytes.Clone(sig), 0), make([]byte, len(sig))} {
				if ok, err := Verify(spec, point, bad, []byte("msg")); ok || err != nil {
					t.Errorf("%s: a malformed signature gave %v, %v", spec, ok, err)
				}
			}
		}
	}
}

func TestECImportExport(t *testing.T) {
	for _, curve := range []string{"P-256", "P-384", "P-521"} {
		c := ecCurves[curve]
		d, point, _ := GenerateKey("EC:"+curve, nil)
		// spki, raw and jwk of the public key; pkcs8 and jwk of the private one.
		for _, tc := range []struct {
			typ, format string
			key         []byte
		}{
			{"public", "spki", point}, {"public", "raw", point}, {"public", "jwk", point},
			{"private", "pkcs8", d}, {"private", "jwk", d},
		} {
			parts, err := ExportKey("EC:"+curve+":"+tc.typ, tc.format, tc.key)
			if err != nil {
				t.Fatalf("%s export %s %s: %v", curve, tc.typ, tc.format, err)
			}
			in, f := parts[0], tc.format
			if f == "jwk" {
				in, f = Pack(parts), "jwk-"+tc.typ
			}
			got, err := ImportKey("EC:"+curve, f, in)
			if err != nil {
				t.Fatalf("%s import %s %s: %v", curve, tc.typ, tc.format, err)
			}
			if !bytes.Equal(got[0], tc.key) {
				t.Errorf("%s %s %s: the round trip changed the key", curve, tc.typ, tc.format)
			}
		}
		// A compressed point (raw and inside an SPKI) decodes to the same key.
		x := point[1 : 1+c.size]
		compressed := append([]byte{2 | point[len(point)-1]&1}, x...)
		got, err := ImportKey("EC:"+curve, "raw", compressed)
		if err != nil || !bytes.Equal(got[0], point) {
			t.Errorf("%s compressed raw: %v", curve, err)
		}
		flipped := append([]byte{compressed[0] ^ 1}, x...)
		if got, _ := ImportKey("EC:"+curve, "raw", flipped); got != nil && bytes.Equal(got[0], point) {
			t.Errorf("%s: the other parity gave the same point", curve)
		}
		// A JWK whose d belongs to another key, a point off the curve, the wrong curve.
		d2, _, _ := GenerateKey("EC:"+curve, nil)
		_, err = ImportKey("EC:"+curve, "jwk-private", Pack([][]byte{x, point[1+c.size:], d2}))
		wantError(t, curve+" mismatched d", err, "DataError")
		off := bytes.Clone(point)
		off[len(off)-1] ^= 1
		_, err = ImportKey("EC:"+curve, "raw", off)
		wantError(t, curve+" point off the curve", err, "DataError")
		other := map[string]string{"P-256": "P-384", "P-384": "P-521", "P-521": "P-256"}[curve]
		spki, _ := ExportKey("EC:"+curve+":public", "spki", point)
		_, err = ImportKey("EC:"+other, "spki", spki[0])
		wantError(t, curve+" spki as "+other, err, "DataError")
		pkcs8, _ := ExportKey("EC:"+curve+":private", "pkcs8", d)
		_, err = ImportKey("EC:"+other, "pkcs8", pkcs8[0])
		wantError(t, curve+" pkcs8 as "+other, err, "DataError")
	}
}

func TestECDH(t *testing.T) {
	for _, curve := range []string{"P-256", "P-384", "P-521"} {
		d1, p1, _ := GenerateKey("EC:"+curve, nil)
		d2, p2, _ := GenerateKey("EC:"+curve, nil)
		s1, err := DeriveBits("ECDH:"+curve, d1, p2, nil)
		if err != nil {
			t.Fatal(err)
		}
		s2, _ := DeriveBits("ECDH:"+curve, d2, p1, nil)
		if !bytes.Equal(s1, s2) || len(s1) != ecCurves[curve].size {
			t.Errorf("%s: the two sides disagree (%x, %x)", curve, s1, s2)
		}
	}
}

func TestX25519(t *testing.T) {
	// RFC 7748 §6.1.
	alice := unhex(t, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
	alicePub := unhex(t, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
	bobPub := unhex(t, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
	shared := unhex(t, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
	got, err := DeriveBits("X25519", alice, bobPub, nil)
	if err != nil || !bytes.Equal(got, shared) {
		t.Errorf("got %x, %v; want %x", got, err, shared)
	}
	if pub, _ := okpPublicOf("X25519", alice); !bytes.Equal(pub, alicePub) {
		t.Errorf("public key: got %x, want %x", pub, alicePub)
	}
	// A small-order peer gives the all-zero secret, which is refused.
	_, err = DeriveBits("X25519", alice, make([]byte, 32), nil)
	wantError(t, "all-zero secret", err, "OperationError")
	testOKPImportExport(t, "X25519", alice, alicePub)
}

func TestEd25519(t *testing.T) {
	// RFC 8032 §7.1, test 1.
	seed := unhex(t, "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
	pub := unhex(t, "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
	want := unhex(t, "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
	sig, err := Sign("Ed25519", seed, nil)
	if err != nil || !bytes.Equal(sig, want) {
		t.Fatalf("got %x, %v; want %x", sig, err, want)
	}
	if ok, _ := Verify("Ed25519", pub, sig, nil); !ok {
		t.Error("the RFC signature does not verify")
	}
	if ok, _ := Verify("Ed25519", pub, sig, []byte{0}); ok {
		t.Error("verifies another message")
	}
	testOKPImportExport(t, "Ed25519", seed, pub)
}

// Small-order public keys and R values are refused, whatever the signature.
func TestEd25519SmallOrder(t *testing.T) {
	small := []string{
		"0100000000000000000000000000000000000000000000000000000000000000", // identity
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // -1
		"0000000000000000000000000000000000000000000000000000000000000080", // order 4
		"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
		"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
		"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // 1 + p, non-canonical
	}
	for _, s := range small {
		if !smallOrder(unhex(t, s)) {
			t.Errorf("%s: not seen as small order", s)
		}
	}
	pub := unhex(t, "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
	if smallOrder(pub) {
		t.Error("a real public key is seen as small order")
	}
	sig := make([]byte, 64)
	copy(sig, unhex(t, small[0]))
	if ok, _ := Verify("Ed25519", pub, sig, nil); ok {
		t.Error("a signature with a small-order R verifies")
	}
}

func testOKPImportExport(t *testing.T, alg string, seed, pub []byte) {
	t.Helper()
	for _, tc := range []struct {
		typ, format string
		key         []byte
	}{
		{"public", "raw", pub}, {"public", "spki", pub}, {"public", "jwk", pub},
		{"private", "pkcs8", seed}, {"private", "jwk", seed},
	} {
		parts, err := ExportKey(alg+":"+tc.typ, tc.format, tc.key)
		if err != nil {
			t.Fatalf("%s export %s %s: %v", alg, tc.typ, tc.format, err)
		}
		in, f := parts[0], tc.format
		if f == "jwk" {
			in, f = Pack(parts), "jwk-"+tc.typ
		}
		got, err := ImportKey(alg, f, in)
		if err != nil {
			t.Fatalf("%s import %s %s: %v", alg, tc.typ, tc.format, err)
		}
		if !bytes.Equal(got[0], tc.key) {
			t.Errorf("%s %s %s: the round trip changed the key", alg, tc.typ, tc.format)
		}
	}
	other := append([]byte{}, seed...)
	other[0] ^= 0x55
	_, err := ImportKey(alg, "jwk-private", Pack([][]byte{pub, other}))
	wantError(t, alg+" mismatched d", err, "DataError")
	_, err = ImportKey(alg, "raw", pub[1:])
	wantError(t, alg+" short key", err, "DataError")
	otherAlg := map[string]string{"Ed25519": "X25519", "X25519": "Ed25519", "Ed448": "X448", "X448": "Ed448"}[alg]
	spki, _ := ExportKey(alg+":public", "spki", pub)
	_, err = ImportKey(otherAlg, "spki", spki[0])
	wantError(t, alg+" spki as "+otherAlg, err, "DataError")
}

// Random and truncated DER never panics and fails as a DataError.
func FuzzImportKey(f *testing.F) {
	_, pub, _ := GenerateKey("EC:P-256", nil)
	spki, _ := ExportKey("EC:P-256:public", "spki", pub)
	f.Add("EC:P-256", "spki", spki[0])
	f.Add("EC:P-256", "raw", pub)
	f.Add("Ed25519", "jwk-private", Pack([][]byte{make([]byte, 32), make([]byte, 32)}))
	f.Add("RSA", "jwk-public", Pack([][]byte{{0xc1, 0x01}, {1, 0, 1}}))
	xpub, _ := okpPublicOf("X25519", bytes.Repeat([]byte{7}, 32))
	f.Add("X25519", "raw", xpub)
	_, edPub, _ := GenerateKey("Ed448", nil)
	edSPKI, _ := ExportKey("Ed448:public", "spki", edPub)
	f.Add("Ed448", "spki", edSPKI[0])
	xPriv, _, _ := GenerateKey("X448", nil)
	xPKCS8, _ := ExportKey("X448:private", "pkcs8", xPriv)
	f.Add("X448", "pkcs8", xPKCS8[0])
	f.Fuzz(func(t *testing.T, spec, format string, data []byte) {
		parts, err := ImportKey(spec, format, data)
		if err == nil && len(parts) == 0 {
			t.Fatal("no key and no error")
		}
		if err != nil {
			if name, _ := errorName(err); name != "DataError" && name != "NotSupportedError" {
				t.Fatalf("%s %s: got a %s (%v), want a DataError or NotSupportedError", spec, format, name, err)
			}
		}
	})
}

func FuzzUnpack(f *testing.F) {
	f.Add(Pack([][]byte{{1}, {}, {2, 3}}))
	f.Add([]byte{0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		parts, err := Unpack(b)
		if err != nil {
			return
		}
		if got := Pack(parts); !bytes.Equal(got, b) {
			t.Fatalf("Pack(Unpack(%x)) = %x", b, got)
		}
	})
}

func BenchmarkSign(b *testing.B) {
	msg := bytes.Repeat([]byte("x"), 256)
	ecP256, _, _ := GenerateKey("EC:P-256", nil)
	ecP384, _, _ := GenerateKey("EC:P-384", nil)
	ed, _, _ := GenerateKey("Ed25519", nil)
	ed448, _, _ := GenerateKey("Ed448", nil)
	rsaPriv, _ := testRSAKey(b)
	for _, bc := range []struct {
		spec string
		key  []byte
	}{
		{"HMAC:SHA-256", bytes.Repeat([]byte{1}, 32)},
		{"ECDSA:P-256:SHA-256", ecP256},
		{"ECDSA:P-384:SHA-384", ecP384},
		{"Ed25519", ed},
		{"Ed448:", ed448},
		{"RSASSA-PKCS1-v1_5:SHA-256", rsaPriv},
		{"RSA-PSS:SHA-256:32", rsaPriv},
	} {
		b.Run(bc.spec, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Sign(bc.spec, bc.key, msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	msg := bytes.Repeat([]byte("x"), 256)
	ecPriv, ecPub, _ := GenerateKey("EC:P-256", nil)
	edPriv, edPub, _ := GenerateKey("Ed25519", nil)
	ed448Priv, ed448Pub, _ := GenerateKey("Ed448", nil)
	rsaPriv, rsaPubKey := testRSAKey(b)
	hmacKey := bytes.Repeat([]byte{1}, 32)
	for _, bc := range []struct {
		spec      string
		priv, pub []byte
	}{
		{"HMAC:SHA-256", hmacKey, hmacKey},
		{"ECDSA:P-256:SHA-256", ecPriv, ecPub},
		{"Ed25519", edPriv, edPub},
		{"Ed448:", ed448Priv, ed448Pub},
		{"RSASSA-PKCS1-v1_5:SHA-256", rsaPriv, rsaPubKey},
		{"RSA-PSS:SHA-256:32", rsaPriv, rsaPubKey},
	} {
		sig, err := Sign(bc.spec, bc.priv, msg)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bc.spec, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if ok, err := Verify(bc.spec, bc.pub, sig, msg); !ok || err != nil {
					b.Fatal("does not verify", err)
				}
			}
		})
	}
}

func BenchmarkDigest(b *testing.B) {
	for _, n := range []int{64, 64 << 10} {
		data := make([]byte, n)
		b.Run("SHA-256/"+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(n))
			for b.Loop() {
				Digest("SHA-256", data)
			}
		})
	}
}
