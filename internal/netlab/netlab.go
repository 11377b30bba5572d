// Package netlab builds a small network for tests and benchmarks: three
// network namespaces (client, router, server) joined by veth pairs at MTU
// 1500 with segmentation and receive offloads off, so that what a client
// writes crosses the path in the packets a real 1500-byte path would carry.
// In the router a userspace forwarder (forwarder.go) moves every packet
// through a TUN device and adds a one-way delay, jitter and a bottleneck
// rate: this kernel has no netem qdisc to do it.
//
// It needs root (namespaces, links, routes) and the ip and ethtool
// commands. Everything it creates has a unique name and is removed by
// Close, which tests register with t.Cleanup; the namespaces' addresses
// are only reachable from inside them.
package netlab

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Addresses inside the lab. Every lab has its own namespaces, so labs
// running at the same time do not see each other's addresses.
func clientIP() net.IP { return net.IPv4(10, 201, 1, 1).To4() }
func serverIP() net.IP { return net.IPv4(10, 201, 2, 1).To4() }

// Path is the emulated path between client and server. The zero Path
// forwards at once, at the rate the machine can.
type Path struct {
	// Delay is added to every packet in each direction: the round trip is
	// twice Delay.
	Delay time.Duration
	// Jitter varies each packet's delay uniformly within ±Jitter, without
	// reordering packets (as a real queue would not).
	Jitter time.Duration
	// Rate is the bottleneck in bits per second in each direction; 0 is
	// unlimited. Packets beyond a queue of QueueTime at this rate are
	// dropped.
	Rate      int64
	QueueTime time.Duration
}

// NS is one network namespace of the lab.
type NS struct {
	Name string
	IP   net.IP // its address on the lab path (none for the router)
}

// Lab is a running lab. Client and Server are where the two ends run;
// packets between them cross the router's forwarder.
type Lab struct {
	Client, Server, Router *NS
	Forwarder              *Forwarder
	closers                []func() error
}

// MTU is the lab's link MTU: the common Ethernet one.
const MTU = 1500

// Available says why a lab cannot be built here, or nil when it can.
func Available() error {
	if os.Geteuid() != 0 {
		return errors.New("the network lab needs root (network namespaces, veth, TUN)")
	}
	for _, c := range []string{"ip", "ethtool"} {
		if _, err := exec.LookPath(c); err != nil {
			return fmt.Errorf("the network lab needs the %s command (Debian: apt-get install %s)", c, pkgOf(c))
		}
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		return fmt.Errorf("the network lab needs /dev/net/tun: %w", err)
	}
	return nil
}

func pkgOf(c string) string {
	if c == "ip" {
		return "iproute2"
	}
	return c
}

// New builds a lab for a test and removes it when the test ends. It skips
// the test when the lab cannot be built here (not root, no ip or ethtool),
// unless require is set, as CI does (tests pass
// os.Getenv(realservers.EnvRequire) == "1"): then that is a failure.
func New(t testing.TB, require bool, p Path) *Lab {
	t.Helper()
	if err := Available(); err != nil {
		if require {
			t.Fatalf("the lab is required here (RACETEST_REAL_SERVERS=1) but %v", err)
		}
		t.Skip(err)
	}
	l, err := Start(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Error(err)
		}
	})
	return l
}

// Start builds a lab; the caller must Close it, also when it fails later.
// When Start itself fails it removes what it had built.
func Start(p Path) (*Lab, error) {
	var id [4]byte
	_, _ = rand.Read(id[:])
	prefix := "racetest-" + hex.EncodeToString(id[:])
	l := &Lab{
		Client: &NS{Name: prefix + "-c", IP: clientIP()},
		Server: &NS{Name: prefix + "-s", IP: serverIP()},
		Router: &NS{Name: prefix + "-r"},
	}
	if err := l.build(p); err != nil {
		_ = l.Close()
		return nil, err
	}
	return l, nil
}

// build creates the namespaces, links, forwarder and routes, noting in
// l.closers how to remove each.
func (l *Lab) build(p Path) error {
	for _, ns := range []*NS{l.Client, l.Server, l.Router} {
		if err := run("ip", "netns", "add", ns.Name); err != nil {
			return err
		}
		l.closers = append(l.closers, func() error { return run("ip", "netns", "del", ns.Name) })
		if err := ns.run("ip", "link", "set", "lo", "up"); err != nil {
			return err
		}
	}
	if err := l.link(l.Client, "rc", "10.201.1.2"); err != nil {
		return err
	}
	if err := l.link(l.Server, "rs", "10.201.2.2"); err != nil {
		return err
	}
	f, err := startForwarder(l.Router, p)
	if err != nil {
		return err
	}
	l.Forwarder = f
	l.closers = append(l.closers, f.close)
	return l.route()
}

