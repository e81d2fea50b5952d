package keyexpr

import "strings"

// Join joins two chunk sequences on a chunk boundary: Join("a/b", "c") is
// "a/b/c", and an empty side is left out: Join("a/b", "") is "a/b" and
// Join("", "c") is "c". It does not validate its arguments.
func Join(prefix, suffix string) string {
	switch {
	case prefix == "":
		return suffix
	case suffix == "":
		return prefix
	}
	return prefix + "/" + suffix
}

// StripPrefix removes prefix from key on a chunk boundary and reports
// whether it could: StripPrefix("a/b/c", "a/b") is ("c", true),
// StripPrefix("a/b", "a/b") is ("", true), StripPrefix("a/bc", "a/b") is
// ("", false), and an empty prefix leaves key as it is. It does not allocate
// and does not validate its arguments.
func StripPrefix(key, prefix string) (rest string, ok bool) {
	switch {
	case prefix == "":
		return key, true
	case key == prefix:
		return "", true
	case len(key) > len(prefix) && key[len(prefix)] == '/' && strings.HasPrefix(key, prefix):
		return key[len(prefix)+1:], true
	}
	return "", false
}

// HasChunkPrefix reports whether prefix is made of the first chunks of s:
// s equals prefix or starts with prefix followed by '/'. The empty prefix is
// a chunk prefix of every s.
func HasChunkPrefix(s, prefix string) bool {
	_, ok := StripPrefix(s, prefix)
	return ok
}
