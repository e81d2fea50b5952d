// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

//go:build !linux

package testenv

import "syscall"

// sysProcAttr has nothing to add outside Linux: a server whose test binary
// dies without stopping it keeps running.
func sysProcAttr() *syscall.SysProcAttr { return nil }
