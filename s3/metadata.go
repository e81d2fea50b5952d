// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/hlc"
)

// Object metadata.
//
// An entry's metadata travels in the object's user metadata (headers
// X-Amz-Meta-Strata-*), its value is the object's body, and its encoding
// is the object's Content-Type:
//
//	X-Amz-Meta-Strata-Version:   1 (the format; a newer one is refused)
//	X-Amz-Meta-Strata-Timestamp: 7301444403200000000/2a (hlc String form; "0" for the zero Timestamp)
//	X-Amz-Meta-Strata-Deleted:   true (tombstones only)
//	X-Amz-Meta-Strata-Encoding:  url:<percent-escaped encoding> (see below)
//	X-Amz-Meta-Strata-Nonce:     16 (unless Options.SingleWriter: trailing bytes to drop)
//	X-Amz-Meta-Strata-Inline:    the value in base64 (values of at most Options.InlineValues bytes)
//	Content-Type:                the encoding
//
// Content-Type cannot be empty, nor hold every string: an encoding that is
// empty, or not printable ASCII without surrounding spaces, is written in
// X-Amz-Meta-Strata-Encoding instead, and Content-Type is then
// application/octet-stream. Tombstones are zero-length objects (or hold
// only the nonce).
//
// S3 caps user metadata at 2 KB (MinIO enforces it, and 8 KB for all
// headers): a value is inlined only if the metadata stays under
// maxUserMetadata, and an escaped encoding that does not fit fails.
const (
	metaVersion   = "Strata-Version"
	metaTimestamp = "Strata-Timestamp"
	metaDeleted   = "Strata-Deleted"
	metaEncoding  = "Strata-Encoding"
	metaNonce     = "Strata-Nonce"
	metaInline    = "Strata-Inline"

	formatVersion      = "1"
	encodingURLPrefix  = "url:"
	defaultContentType = "application/octet-stream"
	zeroTimestamp      = "0"

	// maxUserMetadata is what this package lets user metadata take (S3's
	// limit is 2,048 bytes, names with their X-Amz-Meta- prefix included).
	maxUserMetadata = 2000
	amzMetaPrefix   = "X-Amz-Meta-"
)

// objectMeta is what the metadata of one object says about its entry.
type objectMeta struct {
	entry  backend.Entry // Value nil
	nonce  int           // trailing bytes of the body that are not value
	inline string        // the value in base64, if inlined
	size   int64         // of the object
}

// value decodes the inlined value; ok is false when there is none.
func (m objectMeta) value() (v []byte, ok bool, err error) {
	switch {
	case m.entry.Deleted:
		return nil, true, nil
	case m.size == int64(m.nonce):
		return []byte{}, true, nil
	case m.inline == "":
		return nil, false, nil
	}
	v, err = base64.StdEncoding.DecodeString(m.inline)
	if err != nil || int64(len(v)) != m.size-int64(m.nonce) {
		return nil, false, fmt.Errorf("%w: inlined value does not match the object", backend.ErrCorrupt)
	}
	return v, true, nil
}

// encodeMeta returns the user metadata and the Content-Type that describe
// e, whose body ends with nonce extra bytes. With inline > 0, a value of at
// most inline bytes is put in the metadata too, if it fits.
func encodeMeta(e backend.Entry, nonce, inline int) (map[string]string, string) {
	um, ct := encodeMetaOnly(e, nonce)
	if inline > 0 && !e.Deleted && len(e.Value) > 0 && len(e.Value) <= inline {
		v := base64.StdEncoding.EncodeToString(e.Value)
		if metadataSize(um)+len(amzMetaPrefix)+len(metaInline)+len(v) <= maxUserMetadata {
			um[metaInline] = v
		}
	}
	return um, ct
}

// metadataSize is the size of um as S3 counts it.
func metadataSize(um map[string]string) int {
	n := 0
	for k, v := range um {
		n += len(amzMetaPrefix) + len(k) + len(v)
	}
	return n
}

