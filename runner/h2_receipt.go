package runner

import (
	"crypto/tls"
	"fmt"
)

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

// h2Fit says, before anything is sent, when a connection's final frames
// will not fit one TCP segment of its path (the sender's MSS from
// TCP_INFO, after TLS's record overhead), and what to change: holding
// only the last byte (10 bytes a stream) when whole heads are held, or
// more connections when there are too many streams for one segment. It
// returns nil when every release fits, or the MSS cannot be read.
func h2Fit(conns []*h2conn, hold Hold) *FitAdvice {
	worst, segs, mss, streams := (*h2conn)(nil), 1, 0, 0
	for _, c := range conns {
		streams += len(c.streams)
		m := c.wire.mss()
		if m <= 0 {
			continue
		}
		if s := ceilDiv(len(c.final)+c.recordOverhead(), m); s > segs {
			worst, segs, mss = c, s, m
		}
	}
	if worst == nil {
		return nil
	}
	room := mss - worst.recordOverhead()
	f := &FitAdvice{Note: fmt.Sprintf("the final frames of connection %d (%d streams) are %d bytes, more than the %d bytes one TCP segment carries on this path: the release leaves in %d segments and the server may read it in pieces",
		worst.idx, len(worst.streams), len(worst.final), mss, segs)}
	if worst.maxFinal > room {
		// More connections cannot help: one stream alone overflows.
		f.Note += fmt.Sprintf("; one request's final fragment alone is %d bytes", worst.maxFinal)
		f.HoldLastByte = true
		return f
	}
	f.Connections = ceilDiv(streams, max(room/max(worst.maxFinal, 1), 1))
	f.HoldLastByte = hold == HoldHeaders
	return f
}

// recordOverhead is what TLS adds to one record: header, and the AEAD
// tag (TLS 1.3, also the inner content type) or explicit nonce and tag
// (TLS 1.2 with AES-GCM, the largest of the suites Go offers).
func (c *h2conn) recordOverhead() int {
	tc, ok := c.nc.(*tls.Conn)
	if !ok {
		return 0
	}
	if tc.ConnectionState().Version >= tls.VersionTLS13 {
		return 5 + 1 + 16
	}
	return 5 + 8 + 16
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