// link joins ns to the router with a veth pair named eth0 in ns and
// routerEnd in the router, addresses both ends and turns offloads off.
// The pair is created inside the two namespaces, never in the host's.
func (l *Lab) link(ns *NS, routerEnd, routerIP string) error {
	if err := run("ip", "link", "add", "eth0", "netns", ns.Name, "mtu", fmt.Sprint(MTU), "type", "veth",
		"peer", "name", routerEnd, "netns", l.Router.Name, "mtu", fmt.Sprint(MTU)); err != nil {
		return err
	}
	steps := []struct {
		ns   *NS
		argv []string
	}{
		{ns, []string{"ip", "addr", "add", ns.IP.String() + "/24", "dev", "eth0"}},
		{l.Router, []string{"ip", "addr", "add", routerIP + "/24", "dev", routerEnd}},
		// TSO/GSO would hand the NIC (and TCP_INFO's view of the wire)
		// 64 KiB super-packets and GRO would merge them again on receipt;
		// off, each segment is what a 1500-byte path carries.
		{ns, []string{"ethtool", "-K", "eth0", "tso", "off", "gso", "off", "gro", "off"}},
		{l.Router, []string{"ethtool", "-K", routerEnd, "tso", "off", "gso", "off", "gro", "off"}},
		{ns, []string{"ip", "link", "set", "eth0", "up"}},
		{l.Router, []string{"ip", "link", "set", routerEnd, "up"}},
		{ns, []string{"ip", "route", "add", "default", "via", routerIP}},
	}
	for _, s := range steps {
		if err := s.ns.run(s.argv...); err != nil {
			return err
		}
	}
	return nil
}

// route sends everything that arrives on the router's veths into the
// forwarder's TUN device (policy table 100); what the forwarder writes
// back arrives on the TUN device and is routed by the main table to the
// other veth.
func (l *Lab) route() error {
	r := l.Router
	steps := [][]string{
		{"sysctl", "-qw", "net.ipv4.ip_forward=1"},
		{"sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0"},
		{"sysctl", "-qw", "net.ipv4.conf.default.rp_filter=0"},
		{"sysctl", "-qw", "net.ipv4.conf." + tunName + ".rp_filter=0"},
		{"sysctl", "-qw", "net.ipv4.conf.all.send_redirects=0"},
		{"ip", "link", "set", tunName, "mtu", fmt.Sprint(MTU), "up"},
		{"ip", "route", "add", "default", "dev", tunName, "table", "100"},
		{"ip", "rule", "add", "iif", "rc", "lookup", "100"},
		{"ip", "rule", "add", "iif", "rs", "lookup", "100"},
	}
	for _, argv := range steps {
		if err := r.run(argv...); err != nil {
			return err
		}
	}
	return nil
}

// Close stops the forwarder and deletes the namespaces with everything in
// them (veths go with their namespace). It runs every step and reports
// the first failure.
func (l *Lab) Close() error {
	var first error
	for i := len(l.closers) - 1; i >= 0; i-- {
		if err := l.closers[i](); err != nil && first == nil {
			first = err
		}
	}
	l.closers = nil
	return first
}

// Command runs argv inside the namespace (ip netns exec): the whole
// process, every thread of it, lives there.
func (n *NS) Command(ctx context.Context, argv ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.Name}, argv...)...)
}

func (n *NS) run(argv ...string) error {
	return run("ip", append([]string{"netns", "exec", n.Name}, argv...)...)
}

// Listen opens a listener inside the namespace. The socket belongs to the
// namespace it was created in, so only its creation needs an OS thread
// switched there; accepting and serving then run on any goroutine.
func (n *NS) Listen(network, addr string) (net.Listener, error) {
	var ln net.Listener
	err := n.Do(func() error {
		var err error
		ln, err = net.Listen(network, addr)
		return err
	})
	return ln, err
}

// DialContext opens a connection from inside the namespace, as Listen
// does; it fits http.Transport.DialContext.
func (n *NS) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	var c net.Conn
	err := n.Do(func() error {
		var d net.Dialer
		var err error
		c, err = d.DialContext(ctx, network, addr)
		return err
	})
	return c, err
}

// Do runs f on an OS thread that has entered the namespace. Sockets and
// devices f creates belong to the namespace; f must not start goroutines
// that expect to be there too.
func (n *NS) Do(f func() error) error {
	errc := make(chan error, 1)
	go func() {
		// The thread is never unlocked after it switched namespace: when
		// this goroutine ends, Go ends the thread with it, so no other
		// goroutine can land in the lab by accident.
		runtime.LockOSThread()
		errc <- n.do(f)
	}()
	return <-errc
}

func (n *NS) do(f func() error) error {
	fd, err := unix.Open("/run/netns/"+n.Name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open namespace %s: %w", n.Name, err)
	}
	defer func() { _ = unix.Close(fd) }()
	if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("enter namespace %s: %w", n.Name, err)
	}
	return f()
}

func run(name string, args ...string) error {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}
