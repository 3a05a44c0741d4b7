package crypto

import "sync"

// Parsing a private key is a good part of the cost of using it (about a sixth of an
// RSA-2048 signature, a third of an ECDSA P-256 or Ed25519 one), and JS hands the
// same key bytes to every op. So parsed private keys are kept in a small cache
// keyed by their own bytes: a hit needs the key material itself, so one worker
// learns nothing of another's keys, and the bound caps what stays in memory after
// JS has dropped a key.

const keyCacheSize = 256

type keyKind uint8

const (
	kindRSAPrivate keyKind = iota
	kindECDSAPrivate
	kindECDHPrivate
	kindEd25519Private
	kindEd448Private
	numKeyKinds
)

var keyCache struct {
	mu   sync.Mutex
	n    int
	next int // the kind to evict from first, rotating
	m    [numKeyKinds]map[string]any
}

// cachedKey returns parse(data), from the cache when the same bytes were parsed as
// the same kind before. Only successful parses are kept.
func cachedKey[T any](kind keyKind, data []byte, parse func([]byte) (T, error)) (T, error) {
	keyCache.mu.Lock()
	if v, ok := keyCache.m[kind][string(data)]; ok {
		keyCache.mu.Unlock()
		return v.(T), nil
	}
	keyCache.mu.Unlock()
	k, err := parse(data)
	if err != nil {
		return k, err
	}
	keyCache.mu.Lock()
	defer keyCache.mu.Unlock()
	if keyCache.m[kind] == nil {
		keyCache.m[kind] = map[string]any{}
	}
	if _, ok := keyCache.m[kind][string(data)]; !ok {
		if keyCache.n >= keyCacheSize {
			evictOne()
		}
		keyCache.m[kind][string(data)] = k
		keyCache.n++
	}
	return k, nil
}

// evictOne drops an arbitrary entry: map order is unspecified (near random), and
// the kind to start from rotates.
func evictOne() {
	for j := range numKeyKinds {
		i := (keyCache.next + int(j)) % int(numKeyKinds)
		for s := range keyCache.m[i] {
			delete(keyCache.m[i], s)
			keyCache.n--
			keyCache.next = i + 1
			return
		}
	}
}
