//go:build linux && !386

package runner

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// tcpInfoBuf is the kernel's struct tcp_info with its length, kept in
// one place so that readTCPInfo needs no memory of its own.
type tcpInfoBuf struct {
	info unix.TCPInfo
	len  uint32
}

// tcpInfoNeed is how much of struct tcp_info must be filled for the data
// segment counter to be there (Linux 4.6 and later).
const tcpInfoNeed = uint32(unsafe.Offsetof(unix.TCPInfo{}.Data_segs_out) + unsafe.Sizeof(unix.TCPInfo{}.Data_segs_out))

// readTCPInfo reads TCP_INFO of the socket fd into out. It calls
// getsockopt directly, not unix.GetsockoptTCPInfo, because that allocates
// the struct on every call, and the receipt reads it right before and
// right after the release.
func readTCPInfo(fd int, out *tcpInfo) {
	out.ok = false
	if fd < 0 {
		return
	}
	var b tcpInfoBuf
	b.len = uint32(unsafe.Sizeof(b.info))
	_, _, errno := unix.Syscall6(unix.SYS_GETSOCKOPT, uintptr(fd), unix.IPPROTO_TCP, unix.TCP_INFO,
		uintptr(unsafe.Pointer(&b.info)), uintptr(unsafe.Pointer(&b.len)), 0)
	if errno != 0 || b.len < tcpInfoNeed {
		return
	}
	out.dataSegs, out.notSent, out.mss, out.ok = b.info.Data_segs_out, b.info.Notsent_bytes, b.info.Snd_mss, true
}
