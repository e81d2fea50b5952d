// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

#include <stdlib.h>
#include <string.h>

#include "native.h"

// strata_get reads key. When it is found, its value is copied into buf if
// it fits in cap bytes (with truncate, its first cap bytes are copied
// whatever its length); a value too long stays pinned in r.pinned, which
// the caller reads and destroys.
strata_get_result strata_get(rocksdb_t* db, const rocksdb_readoptions_t* ro,
	rocksdb_column_family_handle_t* cf, const char* key, size_t klen,
	char* buf, size_t cap, int truncate) {
	strata_get_result r = {0, 0, NULL, NULL};
	rocksdb_pinnableslice_t* h = rocksdb_get_pinned_cf(db, ro, cf, key, klen, &r.err);
	if (h == NULL) { // missing, or an error
		return r;
	}
	size_t len;
	const char* v = rocksdb_pinnableslice_value(h, &len);
	r.found = 1;
	r.len = len;
	if (len <= cap || truncate) {
		memcpy(buf, v, len < cap ? len : cap);
		rocksdb_pinnableslice_destroy(h);
	} else {
		r.pinned = h;
	}
	return r;
}

struct strata_iter {
	rocksdb_readoptions_t* ro;
	rocksdb_iterator_t* it;
	char* upper; // the upper bound, which the read options point to
};

// strata_iter_new returns an iterator over cf that stops before upper (no
// bound when upper is NULL).
strata_iter* strata_iter_new(rocksdb_t* db, rocksdb_column_family_handle_t* cf,
	const char* upper, size_t ulen) {
	strata_iter* s = calloc(1, sizeof(strata_iter));
	if (s == NULL) {
		return NULL;
	}
	s->ro = rocksdb_readoptions_create();
	if (upper != NULL) {
		s->upper = malloc(ulen > 0 ? ulen : 1);
		memcpy(s->upper, upper, ulen);
		rocksdb_readoptions_set_iterate_upper_bound(s->ro, s->upper, ulen);
	}
	s->it = rocksdb_create_iterator_cf(db, s->ro, cf);
	return s;
}

void strata_iter_free(strata_iter* s) {
	rocksdb_iter_destroy(s->it);
	rocksdb_readoptions_destroy(s->ro);
	free(s->upper);
	free(s);
}

// strata_iter_fill seeks to seek (unless it is NULL), steps once (with
// advance), then copies up to max entries whose keys start with prefix
// into buf, each as a header (see STRATA_ENTRY_HEADER), the key and the
// value. A value longer than limit is cut to its first limit bytes with
// truncate; without, it is not copied, and the fill stops on its entry
// (big) so that the caller can read it in place. The iterator is left on
// the first entry not written.
strata_fill_result strata_iter_fill(strata_iter* s, const char* seek, size_t seeklen,
	int advance, char* buf, size_t cap, int max, const char* prefix, size_t plen,
	size_t limit, int truncate) {
	rocksdb_iterator_t* it = s->it;
	size_t used = 0;
	strata_fill_result res = {0, 0, 0, 0, NULL};
	strata_fill_result* r = &res;
	if (seek != NULL) {
		rocksdb_iter_seek(it, seek, seeklen);
	}
	if (advance && rocksdb_iter_valid(it)) {
		rocksdb_iter_next(it);
	}
	while (r->n < max) {
		if (!rocksdb_iter_valid(it)) {
			rocksdb_iter_get_error(it, &r->err);
			r->end = 1;
			return res;
		}
		size_t klen, vlen;
		const char* k = rocksdb_iter_key(it, &klen);
		if (klen < plen || memcmp(k, prefix, plen) != 0) {
			r->end = 1;
			return res;
		}
		const char* v = rocksdb_iter_value(it, &vlen);
		size_t copy = vlen;
		int big = 0;
		if (vlen > limit) {
			copy = truncate ? limit : 0;
			big = !truncate;
		}
		size_t size = STRATA_ENTRY_HEADER + klen + copy;
		if (used + size > cap) {
			if (r->n == 0) {
				r->need = size;
			}
			return res;
		}
		uint64_t h[3] = {klen, vlen, copy};
		memcpy(buf + used, h, STRATA_ENTRY_HEADER);
		memcpy(buf + used + STRATA_ENTRY_HEADER, k, klen);
		memcpy(buf + used + STRATA_ENTRY_HEADER + klen, v, copy);
		used += size;
		r->n++;
		if (big) {
			r->big = 1;
			return res;
		}
		rocksdb_iter_next(it);
	}
	return res;
}

// strata_iter_value returns the value of the current entry, valid until
// the iterator moves.
strata_slice strata_iter_value(strata_iter* s) {
	strata_slice v;
	v.data = rocksdb_iter_value(s->it, &v.len);
	return v;
}

// strata_put writes key with val into cf, in one call; it returns
// RocksDB's error, or NULL.
char* strata_put(rocksdb_t* db, const rocksdb_writeoptions_t* wo,
	rocksdb_column_family_handle_t* cf, const char* key, size_t klen,
	const char* val, size_t vlen) {
	char* err = NULL;
	rocksdb_put_cf(db, wo, cf, key, klen, val, vlen, &err);
	return err;
}

// strata_write_rep writes the serialized WriteBatch rep (len bytes, of
// n records), in one call; it returns RocksDB's error, or NULL.
char* strata_write_rep(rocksdb_t* db, const rocksdb_writeoptions_t* wo,
	const char* rep, size_t len, int n) {
	char* err = NULL;
	rocksdb_writebatch_t* wb = rocksdb_writebatch_create_from(rep, len);
	if (rocksdb_writebatch_count(wb) != n) {
		err = strdup("Invalid argument: strata: a serialized batch of the wrong count");
	} else {
		rocksdb_write(db, wo, wb, &err);
	}
	rocksdb_writebatch_destroy(wb);
	return err;
}

// strata_put_if_newer writes the record rec under key unless the key
// holds a record whose timestamp is at or after rec's, in one call. The
// timestamp of a record is its bytes [2, 26) (backend.AppendRecord),
// whose byte order is the timestamps' order. The first cap bytes of the
// record the key held (if any) are copied into buf, for the caller to
// decode; a record too short to hold a timestamp, or of another version,
// is not written over.
strata_cas_result strata_put_if_newer(rocksdb_t* db, const rocksdb_readoptions_t* ro,
	const rocksdb_writeoptions_t* wo, rocksdb_column_family_handle_t* cf,
	const char* key, size_t klen, const char* rec, size_t rlen, char* buf, size_t cap) {
	strata_cas_result r = {0, 0, 0, 0, NULL};
	rocksdb_pinnableslice_t* h = rocksdb_get_pinned_cf(db, ro, cf, key, klen, &r.err);
	if (r.err != NULL) {
		return r;
	}
	if (h != NULL) {
		size_t len;
		const char* v = rocksdb_pinnableslice_value(h, &len);
		r.found = 1;
		r.len = len;
		memcpy(buf, v, len < cap ? len : cap);
		int newer = len >= STRATA_RECORD_TS_END + 1 && rlen >= STRATA_RECORD_TS_END &&
			v[0] == rec[0] &&
			memcmp(rec + STRATA_RECORD_TS, v + STRATA_RECORD_TS, STRATA_RECORD_TS_END - STRATA_RECORD_TS) > 0;
		rocksdb_pinnableslice_destroy(h);
		if (!newer) {
			return r;
		}
	}
	r.tried = 1;
	rocksdb_put_cf(db, wo, cf, key, klen, rec, rlen, &r.err);
	r.written = r.err == NULL;
	return r;
}
