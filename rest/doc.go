// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

// Package rest serves a strata.Store over HTTP with the API of Zenoh's
// REST plugin, so that its clients (curl scripts, zenoh-go-http-client,
// browser pages) work unchanged against a strata store:
//
//	store, _ := strata.Open(ctx, backend, &strata.Options{KeyExpr: "demo/**"})
//	srv := rest.NewServer(":8000", rest.NewHandler(store, nil))
//	srv.ListenAndServe()
//
// # API
//
//   - GET /<selector> answers a JSON array of
//     {"key", "value", "encoding", "timestamp"} objects in key order,
//     streamed. The value is embedded as JSON for JSON encodings
//     (application/json, text/json, *+json, zenoh/int…, zenoh/float…), as
//     a JSON string for text encodings (text/*, zenoh/string, …) and as a
//     base64 string otherwise, or whenever the bytes are not valid JSON or
//     UTF-8 for their encoding, so that the answer is always valid JSON.
//   - GET /<selector>?_raw answers the raw value of the first matching
//     sample, with its encoding as Content-Type.
//   - GET with "Accept: text/event-stream" is a live subscription
//     (Server-Sent Events): each change whose key the selector matches is
//     an event named PUT or DELETE whose data is the sample's JSON (a
//     wildcard delete that intersects the selector too, with its
//     expression as key).
//   - PUT /<key> stores the body, with its Content-Type as encoding.
//   - DELETE /<keyexpr> deletes a key, or every key a wildcard matches.
//   - OPTIONS answers CORS preflights; every answer allows any origin.
//
// # Additions
//
// A PUT or DELETE may carry the sample's own HLC timestamp in
// X-Strata-Timestamp ("<u64>/<hex id>"): the write is then Store.Apply,
// last writer wins, and the answer's X-Strata-Result says what it did
// (inserted, replaced, deleted; an outdated sample is refused with 409,
// final). Without it the write is stamped by the store's clock and always
// takes effect. Every answer to a write carries the timestamp stored in
// X-Strata-Timestamp. Zenoh's clients ignore these headers.
//
// # Limits and safety
//
// The handler is meant to face the open internet: PUT bodies are bounded
// (Options.MaxBodyBytes, 16 MiB; 413 otherwise), keys and selectors are
// validated by the store (400, with the reason; 403 outside the store's
// key expression), each request's work and answer are bounded in time
// (Options.RequestTimeout), and no input makes it panic (it is fuzzed).
// 4xx bodies say which limit was hit. NewServer adds the connection-level
// timeouts (slow headers, slow bodies, idle connections).
//
// # Differences from Zenoh's plugin
//
//   - A GET answers what this store holds, not what a Zenoh network
//     answers; selector parameters other than _raw (such as _time) are
//     ignored.
//   - ?_raw with no matching sample answers 404, not an empty 200.
//   - A sample stored without an encoding is shown as "zenoh/bytes".
//   - Writes answer 200 like Zenoh's, and a timestamped write that lost
//     answers 409; errors are 4xx/5xx with a plain-text reason.
//   - A subscriber that cannot keep up receives an "error" event and the
//     stream ends (Zenoh's plugin drops the connection after a 10 s send
//     timeout); it never slows the store's writers.
//   - HTML answers (Accept: text/html) are not offered.
//
// # Concurrency
//
// A Handler is safe for concurrent use.
package rest
