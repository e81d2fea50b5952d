// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

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
// Every entry is one object: the value is its body, followed by a random
// 16-byte nonce (see Caveats; Options.SingleWriter drops it), and the
// timestamp, tombstone flag and format version are user metadata
// (X-Amz-Meta-Strata-*), the encoding is its Content-Type, and a value of
// up to 1 KiB is also in X-Amz-Meta-Strata-Inline, in base64 (see
// metadata.go and Options.InlineValues). Tombstones hold only the nonce.
// Store metadata lives beside the entries, under "!meta/", one object per
// record, where no scan looks. Plain S3 tools read every object; a value
// read with them ends with the nonce's 16 bytes (X-Amz-Meta-Strata-Nonce
// says how many).
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
// ScanMeta does the same for records. WriteBatch writes concurrently and
// is not atomic.
//
// The Backend implements backend.Conditional with ETags: PutIfVersion sends
// If-Match (or If-None-Match: * for a key that should not exist), and
// StatVersion answers from a bounded cache of the states this process
// wrote or read, presuming unknown keys missing; a conflict, or a write
// whose outcome is unknown (a cancelled context, a lost response), sends
// the key's next StatVersion to the server. A Store put is then one PUT.
// Get and Stat, which run outside the Store's key locks, update that cache
// only if no write of this process touched the key since their request
// began, so the cache is never older than what this process wrote.
//
// It implements backend.MetaCreator (a PUT with If-None-Match: *) and
// backend.ConditionalRemover (a DELETE with If-Match) where the server
// honours it; see Caveats.
//
// # Caveats
//
// Several processes writing one prefix are safe by default, on a server
// that honours If-Match and If-None-Match on PUT (MinIO since 2024, AWS S3
// and versitygw do; the tests check MinIO and versitygw). Conditional
// writes keep last writer wins across processes: a process whose cached
// version of a key is out of date gets a conflict and reads the stored
// state. Because S3 computes an ETag from the object's bytes alone, a
// write of the bytes that were already there (a repeated value, a
// tombstone over a tombstone) would leave the ETag unchanged and hide
// itself from the conditional writes of other processes; so every body
// ends with a random nonce, and every write makes a new ETag. The nonce
// costs 16 bytes per object and nothing measurable in time (puts and gets
// within the noise of MinIO on loopback, 0.95-1.07x). A server that
// ignores the preconditions turns conditional writes into plain ones:
// then concurrent writers of one key can lose an update with a newer
// timestamp to one with an older timestamp.
//
// Options.SingleWriter promises that no other process writes the prefix:
// bodies are then exactly the values and tombstones are empty, which other
// S3 tools may prefer; a second writer breaks last writer wins.
//
// Garbage collection of tombstones. RemoveIfVersion removes a tombstone
// only if it is still the version the Store read, so that a value that
// another process has just written over it is kept. versitygw and AWS S3
// honour If-Match on DELETE; MinIO ignores it. The Backend asks the
// server once (see ConditionalRemoves) and, where it is ignored,
// RemoveIfVersion removes nothing and returns an error wrapping
// errors.ErrUnsupported. Remove is a plain DELETE: on MinIO, a process
// that garbage-collects a tombstone just as another process overwrites it
// with a value can remove the value too. A tombstone is collected only
// after the Store's TombstoneLifespan (24 h by default), so this needs a
// write to a key deleted that long ago, in the moment between the
// collector's check and its DELETE; and, as with any lifespan, a process
// cut off for longer than TombstoneLifespan can bring deleted data back
// when it writes again.
//
// Store-metadata records (the configuration, remembered wildcard deletes)
// are one object each: processes add records without overwriting each
// other's, and CreateMeta creates a record only where none exists. A
// CreateMeta whose response was lost reports a conflict (the client's
// retry finds the record its first attempt created): read the record and
// compare. ScanMeta of 10,000 records is 10 listings on MinIO, whose
// list-with-metadata carries records of up to 1 KiB; elsewhere it costs a
// GET per record, Options.Concurrency at a time.
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
// Values of up to Options.InlineValues bytes (1 KiB by default) are
// stored twice, in the body and in the metadata, so that a wildcard get
// reads them from MinIO's listing, 1,000 per request, instead of with a
// GET each (5x faster than one GET at a time, 2x faster than 16 GETs in
// parallel, on 1,000 values of 1 KiB); such objects take about 2.4 times
// their value's size, and metadata-only scans transfer the copies too
// (listing 1,000 such objects with their metadata took 1.3 to 1.6 times
// as long as listing objects without copies). Options.InlineValues -1
// turns the copies off.
package s3
