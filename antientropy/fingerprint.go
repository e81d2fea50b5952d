// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package antientropy

import (
	"encoding/binary"
	"sync"

	"github.com/zeebo/blake3"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
)

// A fingerprint is the sum modulo 2^64 of the hashes of a set of events:
// adding or removing one event is O(1), the order of events does not
// matter, and the fingerprint of an interval is the sum of those of its
// sub-intervals. Addition (unlike XOR) does not cancel an event that
// appears twice.
//
// Without Options.Secret, the hash is plain BLAKE3, which anyone can
// compute: a peer or a client that chooses keys and timestamps can find,
// by a generalized birthday search (seconds of CPU for 64 bits), a few
// events whose hashes sum to the same value as others, so that two
// replicas that differ have equal fingerprints. With a Secret, the hash
// is BLAKE3 keyed with a key derived from it: without the key, nobody can
// compute a hash, and a crafted collision is a blind guess (2^-64).
type fingerprint = uint64

// hasher computes event hashes, keyed or not. It is safe for concurrent
// use.
type hasher struct {
	keyed bool
	pool  sync.Pool // *blake3.Hasher keyed with the derived key
}

// newHasher returns the hasher of secret (nil: plain BLAKE3).
func newHasher(secret []byte) *hasher {
	h := &hasher{}
	if len(secret) == 0 {
		return h
	}
	var key [32]byte
	blake3.DeriveKey("strata antientropy 2026 event fingerprint key", secret, key[:])
	h.keyed = true
	h.pool.New = func() any {
		k, err := blake3.NewKeyed(key[:])
		if err != nil {
			panic(err) // the key is 32 bytes
		}
		return k
	}
	return h
}

// secretCheck is what the configuration fingerprint includes of secret:
// replicas with different secrets find their configurations differ. It
// is derived apart from the hashing key, which it does not reveal.
func secretCheck(secret []byte) []byte {
	if len(secret) == 0 {
		return nil
	}
	var check [32]byte
	blake3.DeriveKey("strata antientropy 2026 secret check", secret, check[:])
	return check[:]
}

// eventHash is the hash of (key, timestamp, action) truncated to 64
// bits: the key with its length (uvarint), the time (8 bytes
// big-endian), the clock ID (16 bytes) and the kind (1 byte).
func (c *config) eventHash(scratch []byte, key string, ts hlc.Timestamp, kind strata.Kind) (uint64, []byte) {
	b := binary.AppendUvarint(scratch[:0], uint64(len(key)))
	b = append(b, key...)
	b = binary.BigEndian.AppendUint64(b, uint64(ts.Time))
	b = append(b, ts.ID[:]...)
	b = append(b, byte(kind))
	if c.hasher == nil || !c.hasher.keyed {
		sum := blake3.Sum256(b)
		return binary.LittleEndian.Uint64(sum[:8]), b
	}
	h := c.hasher.pool.Get().(*blake3.Hasher)
	h.Reset()
	_, _ = h.Write(b)
	var sum [32]byte
	h.Sum(sum[:0])
	c.hasher.pool.Put(h)
	return binary.LittleEndian.Uint64(sum[:8]), b
}
