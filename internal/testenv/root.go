// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package testenv

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"
)

const modulePath = "github.com/stratakv/strata"

// repoRoot returns the directory of the go.mod of this module, found by
// walking up from the working directory (a test runs in its package's
// directory). Nested modules on the way are passed over.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if moduleOf(filepath.Join(dir, "go.mod")) == modulePath {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("testenv: no go.mod of " + modulePath + " above the working directory")
		}
		dir = parent
	}
}

// moduleOf returns the module path declared in a go.mod file, or "".
func moduleOf(gomod string) string {
	f, err := os.Open(gomod)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "module"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}
