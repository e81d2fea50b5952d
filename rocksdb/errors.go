package rocksdb

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stratakv/strata/backend"
)

// ErrLocked is wrapped by the error Open returns when another read-write
// handle holds the database: in this process, or in another one (whose
// process id the message names). RocksDB allows one writer per database.
var ErrLocked = errors.New("rocksdb: database is locked by another handle")

// Status codes of RocksDB, as the C API reports them: it gives a status
// only as the text of Status::ToString, whose fixed prefix is the code.
const (
	statusCorruption = "Corruption"
	statusIOError    = "IO error"
)

// statusCode returns the code of a RocksDB status error: the text before
// the first ": ".
func statusCode(err error) string {
	code, _, _ := strings.Cut(err.Error(), ": ")
	return code
}

// nativeError maps an error of RocksDB onto the sentinels of package
// backend, by status code, naming the operation and the key. It is the
// one place where native errors are classified.
func nativeError(op, key string, err error) error {
	if statusCode(err) == statusCorruption {
		return fmt.Errorf("rocksdb: %s %q: %w: %w", op, key, backend.ErrCorrupt, err)
	}
	return fmt.Errorf("rocksdb: %s %q: %w", op, key, err)
}

// recordError wraps an error of backend.DecodeRecord (which wraps
// backend.ErrCorrupt) or of backend.AppendRecord.
func recordError(op, key string, err error) error {
	return fmt.Errorf("rocksdb: %s %q: %w", op, key, err)
}

func errNotFound(op, key string) error {
	return fmt.Errorf("rocksdb: %s %q: %w", op, key, backend.ErrNotFound)
}

func errClosed(op, key string) error {
	return fmt.Errorf("rocksdb: %s %q: %w", op, key, backend.ErrClosed)
}

func errReadOnly(op, key string) error {
	return fmt.Errorf("rocksdb: %s %q: opened with Options.ReadOnly: %w", op, key, backend.ErrReadOnly)
}

func errContext(op, key string, err error) error {
	return fmt.Errorf("rocksdb: %s %q: %w", op, key, err)
}
