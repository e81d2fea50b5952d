package antientropy

// IsPush reports whether msg is a push message, for tests that lose
// pushes only.
func IsPush(msg []byte) bool { return len(msg) > 1 && msgKind(msg[1]) == msgPush }
