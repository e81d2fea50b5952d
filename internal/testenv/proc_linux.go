// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

//go:build linux

package testenv

import "syscall"

// sysProcAttr makes the kernel kill a server when the test binary that
// started it dies without stopping it (a panic, or go test's -timeout).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
