// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/stretchr/testify/require"

	"github.com/stratakv/strata/backend"
	"github.com/stratakv/strata/s3"
)

// metaValue is the value of record i: small ones are inlined in the
// object's metadata, every tenth is too large for that, some are empty.
func metaValue(i int) []byte {
	switch {
	case i%10 == 3:
		return bytes.Repeat([]byte{byte(i)}, 3000)
	case i%10 == 7:
		return []byte{}
	}
	return []byte(fmt.Sprintf("wildcard delete %d", i))
}

func loadMeta(t testing.TB, b *s3.Backend, n int) {
	t.Helper()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := b.PutMeta(bg, fmt.Sprintf("strata/wd/%05d", i), metaValue(i)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

// requireScanMeta scans strata/wd/ and requires the n records that
// loadMeta wrote, in name order, and nothing else.
func requireScanMeta(t *testing.T, b *s3.Backend, n int) {
	t.Helper()
	i := 0
	for rec, err := range b.ScanMeta(bg, "strata/wd/") {
		require.NoError(t, err)
		require.Equal(t, fmt.Sprintf("strata/wd/%05d", i), rec.Name)
		require.Equal(t, metaValue(i), rec.Value, rec.Name)
		i++
	}
	require.Equal(t, n, i)
}

// TestScanMetaRequests: a scan of 2,100 records is 3 listings and one GET
// per record too large to be inlined, where the server lists metadata
// (MinIO), and a GET per record otherwise; in name order either way, with
// records outside the prefix and a record under a longer name left out.
func TestScanMetaRequests(t *testing.T) {
	const n = 2100
	cnt := newCounter(t)
	client := newClient(t, cnt)
	bucket := makeBucket(t, client, "scanmeta")
	b := openBackend(t, client, bucket, &s3.Options{Prefix: "p"})
	loadMeta(t, b, n)
	require.NoError(t, b.PutMeta(bg, "strata/config", []byte("c")))
	require.NoError(t, b.PutMeta(bg, "strata/wdx", []byte("x")))
	require.NoError(t, b.Put(bg, "strata/wd/k", val("a key, not a record", 1)))

	for _, listMetadata := range []bool{true, false} {
		t.Run(fmt.Sprintf("listMetadata=%v", listMetadata), func(t *testing.T) {
			s3.SetListMetadata(b, listMetadata)
			defer s3.SetListMetadata(b, true)
			cnt.reset()
			requireScanMeta(t, b, n)
			require.Equal(t, int64(3), cnt.list.Load(), "%v", cnt)
			wantGets := int64(n)
			if listMetadata {
				wantGets = n / 10 // the records too large to inline
			}
			require.Equal(t, wantGets, cnt.get.Load(), "%v", cnt)
			require.Zero(t, cnt.head.Load())
		})
	}

	// Breaking early ends the scan.
	got := 0
	for _, err := range b.ScanMeta(bg, "strata/wd/") {
		require.NoError(t, err)
		if got++; got == 5 {
			break
		}
	}
	require.Equal(t, 5, got)
}

// TestCreateMetaMinIO and TestCreateMetaVersityGW: CreateMeta writes a
// record only where none exists, and of several processes that create one
// at once exactly one wins; everyone reads the winner's value afterwards.
func TestCreateMetaMinIO(t *testing.T) {
	client := newClient(t, nil)
	checkCreateMeta(t, client, makeBucket(t, client, "createmeta"))
}

func TestCreateMetaVersityGW(t *testing.T) {
	client := versityClient(t)
	checkCreateMeta(t, client, makeBucket(t, client, "createmeta"))
}

func checkCreateMeta(t *testing.T, client *minio.Client, bucket string) {
	b := openBackend(t, client, bucket, nil)
	require.NoError(t, b.CreateMeta(bg, "config", []byte("first")))
	require.ErrorIs(t, b.CreateMeta(bg, "config", []byte("second")), backend.ErrConflict)
	v, err := b.GetMeta(bg, "config")
	require.NoError(t, err)
	require.Equal(t, "first", string(v))
	// An empty record exists too.
	require.NoError(t, b.CreateMeta(bg, "empty", nil))
	require.ErrorIs(t, b.CreateMeta(bg, "empty", []byte("x")), backend.ErrConflict)

	for round := range 5 {
		name := fmt.Sprintf("race-%d", round)
		const procs = 4
		errs := make([]error, procs)
		var wg sync.WaitGroup
		for p := range procs {
			other := openBackend(t, client, bucket, nil)
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[p] = other.CreateMeta(bg, name, []byte(fmt.Sprint("process ", p)))
			}()
		}
		wg.Wait()
		winner := -1
		for p, err := range errs {
			if err == nil {
				require.Equal(t, -1, winner, "two creators of %s won", name)
				winner = p
			} else {
				require.ErrorIs(t, err, backend.ErrConflict)
			}
		}
		require.NotEqual(t, -1, winner)
		v, err := b.GetMeta(bg, name)
		require.NoError(t, err)
		require.Equal(t, fmt.Sprint("process ", winner), string(v))
	}
	ro := openBackend(t, client, bucket, &s3.Options{ReadOnly: true})
	require.ErrorIs(t, ro.CreateMeta(bg, "ro", []byte("x")), backend.ErrReadOnly)
}

// TestScanMetaVersityGW: on a server without list-with-metadata, ScanMeta
// GETs every record, in parallel, and still yields them in name order
// across listing pages.
func TestScanMetaVersityGW(t *testing.T) {
	const n = 1100
	client := versityClient(t)
	bucket := makeBucket(t, client, "scanmeta")
	b := openBackend(t, client, bucket, nil)
	loadMeta(t, b, n)
	requireScanMeta(t, b, n)
}
