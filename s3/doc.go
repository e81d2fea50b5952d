// Package s3 is the strata backend for S3-compatible object stores (MinIO,
// AWS S3, and others), built on github.com/minio/minio-go/v7. It is for
// users who hand a backend to strata.Open:
//
//	client, err := s3.NewClient(s3.ClientConfig{
//		Endpoint:  "https://minio.example:9000",
//		AccessKey: accessKey, SecretKey: secretKey, // or empty: the environment
//		RootCAFile: "/etc/strata/ca.pem",             // a private CA, if any
//	})
//	b, err := s3.Open(ctx, client, "samples", &s3.Options{CreateBucket: true, Prefix: "site-1"})
//	store, err := strata.Open(ctx, b, &strata.Options{KeyExpr: "demo/**"})
//
// Every entry is one object: the value is its body, and the timestamp,
// tombstone flag and format version are user metadata (X-Amz-Meta-Strata-*),
// the encoding is its Content-Type (see metadata.go). Tombstones are empty
// objects. Store metadata lives beside the entries, under "!meta/", where no
// scan looks.
//
// # Object names
//
// Keys become object names that keep S3's order and never clash: the key's
// bytes, a few low bytes escaped as %XX, then a terminator '!'; Options.Prefix
// goes in front. With Prefix "site-1":
//
//	key                  object name
//	""                   site-1/!
//	a/b                  site-1/a/b!
//	a/b/c                site-1/a/b/c!
//	with space/100%      site-1/with%20space/100%25!
//	dots/./..            site-1/dots/%2E/%2E.!
//
// So a/b and a/b/c coexist (MinIO cannot hold objects "a/b" and "a/b/c":
// the first would be a directory of the second), names sort exactly as keys
// do, and a prefix of keys is a prefix of names: a Scan is one listing of
// the prefix's encoding, in key order, without sorting. Escaped are the
// bytes up to '%' (0x25) anywhere, and at the start of a chunk also those up
// to '/' (0x2F), which keeps MinIO's forbidden "." and ".." segments out.
// Readable keys stay readable. objectname.go has the argument.
//
// # Errors
//
// Errors start with "s3:", name the key, and wrap the sentinels of package
// backend: ErrNotFound for a missing key (and a missing bucket at Open),
// ErrConflict for a failed conditional write, ErrReadOnly, ErrClosed,
// ErrInvalidKey for a key whose object name would exceed S3's 1,024 bytes
// (or that the server refuses as a name), ErrCorrupt for an object that
// strata did not write or cannot decode. This package adds ErrNoBucket (a
// bucket that vanished is not a missing key), ErrAccessDenied (refused
// credentials) and ErrInvalidBucketName. S3 errors are classified by their
// error code in one function, never by message; the minio-go error stays
// wrapped, so minio.ToErrorResponse works on what this package returns.
// Errors and logs never contain the secret key or session token.
//
// # Concurrency
//
// A Backend is safe for concurrent use. Close refuses new operations,
// waits for those in flight, and is idempotent. A Scan keeps up to
// Options.Concurrency GETs (or HEADs) in flight and yields in key order;
// breaking out of the loop cancels them and returns when they have ended.
// WriteBatch writes concurrently and is not atomic.
//
// The Backend implements backend.Conditional with ETags: PutIfVersion sends
// If-Match (or If-None-Match: * for a key that should not exist), and
// StatVersion answers from a bounded cache of the states this process
// wrote or read, presuming unknown keys missing; a conflict sends the next
// StatVersion to the server. A Store put is then one PUT.
//
// # Caveats
//
// Several processes writing the same keys. Conditional writes keep last
// writer wins across processes, with two conditions. First, the server must
// honour If-Match and If-None-Match on PUT (MinIO since 2024, AWS S3 and
// versitygw do; the tests check MinIO and versitygw); a server that
// ignores them turns conditional writes into plain ones, and then
// concurrent writers of one key can lose an update with a newer timestamp
// to one with an older timestamp (a single writing process is unaffected:
// the Store orders its own writes).
// Second, S3 computes an ETag from the object's bytes alone, so a write of
// the bytes that were already there (a repeated value, or a tombstone over
// a tombstone) leaves the ETag unchanged, and another process's write
// conditioned on that ETag succeeds as if nothing had happened, replacing
// a newer sample. Set Options.SharedWriters in every process that writes
// the prefix: each object then ends with a random 16-byte nonce (dropped
// when read, counted in the metadata), every ETag is unique, and conflicts
// are always seen. Without it, bodies are exactly the values and
// tombstones are empty, which other S3 tools may prefer.
//
// Remove is a plain DELETE: MinIO honours no precondition on DELETE, so
// when a Store in one process garbage-collects a tombstone that a Store in
// another process has just overwritten with a value, the value can go with
// it.
//
// Readers in other processes see each object whole (a PUT is atomic) but
// may see keys of a Scan from different moments; a listing is not a
// snapshot.
//
// Objects under the prefix that strata did not write (no
// X-Amz-Meta-Strata-Version, or a name that is not a key's encoding) are
// skipped by scans, with one warning per scan on Options.Logger, and Get
// and Stat return ErrCorrupt for them. A conditional put (what a Store
// does) does not overwrite such an object; a plain Put does.
//
// MinIO keeps objects in a file system: it refuses a chunk longer than 255
// bytes (an error wrapping ErrInvalidKey), and user metadata is capped at
// 2 KB, so an encoding that Content-Type cannot carry (empty, non-ASCII,
// control characters) must be short. Metadata-only scans use MinIO's
// list-with-metadata; on servers without it they cost a HEAD per key.
// Options.InlineValues makes value scans of small values far cheaper on
// MinIO, at the price of storing those values twice.
package s3
