// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Helpers that batch RocksDB's C API calls, so that a point read or a run
// of iterator steps costs one call from Go instead of one per accessor.
#ifndef STRATA_ROCKSDB_NATIVE_H
#define STRATA_ROCKSDB_NATIVE_H

#include <stddef.h>
#include <stdint.h>
#include <rocksdb/c.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	int found;
	size_t len;                      // length of the stored value
	rocksdb_pinnableslice_t* pinned; // the value, when it was not copied
	char* err;                       // RocksDB's error, to release with rocksdb_free
} strata_get_result;

strata_get_result strata_get(rocksdb_t* db, const rocksdb_readoptions_t* ro,
	rocksdb_column_family_handle_t* cf, const char* key, size_t klen,
	char* buf, size_t cap, int truncate);

typedef struct strata_iter strata_iter;

strata_iter* strata_iter_new(rocksdb_t* db, rocksdb_column_family_handle_t* cf,
	const char* upper, size_t ulen);
void strata_iter_free(strata_iter* s);

typedef struct {
	int n;       // entries written to buf
	int end;     // the iterator is past the prefix or the last key
	int big;     // the last entry's value was not copied; the iterator is on it
	size_t need; // buf cannot hold the next entry: it needs this many bytes
	char* err;   // the iterator's error, to release with rocksdb_free
} strata_fill_result;

// Size of an entry's header in the buffer that strata_iter_fill writes:
// three native-endian uint64, the key's length, the value's length and how
// many bytes of the value follow the key.
#define STRATA_ENTRY_HEADER 24

strata_fill_result strata_iter_fill(strata_iter* s, const char* seek, size_t seeklen,
	int advance, char* buf, size_t cap, int max, const char* prefix, size_t plen,
	size_t limit, int truncate);

typedef struct {
	const char* data;
	size_t len;
} strata_slice;

strata_slice strata_iter_value(strata_iter* s);

char* strata_put(rocksdb_t* db, const rocksdb_writeoptions_t* wo,
	rocksdb_column_family_handle_t* cf, const char* key, size_t klen,
	const char* val, size_t vlen);

char* strata_write_rep(rocksdb_t* db, const rocksdb_writeoptions_t* wo,
	const char* rep, size_t len, int n);

// Where a record's timestamp lies: bytes [STRATA_RECORD_TS,
// STRATA_RECORD_TS_END) (see backend.AppendRecord).
#define STRATA_RECORD_TS 2
#define STRATA_RECORD_TS_END 26

typedef struct {
	int found;   // the key held a record, of length len
	int tried;   // the write was tried (err is the write's)
	int written; // the record was written
	size_t len;
	char* err;   // RocksDB's error, to release with rocksdb_free
} strata_cas_result;

strata_cas_result strata_put_if_newer(rocksdb_t* db, const rocksdb_readoptions_t* ro,
	const rocksdb_writeoptions_t* wo, rocksdb_column_family_handle_t* cf,
	const char* key, size_t klen, const char* rec, size_t rlen, char* buf, size_t cap);

// recovery.cc: an info logger that writes path with write(2) and ignores
// errors (rotated to path.old past max bytes; 0: never), to hand to
// rocksdb_options_set_info_log and then free; and DB::Resume, which
// returns RocksDB's error (to release with rocksdb_free) or NULL.
rocksdb_logger_t* strata_logger_new(const char* path, size_t max, int level);
void strata_logger_free(rocksdb_logger_t* l);
char* strata_resume(rocksdb_t* db);

#ifdef __cplusplus
}
#endif

#endif
