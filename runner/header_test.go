package runner

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/net/http/httpguts"
)

// countingListener counts the connections a server accepted.
type countingListener struct {
	net.Listener
	accepted *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.accepted.Add(1)
	}
	return c, err
}

// TestUnsendableHeadersRefusedByEveryEngine: a header HTTP cannot carry
// is refused before anything is sent, with one message, in every engine
// and in Do. (Issue 12: last-byte sent it raw, barrier counted the
// server's answer as protocol errors, single-packet refused it.) The
// server sees no connection at all.
func TestUnsendableHeadersRefusedByEveryEngine(t *testing.T) {
	var accepted, requests atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { requests.Add(1) }))
	srv.Listener = countingListener{srv.Listener, &accepted}
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetHTTP1(true)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)
	cases := []struct {
		name, value, want string
	}{
		{"X-Token", "a\x00b", `request 1: header "X-Token": the value has a NUL (byte 0x00 at column 2), which HTTP does not allow in a header; remove it`},
		{"X-Token", "ab\r\nX-Injected: 1", `request 1: header "X-Token": the value has a line break (byte 0x0D at column 3)`},
		{"X-Token", "é\x7f", `request 1: header "X-Token": the value has a control character (byte 0x7F at column 2)`},
		{"Bad Name", "v", `request 1: header "Bad Name": the name has a space (byte 0x20 at column 4); a header name has letters, digits and !#$%&'*+-.^_` + "`|~ only"},
		{"X-Ünicode", "v", `header "X-Ünicode": the name has a character that is not ASCII (byte 0xC3 at column 3)`},
	}
	for _, c := range cases {
		reqs := burstOf(3, http.MethodGet, srv.URL+"/", nil)
		reqs[1].Header = http.Header{c.name: {c.value}}
		for _, mode := range []Mode{ModeAuto, ModeSinglePacket, ModeLastByte, ModeBarrier} {
			b, err := Run(context.Background(), Plan{Requests: reqs, Options: Options{Client: Client{H2C: mode == ModeSinglePacket}, Sync: Sync{Mode: mode}}})
			var he *HeaderError
			if b != nil || !errors.Is(err, ErrInvalidPlan) || !errors.As(err, &he) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s %q: burst %v, err %v; want ErrInvalidPlan with %q", mode, c.name, b != nil, err, c.want)
			}
		}
		r := Do(context.Background(), reqs[1], Client{})
		var he *HeaderError
		if !errors.Is(r.Err, ErrInvalidPlan) || !errors.As(r.Err, &he) || r.Status != 0 {
			t.Errorf("do %q: status %d err %v, want the header refused", c.name, r.Status, r.Err)
		}
	}
	if n, m := accepted.Load(), requests.Load(); n != 0 || m != 0 {
		t.Errorf("the server accepted %d connections and saw %d requests, want none", n, m)
	}
	// HTAB and bytes past ASCII are allowed in a value.
	if err := CheckHeader("X-Ok", "a\tb é"); err != nil {
		t.Errorf("HTAB and UTF-8: %v", err)
	}
}

// CheckHeader agrees with what net/http and x/net's HTTP/2 client check
// (httpguts), byte for byte, so that no engine refuses what another sends.
func TestCheckHeaderAgreesWithHTTPGuts(t *testing.T) {
	for b := range 256 {
		s := "a" + string([]byte{byte(b)}) + "z"
		if got, want := CheckHeader("X", s) == nil, httpguts.ValidHeaderFieldValue(s); got != want {
			t.Errorf("value byte 0x%02X: allowed %v, httpguts %v", b, got, want)
		}
		if got, want := CheckHeader(s, "v") == nil, httpguts.ValidHeaderFieldName(s); got != want {
			t.Errorf("name byte 0x%02X: allowed %v, httpguts %v", b, got, want)
		}
	}
}
