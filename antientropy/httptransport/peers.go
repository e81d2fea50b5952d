// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package httptransport

import (
	"fmt"
	"strings"
)

// ParsePeers parses a command line's list of peers, "name=http://host:port"
// entries separated by commas (https too; spaces and empty entries are
// ignored), into the map NewClient takes: each peer's name to its base URL
// followed by path, where the peer mounts its Handler (e.g.
// "/replication"). A name given twice, an entry without a name, or a URL
// that is neither http nor https is an error that names the entry.
func ParsePeers(list, path string) (map[string]string, error) {
	peers := map[string]string{}
	for p := range strings.SplitSeq(list, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		name, u, ok := strings.Cut(p, "=")
		if !ok || name == "" || !(strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")) {
			return nil, fmt.Errorf("peer %q is not name=http://host:port", p)
		}
		if _, dup := peers[name]; dup {
			return nil, fmt.Errorf("peer %q is listed twice", name)
		}
		peers[name] = strings.TrimSuffix(u, "/") + path
	}
	return peers, nil
}
