package main

import (
	"encoding/base64"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/stratakv/strata"
)

// item is one sample of a wildcard get, in JSON. Value is the text itself
// when the encoding is textual and the value valid UTF-8, else base64
// (standard, padded) with Base64 set.
type item struct {
	Key       string `json:"key"`
	Value     string `json:"value"`
	Base64    bool   `json:"base64,omitempty"`
	Encoding  string `json:"encoding"`
	Timestamp string `json:"timestamp"`
}

func itemOf(smp strata.Sample) item {
	it := item{Key: smp.Key, Encoding: smp.Encoding, Timestamp: smp.Timestamp.String()}
	if isText(smp.Encoding) && utf8.Valid(smp.Value) {
		it.Value = string(smp.Value)
	} else {
		it.Value, it.Base64 = base64.StdEncoding.EncodeToString(smp.Value), true
	}
	return it
}

// isText tells the encodings whose values are text: text/*, JSON and XML.
func isText(encoding string) bool {
	mt, _, err := mime.ParseMediaType(encoding)
	if err != nil {
		return false
	}
	return strings.HasPrefix(mt, "text/") || mt == "application/json" || mt == "application/xml" ||
		strings.HasSuffix(mt, "+json") || strings.HasSuffix(mt, "+xml")
}
