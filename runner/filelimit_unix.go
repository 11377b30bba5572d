//go:build unix

package runner

import "syscall"

// fileLimit is the process's RLIMIT_NOFILE, or zeros when it cannot be read.
func fileLimit() (soft, hard uint64) {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0, 0
	}
	return uint64(l.Cur), uint64(l.Max)
}