func encodeMetaOnly(e backend.Entry, nonce int) (map[string]string, string) {
	um := make(map[string]string, 4)
	um[metaVersion] = formatVersion
	if e.Timestamp.IsZero() {
		um[metaTimestamp] = zeroTimestamp
	} else {
		um[metaTimestamp] = e.Timestamp.String()
	}
	if e.Deleted {
		um[metaDeleted] = "true"
	}
	if nonce > 0 {
		um[metaNonce] = strconv.Itoa(nonce)
	}
	if contentTypeCarries(e.Encoding) {
		return um, e.Encoding
	}
	um[metaEncoding] = encodingURLPrefix + url.PathEscape(e.Encoding)
	return um, defaultContentType
}

// contentTypeCarries reports whether Content-Type can carry enc verbatim.
func contentTypeCarries(enc string) bool {
	if enc == "" || enc[0] == ' ' || enc[len(enc)-1] == ' ' {
		return false
	}
	for i := 0; i < len(enc); i++ {
		if enc[i] < 0x20 || enc[i] > 0x7E {
			return false
		}
	}
	return true
}

// errForeign marks objects without strata metadata.
var errForeign = fmt.Errorf("%w: object not written by strata (no %s metadata)", backend.ErrCorrupt, metaVersion)

// decodeMeta reads the metadata of an object of size bytes. um holds the
// user metadata with the X-Amz-Meta- prefix removed. Errors wrap
// backend.ErrCorrupt; errForeign when the object has no strata metadata.
func decodeMeta(um map[string]string, contentType string, size int64) (objectMeta, error) {
	version, ok := lookup(um, metaVersion)
	if !ok {
		return objectMeta{}, errForeign
	}
	if version != formatVersion {
		return objectMeta{}, fmt.Errorf("%w: unknown format version %q", backend.ErrCorrupt, version)
	}
	m := objectMeta{size: size}
	m.inline, _ = lookup(um, metaInline)
	tsText, _ := lookup(um, metaTimestamp)
	if tsText != zeroTimestamp {
		ts, err := hlc.Parse(tsText)
		if err != nil {
			return objectMeta{}, fmt.Errorf("%w: timestamp: %v", backend.ErrCorrupt, err)
		}
		m.entry.Timestamp = ts
	}
	if d, ok := lookup(um, metaDeleted); ok {
		if d != "true" {
			return objectMeta{}, fmt.Errorf("%w: deleted flag %q", backend.ErrCorrupt, d)
		}
		m.entry.Deleted = true
	}
	if n, ok := lookup(um, metaNonce); ok {
		v, err := strconv.Atoi(n)
		if err != nil || v <= 0 || v > maxNonce {
			return objectMeta{}, fmt.Errorf("%w: nonce length %q", backend.ErrCorrupt, n)
		}
		m.nonce = v
	}
	if size < int64(m.nonce) || m.entry.Deleted && size != int64(m.nonce) {
		return objectMeta{}, fmt.Errorf("%w: object of %d bytes for a %s with a %d-byte nonce",
			backend.ErrCorrupt, size, kindName(m.entry.Deleted), m.nonce)
	}
	if enc, ok := lookup(um, metaEncoding); ok {
		escaped, ok := strings.CutPrefix(enc, encodingURLPrefix)
		if !ok {
			return objectMeta{}, fmt.Errorf("%w: encoding %q", backend.ErrCorrupt, enc)
		}
		dec, err := url.PathUnescape(escaped)
		if err != nil {
			return objectMeta{}, fmt.Errorf("%w: encoding: %v", backend.ErrCorrupt, err)
		}
		m.entry.Encoding = dec
	} else {
		m.entry.Encoding = contentType
	}
	return m, nil
}

func kindName(deleted bool) string {
	if deleted {
		return "tombstone"
	}
	return "value"
}

// lookup finds a user-metadata entry by name, ignoring case as HTTP does
// (servers differ in the case they return).
func lookup(um map[string]string, name string) (string, bool) {
	if v, ok := um[name]; ok {
		return v, true
	}
	for k, v := range um {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}
