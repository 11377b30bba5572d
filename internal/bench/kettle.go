package main

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// kettle2023 is the reference: a literal implementation of the recipe
// James Kettle published in 2023 ("Smashing the state machine", section
// "Single-packet attack"), kept apart from racetest's engine so that the
// benchmark compares against the recipe, not against ourselves:
//
//  1. One HTTP/2 connection. For each request, send the headers (without
//     END_STREAM) and all of the body but its last byte; a request
//     without a body keeps back an empty DATA frame with END_STREAM.
//  2. Wait 100 ms so that these frames have been sent.
//  3. Keep Nagle's algorithm on (TCP_NODELAY off) and send a PING frame
//     to warm the local connection: the withheld frames written right
//     after it wait for its acknowledgement and leave batched together.
//  4. Send the withheld frames, one write each.
//
// It runs as `bench kettle2023 -n N [-H header]... [-body JSON] URL`, in
// the lab's client namespace when the path is emulated, and reads every
// response before it exits.
func kettle2023(args []string) error {
	fs := flag.NewFlagSet("kettle2023", flag.ContinueOnError)
	n := fs.Int("n", 20, "requests")
	body := fs.String("body", "", "JSON body (POST); empty: GET")
	var headers headerList
	fs.Var(&headers, "H", "header 'Name: value' (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("kettle2023: one URL expected")
	}
	u, err := url.Parse(fs.Arg(0))
	if err != nil {
		return err
	}
	// The recipe is for one connection. Beyond the 250 concurrent streams
	// Go's server (the demo target) allows, the streams are split over
	// connections, each following the recipe, as any client must.
	k := (*n + kettleMaxStreams - 1) / kettleMaxStreams
	conns := make([]*kconn, k)
	for i := range conns {
		nc, err := kettleDial(u)
		if err != nil {
			return err
		}
		defer nc.Close()
		nc.SetDeadline(time.Now().Add(60 * time.Second))
		conns[i] = newKconn(nc, min(kettleMaxStreams, *n-i*kettleMaxStreams))
	}
	for _, c := range conns {
		if err := c.arm(u, headers, []byte(*body)); err != nil {
			return err
		}
	}
	// Step 2: let them go.
	time.Sleep(100 * time.Millisecond)
	for _, c := range conns {
		if err := c.release(); err != nil {
			return err
		}
	}
	errs := make(chan error, k)
	for _, c := range conns {
		go func() { errs <- c.collect() }()
	}
	for range conns {
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}

// kettleMaxStreams is Go's server's default SETTINGS_MAX_CONCURRENT_STREAMS.
const kettleMaxStreams = 250

// kconn is one connection of the recipe.
type kconn struct {
	c      net.Conn
	fr     *http2.Framer
	out    bytes.Buffer
	n      int
	finals [][]byte
}

func newKconn(c net.Conn, n int) *kconn {
	k := &kconn{c: c, n: n}
	k.fr = http2.NewFramer(&k.out, bufio.NewReader(c))
	k.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	return k
}

func (k *kconn) flush() error {
	_, err := k.c.Write(k.out.Bytes())
	k.out.Reset()
	return err
}

// kettleDial opens the connection with Nagle's algorithm on (Go turns it
// off by default) and, for https, TLS offering only h2.
func kettleDial(u *url.URL) (net.Conn, error) {
	port := u.Port()
	if port == "" {
		port = map[bool]string{true: "443", false: "80"}[u.Scheme == "https"]
	}
	raw, err := net.DialTimeout("tcp", net.JoinHostPort(u.Hostname(), port), 10*time.Second)
	if err != nil {
		return nil, err
	}
	if err := raw.(*net.TCPConn).SetNoDelay(false); err != nil {
		raw.Close()
		return nil, err
	}
	if u.Scheme != "https" {
		return raw, nil
	}
	tc := tls.Client(raw, &tls.Config{ServerName: u.Hostname(), NextProtos: []string{"h2"}, InsecureSkipVerify: true}) //nolint:gosec // benchmark against our own demo target
	if err := tc.Handshake(); err != nil {
		raw.Close()
		return nil, err
	}
	return tc, nil
}

// arm is step 1: the connection preface and SETTINGS, then every request
// but its final frame, in one write.
func (k *kconn) arm(u *url.URL, headers []string, body []byte) error {
	fr, n := k.fr, k.n
	k.out.WriteString(http2.ClientPreface)
	if err := fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 1 << 30}); err != nil {
		return err
	}
	if err := fr.WriteWindowUpdate(0, 1<<30); err != nil {
		return err
	}
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	method := "GET"
	if len(body) > 0 {
		method = "POST"
	}
	// Step 1: every request but its final frame.
	k.finals = make([][]byte, n)
	for i := range n {
		id := uint32(2*i + 1)
		hb.Reset()
		fields := []hpack.HeaderField{{Name: ":method", Value: method}, {Name: ":scheme", Value: u.Scheme},
			{Name: ":authority", Value: u.Host}, {Name: ":path", Value: u.RequestURI()}}
		for _, h := range headers {
			k, v, _ := strings.Cut(h, ":")
			fields = append(fields, hpack.HeaderField{Name: strings.ToLower(strings.TrimSpace(k)), Value: strings.TrimSpace(v)})
		}
		if len(body) > 0 {
			fields = append(fields, hpack.HeaderField{Name: "content-type", Value: "application/json"},
				hpack.HeaderField{Name: "content-length", Value: strconv.Itoa(len(body))})
		}
		for _, f := range fields {
			if err := enc.WriteField(f); err != nil {
				return err
			}
		}
		if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: hb.Bytes(), EndHeaders: true}); err != nil {
			return err
		}
		cut := max(len(body)-1, 0)
		if cut > 0 {
			if err := fr.WriteData(id, false, body[:cut]); err != nil {
				return err
			}
		}
		var f bytes.Buffer
		if err := http2.NewFramer(&f, nil).WriteData(id, true, body[cut:]); err != nil {
			return err
		}
		k.finals[i] = f.Bytes()
	}
	return k.flush()
}

