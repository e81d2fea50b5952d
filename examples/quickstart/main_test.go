// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"demo/fleet/robot/2/pose      = {\"x\":5.5,\"y\":0.5}",
		"apply demo/fleet/robot/1/pose: outdated",
		"apply demo/fleet/robot/3/pose: inserted",
		"key out of scope",
		"stats: 5 puts, 3 deletes (1 wildcard), 1 outdated",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	final := got[strings.LastIndex(got, "== get demo/fleet/**"):]
	if strings.Contains(final, "robot/1") || strings.Contains(final, "robot/2") {
		t.Errorf("deleted keys are listed after the wildcard delete:\n%s", final)
	}
}
