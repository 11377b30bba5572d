package netlab

import (
	"container/heap"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// tunName is the forwarder's TUN device inside the router namespace.
const tunName = "fwd0"

// Forwarder moves packets between the lab's two ends through a TUN device
// and delays them as its Path says: each direction is one FIFO queue
// drained at Rate (the bottleneck), then each packet is held for Delay ±
// its own Jitter. Jitter is drawn for every packet on its own, as paths
// over the Internet vary from packet to packet and from flow to flow, but
// a TCP connection's packets keep their order (a packet never leaves
// before the one ahead of it on the same connection), so that jitter does
// not turn into reordering and retransmissions. It can record what the
// client sends, so that a test counts the segments on the wire.
type Forwarder struct {
	path   Path
	server [4]byte // the server's address: packets to it go one way
	tun    *os.File
	dirs   [2]*direction
	wg     sync.WaitGroup

	mu        sync.Mutex
	capturing bool
	captured  []Packet
	capBytes  int
}

// Packet is one IPv4 packet the client sent, as the forwarder received it.
type Packet struct {
	At   time.Time
	Data []byte
}

// maxFlows is how many flows a direction remembers before forgetting
// those with nothing in flight.
const maxFlows = 4096

// Capture bounds: a capture that outgrows them stops recording.
const (
	maxCapturePackets = 200_000
	maxCaptureBytes   = 64 << 20
)

// direction is one way through the forwarder.
type direction struct {
	// due holds the packets waiting to leave, earliest first; wake tells
	// the sender that one was added or that the forwarder is closing.
	mu       sync.Mutex
	due      dueHeap
	closed   bool
	seq      uint64
	wake     chan struct{}
	linkFree time.Time          // when the bottleneck has sent what is queued
	last     map[flow]time.Time // each flow's latest departure: no reordering
}

// flow is a TCP connection (or other transport flow) in one direction:
// addresses and ports.
type flow [12]byte

func flowOf(pkt []byte) flow {
	var f flow
	copy(f[:8], pkt[12:20])
	if ihl := int(pkt[0]&0x0f) * 4; len(pkt) >= ihl+4 {
		copy(f[8:], pkt[ihl:ihl+4])
	}
	return f
}

type queued struct {
	depart time.Time
	seq    uint64 // arrival order
	data   []byte
}

// startForwarder creates the TUN device inside the router namespace and
// starts moving packets.
func startForwarder(router *NS, p Path) (*Forwarder, error) {
	if p.QueueTime == 0 {
		p.QueueTime = 200 * time.Millisecond
	}
	var fd int
	err := router.Do(func() error {
		var err error
		fd, err = openTUN(tunName)
		return err
	})
	if err != nil {
		return nil, err
	}
	// Non-blocking, so that reads go through Go's poller and Close
	// unblocks them.
	if err := unix.SetNonblock(fd, true); err != nil {
		_ = unix.Close(fd)
		return nil, err
	}
	f := &Forwarder{path: p, server: [4]byte(serverIP()), tun: os.NewFile(uintptr(fd), "/dev/net/tun")}
	for i := range f.dirs {
		f.dirs[i] = &direction{wake: make(chan struct{}, 1), last: map[flow]time.Time{}}
		f.wg.Add(1)
		go f.send(f.dirs[i])
	}
	f.wg.Add(1)
	go f.receive()
	return f, nil
}

// openTUN opens a TUN device (IP packets, no packet-information header).
// It is not persistent: closing the descriptor removes it.
func openTUN(name string) (int, error) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open /dev/net/tun: %w", err)
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		_ = unix.Close(fd)
		return -1, err
	}
	ifr.SetUint16(unix.IFF_TUN | unix.IFF_NO_PI)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		_ = unix.Close(fd)
		return -1, fmt.Errorf("create TUN device %s: %w", name, err)
	}
	return fd, nil
}

