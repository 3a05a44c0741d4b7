package crypto

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

// RFC 8032 §7.4: the pure Ed448 examples ("Blank", "1 octet", "1 octet (with context)").
var ed448Vectors = []struct {
	name, seed, pub, msg, ctx, sig string
}{
	{
		name: "blank",
		seed: "6c82a562cb808d10d632be89c8513ebf6c929f34ddfa8c9f63c9960ef6e348a3528c8a3fcc2f044e39a3fc5b94492f8f032e7549a20098f95b",
		pub:  "5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778edf124769b46c7061bd6783df1e50f6cd1fa1abeafe8256180",
		sig: "533a37f6bbe457251f023c0d88f976ae2dfb504a843e34d2074fd823d41a591f2b233f034f628281f2fd7a22ddd47d7828c59bd0a21bfd3980" +
			"ff0d2028d4b18a9df63e006c5d1c2d345b925d8dc00b4104852db99ac5c7cdda8530a113a0f4dbb61149f05a7363268c71d95808ff2e652600",
	},
	{
		name: "1 octet",
		seed: "c4eab05d357007c632f3dbb48489924d552b08fe0c353a0d4a1f00acda2c463afbea67c5e8d2877c5e3bc397a659949ef8021e954e0a12274e",
		pub:  "43ba28f430cdff456ae531545f7ecd0ac834a55d9358c0372bfa0c6c6798c0866aea01eb00742802b8438ea4cb82169c235160627b4c3a9480",
		msg:  "03",
		sig: "26b8f91727bd62897af15e41eb43c377efb9c610d48f2335cb0bd0087810f4352541b143c4b981b7e18f62de8ccdf633fc1bf037ab7cd77980" +
			"5e0dbcc0aae1cbcee1afb2e027df36bc04dcecbf154336c19f0af7e0a6472905e799f1953d2a0ff3348ab21aa4adafd1d234441cf807c03a00",
	},
	{
		name: "1 octet (with context)",
		seed: "c4eab05d357007c632f3dbb48489924d552b08fe0c353a0d4a1f00acda2c463afbea67c5e8d2877c5e3bc397a659949ef8021e954e0a12274e",
		pub:  "43ba28f430cdff456ae531545f7ecd0ac834a55d9358c0372bfa0c6c6798c0866aea01eb00742802b8438ea4cb82169c235160627b4c3a9480",
		msg:  "03",
		ctx:  "666f6f",
		sig: "d4f8f6131770dd46f40867d6fd5d5055de43541f8c5e35abbcd001b32a89f7d2151f7647f11d8ca2ae279fb842d607217fce6e042f6815ea00" +
			"0c85741de5c8da1144a6a1aba7f96de42505d7a7298524fda538fccbbb754f578c1cad10d54d0d5428407e85dcbc98a49155c13764e66c3c00",
	},
}

func TestEd448(t *testing.T) {
	for _, v := range ed448Vectors {
		seed, pub, msg, sig := unhex(t, v.seed), unhex(t, v.pub), unhex(t, v.msg), unhex(t, v.sig)
		spec := "Ed448:" + v.ctx
		got, err := Sign(spec, seed, msg)
		if err != nil || !bytes.Equal(got, sig) {
			t.Fatalf("%s: got %x, %v; want %x", v.name, got, err, sig)
		}
		if p, _ := okpPublicOf("Ed448", seed); !bytes.Equal(p, pub) {
			t.Errorf("%s: public key %x, want %x", v.name, p, pub)
		}
		if ok, err := Verify(spec, pub, sig, msg); !ok || err != nil {
			t.Errorf("%s: the RFC signature does not verify (%v)", v.name, err)
		}
		if ok, _ := Verify(spec, pub, sig, append(msg, 0)); ok {
			t.Errorf("%s: verifies another message", v.name)
		}
		if ok, _ := Verify("Ed448:"+v.ctx+"00", pub, sig, msg); ok {
			t.Errorf("%s: verifies under another context", v.name)
		}
		bad := bytes.Clone(sig)
		bad[len(bad)-2] ^= 1
		if ok, _ := Verify(spec, pub, bad, msg); ok {
			t.Errorf("%s: verifies an altered signature", v.name)
		}
		if ok, _ := Verify(spec, pub, sig[1:], msg); ok {
			t.Errorf("%s: verifies a shortened signature", v.name)
		}
	}
	v := ed448Vectors[0]
	testOKPImportExport(t, "Ed448", unhex(t, v.seed), unhex(t, v.pub))
}

