// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/backend/memory"
	"github.com/stratakv/strata/rest"
)

// FuzzHandler sends arbitrary requests: the handler never panics and
// never answers 5xx for what a client sent.
func FuzzHandler(f *testing.F) {
	for _, seed := range []struct {
		method       byte
		path, query  string
		body, ts     string
		ctype, accpt string
	}{
		{0, "/demo/a", "", "", "", "", ""},
		{1, "/demo/a", "", "v", "", "text/plain", ""},
		{1, "/demo/a", "", "v", "123/ab", "application/json", ""},
		{2, "/demo/**", "", "", "", "", ""},
		{0, "/demo/**", "_raw", "", "", "", ""},
		{0, "/demo/$*x", "", "", "", "", "text/event-stream"},
		{3, "/", "", "", "", "", ""},
		{1, "/demo//a", "", "", "", "", ""},
		{0, "/demo/@a$*/**", "_time=[..]", "", "", "", ""},
	} {
		f.Add(seed.method, seed.path, seed.query, seed.body, seed.ts, seed.ctype, seed.accpt)
	}
	store, err := strata.Open(context.Background(), memory.New(), &strata.Options{KeyExpr: "demo/**", GCInterval: -1})
	if err != nil {
		f.Fatal(err)
	}
	defer store.Close(context.Background())
	h := rest.NewHandler(store, &rest.Options{MaxBodyBytes: 1 << 10, RequestTimeout: time.Second})
	methods := []string{"GET", "PUT", "DELETE", "OPTIONS", "HEAD", "POST"}
	f.Fuzz(func(t *testing.T, m byte, path, query, body, ts, ctype, accept string) {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		req := httptest.NewRequest(methods[int(m)%len(methods)], "/", strings.NewReader(body))
		req.URL.Path, req.URL.RawQuery = path, query
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Accept", accept)
		if ts != "" {
			req.Header.Set(rest.HeaderTimestamp, ts)
		}
		ctx, cancel := context.WithTimeout(req.Context(), 20*time.Millisecond)
		defer cancel()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req.WithContext(ctx))
		if rec.Code >= 500 && rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("%s %q?%q: %d %s", req.Method, path, query, rec.Code, rec.Body)
		}
	})
}
