// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"iter"
	"strings"
	"sync"

	"github.com/minio/minio-go/v7"

	"github.com/stratakv/strata/backend"
)

// Store-metadata records.
//
// A record is one object under "!meta/" (after the Prefix): its body is
// the value, and its user metadata holds X-Amz-Meta-Strata-Version and,
// for a value of at most maxInlineMeta bytes, X-Amz-Meta-Strata-Inline
// with the value in base64. ScanMeta reads such values from MinIO's
// list-with-metadata, 1,000 records per request, and GETs the others
// (every record, on servers that do not list metadata) with up to
// Options.Concurrency requests in flight, yielding in name order.
const maxInlineMeta = MaxInlineValues

// GetMeta implements backend.Backend: one GET.
func (b *Backend) GetMeta(ctx context.Context, name string) ([]byte, error) {
	if !b.enter() {
		return nil, errClosed("get metadata", name)
	}
	defer b.leave()
	return b.getMeta(ctx, name)
}

// getMeta is GetMeta for a caller that has entered.
func (b *Backend) getMeta(ctx context.Context, name string) ([]byte, error) {
	obj, err := b.metaName("get metadata", name)
	if err != nil {
		return nil, err
	}
	rc, info, _, err := b.core.GetObject(ctx, b.bucket, obj, minio.GetObjectOptions{})
	if err != nil {
		return nil, wrapErr("get metadata", name, err)
	}
	defer rc.Close()
	value, err := readBody(rc, info.Size)
	if err != nil {
		return nil, fmt.Errorf("s3: get metadata %q: %w", name, err)
	}
	return value, nil
}

// PutMeta implements backend.Backend: one PUT, or one DELETE for a nil
// value.
func (b *Backend) PutMeta(ctx context.Context, name string, value []byte) error {
	if !b.enter() {
		return errClosed("put metadata", name)
	}
	defer b.leave()
	if value == nil {
		if b.opts.ReadOnly {
			return errReadOnly("put metadata", name)
		}
		obj, err := b.metaName("put metadata", name)
		if err != nil {
			return err
		}
		if err := b.client.RemoveObject(ctx, b.bucket, obj, minio.RemoveObjectOptions{}); err != nil && !isCode(err, backend.ErrNotFound) {
			return wrapErr("put metadata", name, err)
		}
		return nil
	}
	return b.putMeta(ctx, "put metadata", name, value, false)
}

var _ backend.MetaCreator = (*Backend)(nil)

// CreateMeta implements backend.MetaCreator: one PUT with
// If-None-Match: *, which the server must honour (MinIO, versitygw and
// AWS S3 do). A record that exists already is an error wrapping
// backend.ErrConflict. A nil value creates an empty record.
//
// When the response to the PUT is lost, minio-go sends it again, and the
// second attempt finds the record that the first one created: that is a
// conflict too, so a caller that gets ErrConflict reads the record and
// compares it with what it wanted to write.
func (b *Backend) CreateMeta(ctx context.Context, name string, value []byte) error {
	if !b.enter() {
		return errClosed("create metadata", name)
	}
	defer b.leave()
	return b.putMeta(ctx, "create metadata", name, value, true)
}

func (b *Backend) putMeta(ctx context.Context, op, name string, value []byte, create bool) error {
	if b.opts.ReadOnly {
		return errReadOnly(op, name)
	}
	obj, err := b.metaName(op, name)
	if err != nil {
		return err
	}
	um := map[string]string{metaVersion: formatVersion}
	if len(value) > 0 && len(value) <= maxInlineMeta {
		um[metaInline] = base64.StdEncoding.EncodeToString(value)
	}
	po := minio.PutObjectOptions{UserMetadata: um, DisableMultipart: true}
	if create {
		po.SetMatchETagExcept("*")
	}
	if _, err := b.client.PutObject(ctx, b.bucket, obj, bytes.NewReader(value), int64(len(value)), po); err != nil {
		return wrapErr(op, name, err)
	}
	return nil
}

// ScanMeta implements backend.Backend: a paginated LIST of the metadata
// space (with metadata, where the server offers it), and a GET for each
// record whose value the listing did not carry, up to
// Options.Concurrency at a time. Records are yielded in name order;
// records removed between the listing and their GET are skipped.
// Breaking out of the loop cancels the GETs in flight and returns once
// they have ended.
func (b *Backend) ScanMeta(ctx context.Context, prefix string) iter.Seq2[backend.MetaRecord, error] {
	return func(yield func(backend.MetaRecord, error) bool) {
		if !b.enter() {
			yield(backend.MetaRecord{}, errClosed("scan metadata", prefix))
			return
		}
		defer b.leave()
		ctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		defer wg.Wait()
		defer cancel()

		type pendingMeta struct {
			rec backend.MetaRecord
			err error
			ch  chan struct{} // closed when rec and err are set; nil: ready
		}
		var queue []*pendingMeta
		emit := func() bool {
			p := queue[0]
			queue[0] = nil
			queue = queue[1:]
			if p.ch != nil {
				<-p.ch
			}
			switch {
			case isCode(p.err, backend.ErrNotFound):
				return true // removed since the listing
			case p.err != nil:
				yield(backend.MetaRecord{}, p.err)
				return false
			}
			return yield(p.rec, nil)
		}
		ready := func(p *pendingMeta) bool {
			if p.ch == nil {
				return true
			}
			select {
			case <-p.ch:
				return true
			default:
				return false
			}
		}

		base := b.opts.Prefix + metaSpace
		noOwner := false
		lo := minio.ListObjectsOptions{
			Prefix:       base + encodePrefix(validUTF8Prefix(prefix)),
			Recursive:    true,
			WithMetadata: b.listMetadata,
			FetchOwner:   &noOwner,
		}
		for obj := range b.client.ListObjectsIter(ctx, b.bucket, lo) {
			if obj.Err != nil {
				yield(backend.MetaRecord{}, wrapErr("scan metadata", prefix, obj.Err))
				return
			}
			name, ok := decodeName(strings.TrimPrefix(obj.Key, base))
			if !ok || !strings.HasPrefix(name, prefix) {
				continue // a probe, or not a record of this scan
			}
			p := &pendingMeta{rec: backend.MetaRecord{Name: name}}
			if v, ok := listedMetaValue(obj); ok {
				p.rec.Value = v
			} else {
				p.ch = make(chan struct{})
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer close(p.ch)
					p.rec.Value, p.err = b.getMeta(ctx, name)
				}()
			}
			queue = append(queue, p)
			for len(queue) > 0 && (len(queue) >= b.opts.Concurrency || ready(queue[0])) {
				if !emit() {
					return
				}
			}
		}
		if err := ctx.Err(); err != nil {
			yield(backend.MetaRecord{}, wrapErr("scan metadata", prefix, err))
			return
		}
		for len(queue) > 0 {
			if !emit() {
				return
			}
		}
	}
}

// listedMetaValue returns the value of a record from its listing, when the
// listing carried it (an empty record, or one with its value inlined).
func listedMetaValue(obj minio.ObjectInfo) ([]byte, bool) {
	if len(obj.UserMetadata) == 0 {
		return nil, false // the server did not list metadata
	}
	if v, ok := lookup(obj.UserMetadataStripped, metaVersion); !ok || v != formatVersion {
		return nil, false // let the GET decide
	}
	if obj.Size == 0 {
		return []byte{}, true
	}
	enc, ok := lookup(obj.UserMetadataStripped, metaInline)
	if !ok {
		return nil, false
	}
	v, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || int64(len(v)) != obj.Size {
		return nil, false
	}
	return v, true
}
