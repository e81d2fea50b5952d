// Copyright 2026 The strata Authors
// SPDX-License-Identifier: Apache-2.0

package metrics

import "github.com/prometheus/client_golang/prometheus"

// DefaultNamespace is the first part of every metric name unless Options
// set another.
const DefaultNamespace = "strata"

// Options configures a collector. A nil *Options means the defaults.
type Options struct {
	// Namespace is the first part of every metric name. Empty:
	// DefaultNamespace ("strata").
	Namespace string

	// ConstLabels are attached to every series of the collector, for
	// example {"keyexpr": "fleet/**"} for a Store or {"replica": "east"}
	// for a Replica. Collectors registered in one registry must have the
	// same label names and differ by their values. Nil: none. The
	// collector keeps a copy.
	ConstLabels prometheus.Labels
}

func (o *Options) namespace() string {
	if o == nil || o.Namespace == "" {
		return DefaultNamespace
	}
	return o.Namespace
}

func (o *Options) constLabels() prometheus.Labels {
	if o == nil || len(o.ConstLabels) == 0 {
		return nil
	}
	labels := make(prometheus.Labels, len(o.ConstLabels))
	for k, v := range o.ConstLabels {
		labels[k] = v
	}
	return labels
}