// receive reads every packet from the TUN device and queues it for its
// direction at the time it may leave.
func (f *Forwarder) receive() {
	defer f.wg.Done()
	defer func() {
		for _, d := range f.dirs {
			d.push(queued{}, true)
		}
	}()
	buf := make([]byte, 65536)
	for {
		n, err := f.tun.Read(buf)
		if err != nil {
			return // closed
		}
		if n < 20 || buf[0]>>4 != 4 {
			continue // IPv4 only: the lab has no IPv6 addresses
		}
		now := time.Now()
		data := append([]byte(nil), buf[:n]...)
		toServer := [4]byte(data[16:20]) == f.server
		if toServer {
			f.record(now, data)
		}
		d := f.dirs[0]
		if !toServer {
			d = f.dirs[1]
		}
		if depart, ok := f.schedule(d, flowOf(data), now, n); ok {
			d.push(queued{depart: depart, data: data}, false)
		}
	}
}

// schedule is when a packet of n bytes of flow fl that arrived at now
// leaves: after the bottleneck has sent everything before it and it, plus
// the delay and this packet's jitter, and never before the packet ahead
// of it on its flow. ok is false when the bottleneck's queue is full.
func (f *Forwarder) schedule(d *direction, fl flow, now time.Time, n int) (time.Time, bool) {
	p := f.path
	start := now
	if d.linkFree.After(now) {
		if d.linkFree.Sub(now) > p.QueueTime {
			return time.Time{}, false
		}
		start = d.linkFree
	}
	sent := start
	if p.Rate > 0 {
		sent = start.Add(time.Duration(int64(n) * 8 * int64(time.Second) / p.Rate))
	}
	d.linkFree = sent
	depart := sent.Add(p.Delay)
	if p.Jitter > 0 {
		depart = depart.Add(time.Duration(rand.Int64N(int64(2*p.Jitter)+1)) - p.Jitter)
	}
	if last := d.last[fl]; depart.Before(last) {
		depart = last
	}
	d.last[fl] = depart
	if len(d.last) > maxFlows {
		// Flows whose last packet has left need no order kept.
		for k, t := range d.last {
			if t.Before(now) {
				delete(d.last, k)
			}
		}
	}
	return depart, true
}

// send writes one direction's packets back into the TUN device when they
// are due, earliest first; the kernel then routes them to the other end.
func (f *Forwarder) send(d *direction) {
	defer f.wg.Done()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		d.mu.Lock()
		if d.closed {
			d.mu.Unlock()
			return
		}
		wait := time.Hour
		var p queued
		ready := false
		if len(d.due) > 0 {
			if wait = time.Until(d.due[0].depart); wait <= 0 {
				p, ready = heap.Pop(&d.due).(queued), true
			}
		}
		d.mu.Unlock()
		if ready {
			if _, err := f.tun.Write(p.data); err != nil && errors.Is(err, os.ErrClosed) {
				return
			}
			continue
		}
		timer.Reset(wait)
		select {
		case <-d.wake:
		case <-timer.C:
		}
	}
}

// push queues a packet, or marks the direction closed.
func (d *direction) push(p queued, closing bool) {
	d.mu.Lock()
	switch {
	case closing:
		d.closed = true
	case len(d.due) < maxQueued:
		d.seq++
		p.seq = d.seq
		heap.Push(&d.due, p)
	}
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// maxQueued bounds the packets waiting in one direction; past it they
// are dropped, as a full router queue drops them.
const maxQueued = 8192

// dueHeap orders packets by departure (container/heap).
type dueHeap []queued

func (h dueHeap) Len() int { return len(h) }
func (h dueHeap) Less(i, j int) bool {
	// Equal departures leave in arrival order: a flow's packets often
	// share one (the flow's previous departure).
	if h[i].depart.Equal(h[j].depart) {
		return h[i].seq < h[j].seq
	}
	return h[i].depart.Before(h[j].depart)
}
func (h dueHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)   { *h = append(*h, x.(queued)) }
func (h *dueHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func (f *Forwarder) record(now time.Time, data []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.capturing || len(f.captured) >= maxCapturePackets || f.capBytes+len(data) > maxCaptureBytes {
		return
	}
	f.captured = append(f.captured, Packet{At: now, Data: data})
	f.capBytes += len(data)
}

// StartCapture starts recording the packets the client sends, forgetting
// any recorded before.
func (f *Forwarder) StartCapture() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.capturing, f.captured, f.capBytes = true, nil, 0
}

// StopCapture stops recording and returns what was recorded.
func (f *Forwarder) StopCapture() []Packet {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.capturing = false
	return f.captured
}

func (f *Forwarder) close() error {
	err := f.tun.Close()
	f.wg.Wait()
	return err
}
