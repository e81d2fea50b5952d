// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package httptransport_test

import "net/http"

func (l *lateHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if l.h == nil {
		http.Error(w, "not ready", http.StatusServiceUnavailable)
		return
	}
	l.h.ServeHTTP(w, r)
}

func httptestMux(l *lateHandler) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("/replication/", l)
	return mux
}