// The context may be up to 255 bytes; longer is an OperationError (not a panic in
// circl), and so is a context that is not hex.
func TestEd448Context(t *testing.T) {
	priv, pub, err := GenerateKey("Ed448", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(priv) != 57 || len(pub) != 57 {
		t.Fatalf("generated keys of %d and %d bytes", len(priv), len(pub))
	}
	longest := "Ed448:" + strings.Repeat("ab", 255)
	sig, err := Sign(longest, priv, []byte("m"))
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := Verify(longest, pub, sig, []byte("m")); !ok || err != nil {
		t.Errorf("a 255-byte context: %v, %v", ok, err)
	}
	tooLong := longest + "ab"
	_, err = Sign(tooLong, priv, []byte("m"))
	wantError(t, "sign with a 256-byte context", err, "OperationError")
	_, err = Verify(tooLong, pub, sig, []byte("m"))
	wantError(t, "verify with a 256-byte context", err, "OperationError")
	_, err = Sign("Ed448:zz", priv, nil)
	wantError(t, "a context not in hex", err, "OperationError")
	_, err = Sign("Ed448:", priv[1:], nil)
	wantError(t, "a 56-byte seed", err, "DataError")
}

// Edwards448's four points of order dividing 4, as public keys or as R, make a
// signature invalid; so do encodings that are not points.
func TestEd448SmallOrder(t *testing.T) {
	pMinus1 := "fe" + strings.Repeat("ff", 27) + "fe" + strings.Repeat("ff", 27)
	small := []string{
		"01" + strings.Repeat("00", 56),        // identity (0, 1)
		pMinus1 + "00",                         // (0, -1), order 2
		strings.Repeat("00", 57),               // (1, 0), order 4
		strings.Repeat("00", 56) + "80",        // (-1, 0), order 4
		"02" + strings.Repeat("00", 56),        // y = 2: not on the curve
		"01" + strings.Repeat("00", 55) + "80", // (-0, 1): x = 0 with its sign set
		"00" + strings.Repeat("00", 27) + "ff" + strings.Repeat("ff", 27) + "00", // y > p
		"01" + strings.Repeat("00", 55) + "01",                                   // a stray bit in the last byte
	}
	for _, s := range small {
		if ed448LargeOrder(unhex(t, s)) {
			t.Errorf("%s: taken for a point of large order", s)
		}
	}
	v := ed448Vectors[1]
	pub := unhex(t, v.pub)
	if !ed448LargeOrder(pub) {
		t.Error("a real public key is refused")
	}
	sig := make([]byte, 114)
	copy(sig, unhex(t, small[0]))
	if ok, _ := Verify("Ed448:", pub, sig, nil); ok {
		t.Error("a signature with a small-order R verifies")
	}
	if ok, _ := Verify("Ed448:", unhex(t, small[0]), unhex(t, v.sig), unhex(t, v.msg)); ok {
		t.Error("a small-order public key verifies")
	}
}

// RFC 7748 §5.2 (the X448 function), §5.2's iterated test and §6.2 (Diffie-Hellman).
func TestX448(t *testing.T) {
	scalar := unhex(t, "3d262fddf9ec8e88495266fea19a34d28882acef045104d0d1aae121700a779c984c24f8cdd78fbff44943eba368f54b29259a4f1c600ad3")
	u := unhex(t, "06fce640fa3487bfda5f6cf2d5263f8aad88334cbd07437f020f08f9814dc031ddbdc38c19c6da2583fa5429db94ada18aa7a7fb4ef8a086")
	want := unhex(t, "ce3e4ff95a60dc6697da1db1d85e6afbdf79b50a2412d7546d5f239fe14fbaadeb445fc66a01b0779d98223961111e21766282f73dd96b6f")
	if got, err := DeriveBits("X448", scalar, u, nil); err != nil || !bytes.Equal(got, want) {
		t.Errorf("§5.2: got %x, %v; want %x", got, err, want)
	}

	iterations := map[int]string{
		1:    "3f482c8a9f19b01e6c46ee9711d9dc14fd4bf67af30765c2ae2b846a4d23a8cd0db897086239492caf350b51f833868b9bc2b3bca9cf4113",
		1000: "aa3b4749d55b9daf1e5b00288826c467274ce3ebbdd5c17b975e09d4af6c67cf10d087202db88286e2b79fceea3ec353ef54faa26e219f38",
	}
	k := make([]byte, 56)
	k[0] = 5
	u = bytes.Clone(k)
	for i := 1; i <= 1000; i++ {
		out, err := DeriveBits("X448", k, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		k, u = out, k
		if w, ok := iterations[i]; ok && !bytes.Equal(k, unhex(t, w)) {
			t.Errorf("after %d iterations: %x, want %s", i, k, w)
		}
		if testing.Short() && i == 1 {
			break
		}
	}

	alice := unhex(t, "9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b")
	alicePub := unhex(t, "9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c22c5d9bbc836647241d953d40c5b12da88120d53177f80e532c41fa0")
	bob := unhex(t, "1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d6927c120bb5ee8972b0d3e21374c9c921b09d1b0366f10b65173992d")
	bobPub := unhex(t, "3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b43027d8b972fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609")
	shared := unhex(t, "07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282bb60c0b56fd2464c335543936521c24403085d59a449a5037514a879d")
	for _, side := range []struct{ priv, pub, peer []byte }{{alice, alicePub, bobPub}, {bob, bobPub, alicePub}} {
		if p, _ := okpPublicOf("X448", side.priv); !bytes.Equal(p, side.pub) {
			t.Errorf("public key %x, want %x", p, side.pub)
		}
		if got, err := DeriveBits("X448", side.priv, side.peer, nil); err != nil || !bytes.Equal(got, shared) {
			t.Errorf("§6.2: got %x, %v; want %x", got, err, shared)
		}
	}

	// Small-order peers give the all-zero secret, which is refused.
	for _, p := range []string{strings.Repeat("00", 56), "01" + strings.Repeat("00", 55)} {
		_, err := DeriveBits("X448", alice, unhex(t, p), nil)
		wantError(t, "all-zero secret from "+p[:2], err, "OperationError")
	}
	_, err := DeriveBits("X448", alice, bobPub[1:], nil)
	wantError(t, "a 55-byte public key", err, "DataError")

	priv, pub, err := GenerateKey("X448", nil)
	if err != nil || len(priv) != 56 || len(pub) != 56 {
		t.Fatalf("generated %d- and %d-byte keys, %v", len(priv), len(pub), err)
	}
	testOKPImportExport(t, "X448", alice, alicePub)
}

// The DER is RFC 8410's, byte for byte (as WPT's vectors have it).
func TestOKP448DER(t *testing.T) {
	for _, tc := range []struct {
		alg, spkiPrefix, pkcs8Prefix string
	}{
		{"Ed448", "3043300506032b6571033a00", "3047020100300506032b6571043b0439"},
		{"X448", "3042300506032b656f033900", "3046020100300506032b656f043a0438"},
	} {
		priv, pub, err := GenerateKey(tc.alg, nil)
		if err != nil {
			t.Fatal(err)
		}
		spki, err := ExportKey(tc.alg+":public", "spki", pub)
		if err != nil || hex.EncodeToString(spki[0]) != tc.spkiPrefix+hex.EncodeToString(pub) {
			t.Errorf("%s spki: %x, %v", tc.alg, spki, err)
		}
		pkcs8, err := ExportKey(tc.alg+":private", "pkcs8", priv)
		if err != nil || hex.EncodeToString(pkcs8[0]) != tc.pkcs8Prefix+hex.EncodeToString(priv) {
			t.Errorf("%s pkcs8: %x, %v", tc.alg, pkcs8, err)
		}

		der := func(s string) []byte { return unhex(t, s) }
		size := len(pub)
		bits := hex.EncodeToString(pub)
		keyHex := hex.EncodeToString(priv)
		oid := tc.spkiPrefix[8:18] // 06032b65xx: the OID
		// DER lengths for the sizes in play (all below 256).
		l := func(n int) string {
			if n < 128 {
				return hex.EncodeToString([]byte{byte(n)})
			}
			return hex.EncodeToString([]byte{0x81, byte(n)})
		}
		algID := "3005" + oid
		algIDParams := "3007" + oid + "0500"
		octets := "04" + l(size+2) + "04" + l(size) + keyHex
		v1pub := "81" + l(size+1) + "00" + bits

		good := []struct{ format, hex string }{
			{"pkcs8", "30" + l(3+len(algID)/2+len(octets)/2) + "020100" + algID + octets},
			// Version 1 (OneAsymmetricKey) with the matching public key.
			{"pkcs8", "30" + l(3+len(algID)/2+len(octets)/2+len(v1pub)/2) + "020101" + algID + octets + v1pub},
			// With (empty) attributes.
			{"pkcs8", "30" + l(3+len(algID)/2+len(octets)/2+2) + "020100" + algID + octets + "a000"},
		}
		for _, g := range good {
			got, err := ImportKey(tc.alg, g.format, der(g.hex))
			if err != nil || !bytes.Equal(got[0], priv) {
				t.Errorf("%s %s %s: %x, %v", tc.alg, g.format, g.hex, got, err)
			}
		}

		otherPub := bytes.Clone(pub)
		otherPub[3] ^= 1
		badV1 := "81" + l(size+1) + "00" + hex.EncodeToString(otherPub)
		bad := []struct{ what, format, hex string }{
			{"parameters", "spki", "30" + l(len(algIDParams)/2+3+size) + algIDParams + "03" + l(size+1) + "00" + bits},
			{"parameters", "pkcs8", "30" + l(3+len(algIDParams)/2+len(octets)/2) + "020100" + algIDParams + octets},
			{"trailing data", "spki", hex.EncodeToString(spki[0]) + "00"},
			{"trailing data", "pkcs8", hex.EncodeToString(pkcs8[0]) + "00"},
			{"an extra element", "spki", "30" + l(len(algID)/2+3+size+2) + algID + "03" + l(size+1) + "00" + bits + "0500"},
			{"unused bits", "spki", "30" + l(len(algID)/2+3+size) + algID + "03" + l(size+1) + "01" + bits},
			{"version 2", "pkcs8", "30" + l(3+len(algID)/2+len(octets)/2) + "020102" + algID + octets},
			{"a public key in version 0", "pkcs8", "30" + l(3+len(algID)/2+len(octets)/2+len(v1pub)/2) + "020100" + algID + octets + v1pub},
			{"a mismatched public key", "pkcs8", "30" + l(3+len(algID)/2+len(octets)/2+len(badV1)/2) + "020101" + algID + octets + badV1},
			{"a bare private key", "pkcs8", "30" + l(3+len(algID)/2+2+size) + "020100" + algID + "04" + l(size) + keyHex},
		}
		for _, b := range bad {
			_, err := ImportKey(tc.alg, b.format, der(b.hex))
			wantError(t, tc.alg+" "+b.format+" with "+b.what, err, "DataError")
		}
	}
}

// An Ed448 key is not an X448 key, nor a 25519 one, in any format, and back.
func TestOKP448WrongCurve(t *testing.T) {
	for _, pair := range [][2]string{{"Ed448", "X448"}, {"Ed448", "Ed25519"}, {"X448", "X25519"}, {"X448", "Ed25519"}} {
		for _, order := range [][2]string{pair, {pair[1], pair[0]}} {
			from, to := order[0], order[1]
			priv, pub, _ := GenerateKey(from, nil)
			spki, _ := ExportKey(from+":public", "spki", pub)
			pkcs8, _ := ExportKey(from+":private", "pkcs8", priv)
			_, err := ImportKey(to, "spki", spki[0])
			wantError(t, from+" spki as "+to, err, "DataError")
			_, err = ImportKey(to, "pkcs8", pkcs8[0])
			wantError(t, from+" pkcs8 as "+to, err, "DataError")
			_, err = ImportKey(to, "raw", pub)
			if len(pub) != okpKeySize(to) {
				wantError(t, from+" raw as "+to, err, "DataError")
			}
		}
	}
}
