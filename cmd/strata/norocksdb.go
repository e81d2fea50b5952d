//go:build !cgo

package main

const haveRocksDB = false

func isLocked(error) bool { return false }
