// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package httptransport

import (
	"bytes"
	"context"
	"crypto/hmac"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// countingReceiver counts what reaches it.
type countingReceiver struct{ calls int }

func (c *countingReceiver) HandleBroadcast(context.Context, string, []byte) error {
	c.calls++
	return nil
}

func (c *countingReceiver) HandleRequest(context.Context, string, []byte) ([]byte, error) {
	c.calls++
	return []byte("ok"), nil
}

// FuzzSignedHandler checks that nothing reaches the replica unless it is
// signed with the secret, for the receiver, at an accepted time, with a
// nonce not seen before, whatever the headers and body; and that the
// handler never panics.
func FuzzSignedHandler(f *testing.F) {
	key := []byte("0123456789abcdef")
	now := time.Unix(1_800_000_000, 0)
	good := signer{key: key}
	ts := "1800000000000"
	nonce := "AAAAAAAAAAAAAAAAAAAAAA"
	sig := b64.EncodeToString(good.request(http.MethodPost, "request", "east", "west", ts, nonce, []byte("m")))
	f.Add("request", "east", ts, nonce, sig, []byte("m"))
	f.Add("broadcast", "east", ts, nonce, sig, []byte("m"))
	f.Add("request", "east", ts, nonce, sig, []byte("m2"))
	f.Add("request", "mallory", ts, nonce, sig, []byte("m"))
	f.Add("request", "east", "01800000000000", nonce, sig, []byte("m"))
	f.Add("request", "east", ts, nonce+"=", sig, []byte{})
	f.Add("request", "", "", "", "", []byte{})
	f.Fuzz(func(t *testing.T, endpoint, from, ts, nonce, sig string, body []byte) {
		rec := &countingReceiver{}
		h := NewHandler(rec, &HandlerOptions{Secret: key, ID: "west", MaxMessageSize: 1 << 10, now: func() time.Time { return now }})
		req := httptest.NewRequest(http.MethodPost, "/replication/x", bytes.NewReader(body))
		req.URL.Path = "/replication/" + endpoint
		for k, v := range map[string]string{Header: from, HeaderTime: ts, HeaderNonce: nonce, HeaderSignature: sig} {
			if validHeaderValue(v) {
				req.Header.Set(k, v)
			}
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if rec.calls == 0 {
			return
		}
		// It reached the replica: it must be a correctly signed message.
		cred, reason := parseCredentials(req.Header)
		want := good.request(http.MethodPost, endpoint, req.Header.Get(Header), "west", cred.ts, cred.nonce, body)
		if reason != "" || !hmac.Equal(cred.sig, want) || len(body) > 1<<10 {
			t.Fatalf("an unsigned message reached the replica: %q %q %q %q %q (status %d)", endpoint, from, ts, nonce, sig, w.Code)
		}
		if w.Code != http.StatusOK && w.Code != http.StatusAccepted {
			t.Fatalf("status %d for a message handed to the replica", w.Code)
		}
	})
}

// validHeaderValue reports whether v can be sent as a header value.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' || c == 0x7f {
			return false
		}
	}
	return true
}
