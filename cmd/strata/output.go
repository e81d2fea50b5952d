// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bufio"
	"encoding/json"
)

// output is a command's standard output, buffered, with an encoder of
// JSON lines (HTML left unescaped) that writes to it.
type output struct {
	*bufio.Writer
	json *json.Encoder
}

func (e *env) output() *output {
	w := bufio.NewWriterSize(e.stdout, 64<<10)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &output{Writer: w, json: enc}
}

// flush writes out what is buffered; its error becomes *err unless the
// command failed already.
func (o *output) flush(err *error) {
	if ferr := o.Flush(); *err == nil && ferr != nil {
		*err = ferr
	}
}
