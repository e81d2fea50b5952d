// Package integration holds tests that combine packages the way users do:
// replicas on different backends, a Store over real servers. It has no
// code of its own.
package integration
