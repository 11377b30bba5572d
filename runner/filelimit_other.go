//go:build !unix

package runner

// fileLimit is unknown where there is no RLIMIT_NOFILE.
func fileLimit() (soft, hard uint64) { return 0, 0 }
