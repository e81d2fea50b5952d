// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package rest

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/stratakv/strata"
)

// DefaultEncoding is the encoding a sample stored without one is shown
// with, Zenoh's name for raw bytes.
const DefaultEncoding = "zenoh/bytes"

// item is a sample as Zenoh's REST plugin writes it.
type item struct {
	Key       string          `json:"key"`
	Value     json.RawMessage `json:"value"`
	Encoding  string          `json:"encoding"`
	Timestamp string          `json:"timestamp"`
}

// itemOf renders smp: the value embedded as JSON for JSON encodings (if it
// is valid JSON), as a JSON string for text encodings (if it is valid
// UTF-8), and as a base64 string otherwise, so that the answer is always
// valid JSON.
func itemOf(smp strata.Sample) item {
	enc := smp.Encoding
	if enc == "" {
		enc = DefaultEncoding
	}
	return item{Key: smp.Key, Value: valueJSON(enc, smp.Value), Encoding: enc, Timestamp: smp.Timestamp.String()}
}

func valueJSON(encoding string, v []byte) json.RawMessage {
	mime, _, _ := strings.Cut(encoding, ";")
	mime = strings.ToLower(strings.TrimSpace(mime))
	switch {
	case isJSON(mime) && json.Valid(v):
		return v
	case isText(mime) && utf8.Valid(v):
		b, _ := json.Marshal(string(v)) // a valid string: cannot fail
		return b
	}
	b, _ := json.Marshal(base64.StdEncoding.EncodeToString(v))
	return b
}

func isJSON(mime string) bool {
	switch {
	case mime == "application/json", mime == "text/json",
		mime == "application/integer", mime == "application/float",
		strings.HasSuffix(mime, "+json"),
		strings.HasPrefix(mime, "zenoh/int"), strings.HasPrefix(mime, "zenoh/uint"),
		strings.HasPrefix(mime, "zenoh/float"), mime == "zenoh/bool":
		return true
	}
	return false
}

func isText(mime string) bool {
	switch {
	case strings.HasPrefix(mime, "text/"), mime == "zenoh/string",
		mime == "application/x-www-form-urlencoded", mime == "application/xml",
		mime == "application/yaml", mime == "application/properties",
		mime == "application/javascript", mime == "application/sql":
		return true
	}
	return false
}
