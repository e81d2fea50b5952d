package rocksdb

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	if spec := os.Getenv(childEnv); spec != "" {
		runChild(spec)
	}
	code := m.Run()
	printRatios()
	os.Exit(code)
}
