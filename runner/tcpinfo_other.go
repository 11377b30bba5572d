//go:build !linux || 386

package runner

// readTCPInfo reports TCP_INFO as unavailable: the receipt's segment
// count is then unknown, never guessed.
func readTCPInfo(_ int, out *tcpInfo) { out.ok = false }
