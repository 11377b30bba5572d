package runner

import "time"

// Receipt says how the release of a burst went on the wire: the evidence
// that the requests left together, or the reason to doubt it. Engines
// read the counters outside the timed release loop, into memory allocated
// before it.
type Receipt struct {
	// Heads is set when the server answered every request on its HEADERS,
	// before the release: the arming write, which carried every stream's
	// HEADERS at its start, was the burst, and the counts below are of
	// that write (see onHeads).
	Heads bool
	// Connections is how many connections took part in the release.
	Connections int
	// Writes is how many write calls the release made: one per connection
	// for single-packet and last-byte, so a single-connection single-packet
	// burst has one write and a ReleaseSpread of 0 by construction. The
	// barrier engine counts the writes net/http made for whole requests.
	Writes int
	// Bytes is how many request bytes the release wrote (before TLS).
	Bytes int64
	// TLS is set when the connections were TLS; TLSRecords is how many
	// TLS records the release writes took in all (0 without TLS).
	TLS        bool
	TLSRecords int
	// Segments is how many TCP segments carrying data the release took,
	// over all connections, and MaxSegments the most on one connection
	// (more than one means the server may have read that connection's
	// final frames in pieces). They come from TCP_INFO before and after
	// the release writes, on Linux only: SegmentsKnown is false elsewhere,
	// and when a connection could not be measured.
	Segments, MaxSegments int
	SegmentsKnown         bool
	// ReleaseSpread is Burst.ReleaseSpread: the time between the first
	// and the last final write.
	ReleaseSpread time.Duration
	// ServerSpread is Burst.ServerSpread, from the ServerStamps responses
	// that carried an arrival stamp (at least two are needed). It is only
	// as fine as ServerResolution: with stamps of 1 ms resolution (nginx
	// $msec), a ServerSpread of 0 means "under 1 ms", not "none".
	ServerSpread     time.Duration
	ServerStamps     int
	ServerResolution time.Duration
	// ReleaseAt is Sync.ReleaseAt, and ReleaseError how much later (or,
	// negative, earlier) than it the first release write was, by this
	// machine's clock: the local part of the error of a burst from
	// several machines, to which their clocks' offsets add.
	// ReleaseErrorKnown is false when nothing was released.
	ReleaseAt         time.Time
	ReleaseError      time.Duration
	ReleaseErrorKnown bool
}

// releaseMeter measures what the release wrote on each connection. start
// and stop read every connection's counters right before the first and
// right after the last release write, into slices allocated by
// newReleaseMeter; nothing is read inside the write loop itself.
type releaseMeter struct {
	wires         []*wireConn // nil entries: a connection we cannot see
	before, after []wireSnap
}

func newReleaseMeter(wires []*wireConn) *releaseMeter {
	return &releaseMeter{wires: wires, before: make([]wireSnap, len(wires)), after: make([]wireSnap, len(wires))}
}

func (m *releaseMeter) start() { m.read(m.before) }
func (m *releaseMeter) stop()  { m.read(m.after) }

func (m *releaseMeter) read(into []wireSnap) {
	for i, w := range m.wires {
		if w != nil {
			w.snap(&into[i])
		}
	}
}

// settle reads TCP_INFO again, after the collect, on connections where
// the kernel still held release bytes back when stop read it (Nagle's
// algorithm waits for the ACK of what arming sent): the segments they
// left in are counted once they have left. The release writes are the
// last data these engines send before the responses are in, bar HTTP/2
// control frames.
func (m *releaseMeter) settle() {
	for i, w := range m.wires {
		if a := &m.after[i]; w != nil && a.tcp.ok && a.tcp.notSent > 0 {
			readTCPInfo(w.fd, &a.tcp)
		}
	}
}

// fill writes the measured counts into rc. Connections and Bytes are the
// engine's to set.
func (m *releaseMeter) fill(rc *Receipt) {
	rc.SegmentsKnown = len(m.wires) > 0
	for i, w := range m.wires {
		b, a := &m.before[i], &m.after[i]
		if w == nil || !a.tcp.ok || !b.tcp.ok {
			rc.SegmentsKnown = false
		}
		if w == nil {
			continue
		}
		if w.tls {
			rc.TLS = true
			rc.TLSRecords += int(a.writes - b.writes)
		}
		segs := int(a.tcp.dataSegs - b.tcp.dataSegs)
		rc.Segments += segs
		rc.MaxSegments = max(rc.MaxSegments, segs)
	}
	if !rc.SegmentsKnown {
		rc.Segments, rc.MaxSegments = 0, 0
	}
}
