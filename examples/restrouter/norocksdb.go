//go:build !cgo

package main

const haveRocksDB = false
