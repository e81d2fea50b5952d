// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package s3

import "net/url"

// URLConfig reads an s3 URL as OpenURL does, without opening anything.
func URLConfig(u *url.URL) (ClientConfig, string, Options, error) { return urlConfig(u) }
