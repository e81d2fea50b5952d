// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

#include "textflag.h"

// func t0(addr uintptr)
TEXT ·t0(SB), NOSPLIT, $0-8
	MOVQ addr+0(FP), AX
	PREFETCHT0 (AX)
	RET
