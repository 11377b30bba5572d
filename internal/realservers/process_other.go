//go:build !linux

package realservers

import "testing"

// run skips: the servers are Debian packages, and stopping their workers
// relies on Linux's process groups and parent-death signal.
func run(t testing.TB, _ *Server, _ launch) error {
	t.Helper()
	t.Skip("real servers run on Linux only")
	return nil
}
