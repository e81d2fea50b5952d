package antientropy

import (
	"encoding/binary"

	"github.com/zeebo/blake3"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/hlc"
)

// A fingerprint is the sum modulo 2^64 of the hashes of a set of events:
// adding or removing one event is O(1), the order of events does not
// matter, and the fingerprint of an interval is the sum of those of its
// sub-intervals. Addition (unlike XOR) does not cancel an event that
// appears twice, and a crafted collision needs a subset-sum of BLAKE3
// outputs.
type fingerprint = uint64

// eventHash is BLAKE3 of (key, timestamp, action) truncated to 64 bits:
// the key with its length (uvarint), the time (8 bytes big-endian), the
// clock ID (16 bytes) and the kind (1 byte).
func eventHash(scratch []byte, key string, ts hlc.Timestamp, kind strata.Kind) (uint64, []byte) {
	b := binary.AppendUvarint(scratch[:0], uint64(len(key)))
	b = append(b, key...)
	b = binary.BigEndian.AppendUint64(b, uint64(ts.Time))
	b = append(b, ts.ID[:]...)
	b = append(b, byte(kind))
	sum := blake3.Sum256(b)
	return binary.LittleEndian.Uint64(sum[:8]), b
}
