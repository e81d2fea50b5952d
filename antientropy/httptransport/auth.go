// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package httptransport

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash"
	"net/http"
	"strconv"
	"time"
)

// Headers of the signed messages.
const (
	// Header names the sending replica.
	Header = "Strata-Replica"
	// HeaderTime is the time of signing, in milliseconds since the UNIX
	// epoch (decimal).
	HeaderTime = "Strata-Time"
	// HeaderNonce is a random value, unique per message (base64url).
	HeaderNonce = "Strata-Nonce"
	// HeaderSignature is the HMAC-SHA256 of the message (base64url); on a
	// reply, of the reply bound to the request's nonce.
	HeaderSignature = "Strata-Signature"
)

// MinSecretSize is the shortest shared secret accepted, in bytes.
const MinSecretSize = 16

// DefaultMaxSkew is the default HandlerOptions.MaxSkew.
const DefaultMaxSkew = 30 * time.Second

// Version tags, so that a signature of one kind never verifies as another.
const (
	tagRequest = "strata/httptransport/v1/request"
	tagReply   = "strata/httptransport/v1/reply"
)

const nonceSize = 16

var b64 = base64.RawURLEncoding

// signer computes the signatures of one shared secret.
type signer struct{ key []byte }

// field writes s, prefixed with its length, so that no two sequences of
// fields hash alike.
func field(h hash.Hash, s []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(s)))
	h.Write(n[:])
	h.Write(s)
}

// request returns the signature of a message.
func (s signer) request(method, endpoint, from, to, ts, nonce string, body []byte) []byte {
	h := hmac.New(sha256.New, s.key)
	field(h, []byte(tagRequest))
	for _, f := range []string{method, endpoint, from, to, ts, nonce} {
		field(h, []byte(f))
	}
	field(h, body)
	return h.Sum(nil)
}

// reply returns the signature of a reply to the message with nonce.
func (s signer) reply(nonce string, status int, body []byte) []byte {
	h := hmac.New(sha256.New, s.key)
	field(h, []byte(tagReply))
	field(h, []byte(nonce))
	field(h, []byte(strconv.Itoa(status)))
	field(h, body)
	return h.Sum(nil)
}

// sign sets the authentication headers of a message from `from` to `to`
// and returns its nonce.
func (s signer) sign(req *http.Request, endpoint, from, to string, body []byte, now time.Time) string {
	var raw [nonceSize]byte
	_, _ = rand.Read(raw[:]) // never fails (crypto/rand)
	nonce := b64.EncodeToString(raw[:])
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	req.Header.Set(HeaderTime, ts)
	req.Header.Set(HeaderNonce, nonce)
	req.Header.Set(HeaderSignature, b64.EncodeToString(s.request(req.Method, endpoint, from, to, ts, nonce, body)))
	return nonce
}

// credentials are a message's authentication headers, parsed.
type credentials struct {
	ts, nonce string
	time      time.Time
	sig       []byte
}

// parseCredentials reads the authentication headers; it returns a reason
// to refuse if they are missing or malformed.
func parseCredentials(h http.Header) (credentials, string) {
	c := credentials{ts: h.Get(HeaderTime), nonce: h.Get(HeaderNonce)}
	if c.ts == "" || c.nonce == "" || h.Get(HeaderSignature) == "" {
		return c, "missing signature headers"
	}
	ms, err := strconv.ParseInt(c.ts, 10, 64)
	if err != nil || ms < 0 || strconv.FormatInt(ms, 10) != c.ts {
		return c, "malformed " + HeaderTime
	}
	c.time = time.UnixMilli(ms)
	if raw, err := b64.DecodeString(c.nonce); err != nil || len(raw) != nonceSize {
		return c, "malformed " + HeaderNonce
	}
	sig, err := b64.DecodeString(h.Get(HeaderSignature))
	if err != nil || len(sig) != sha256.Size {
		return c, "malformed " + HeaderSignature
	}
	c.sig = sig
	return c, ""
}