// release is steps 3 and 4: the PING, with Nagle on, then the withheld
// frames, one write each.
func (k *kconn) release() error {
	if err := k.fr.WritePing(false, [8]byte{'k', 'e', 't', 't', 'l', 'e', '2', '3'}); err != nil {
		return err
	}
	if err := k.flush(); err != nil {
		return err
	}
	for _, f := range k.finals {
		if _, err := k.c.Write(f); err != nil {
			return err
		}
	}
	return nil
}

// collect reads until every stream has ended, answering the server's
// SETTINGS and PINGs.
func (k *kconn) collect() error {
	fr, flush, n := k.fr, k.flush, k.n
	ended := 0
	for ended < n {
		f, err := fr.ReadFrame()
		if err != nil {
			return fmt.Errorf("after %d of %d responses: %w", ended, n, err)
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				if err := fr.WriteSettingsAck(); err != nil {
					return err
				}
				if err := flush(); err != nil {
					return err
				}
			}
		case *http2.PingFrame:
			if !f.IsAck() {
				if err := fr.WritePing(true, f.Data); err != nil {
					return err
				}
				if err := flush(); err != nil {
					return err
				}
			}
		case *http2.GoAwayFrame:
			return fmt.Errorf("GOAWAY %v after %d of %d responses", f.ErrCode, ended, n)
		case *http2.RSTStreamFrame:
			return fmt.Errorf("stream %d reset: %v", f.StreamID, f.ErrCode)
		case *http2.MetaHeadersFrame:
			if f.StreamEnded() {
				ended++
			}
		case *http2.DataFrame:
			if f.StreamEnded() {
				ended++
			}
		}
	}
	return nil
}

type headerList []string

func (h *headerList) String() string     { return strings.Join(*h, ", ") }
func (h *headerList) Set(v string) error { *h = append(*h, v); return nil }
