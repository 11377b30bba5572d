package runner

// h2Meter prepares the measurement of the release on the connections that
// will be released (those whose arming succeeded), before the release.
func h2Meter(conns []*h2conn) *releaseMeter {
	wires := make([]*wireConn, 0, len(conns))
	for _, c := range conns {
		if c.final != nil {
			wires = append(wires, c.wire)
		}
	}
	return newReleaseMeter(wires)
}

// h2Receipt fills the write side of the receipt: one write of the final
// frames per released connection.
func h2Receipt(b *Burst, conns []*h2conn, m *releaseMeter) {
	rc := &b.Receipt
	for _, c := range conns {
		if c.final == nil {
			continue
		}
		rc.Connections++
		rc.Writes++
		rc.Bytes += int64(len(c.final))
	}
	m.fill(rc)
}
