package realservers_test

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/racetest/racetest/internal/realservers"
	"github.com/racetest/racetest/runner"
)

// TestNginxKeepaliveRequestsGOAWAY shows what issue 11 builds on: nginx
// ends an HTTP/2 connection with GOAWAY after keepalive_requests streams,
// so the rest of a single-connection burst is never processed. The limit
// is 10 here (the case is 50 with 100 requests) to keep the burst
// small; the mechanism is the same.
func TestNginxKeepaliveRequestsGOAWAY(t *testing.T) {
	const limit, n = 10, 30
	be := realservers.StartBackend(t, time.Millisecond)
	srv := realservers.StartNginx(t, realservers.NginxOptions{Options: options(be.URL), KeepaliveRequests: limit})
	for _, c := range []struct {
		name   string
		url    string
		client runner.Client
	}{
		{"h2c", srv.H2CURL, runner.Client{H2C: true}},
		{"tls", srv.TLSURL, runner.Client{RootCAs: srv.RootCAs()}},
	} {
		t.Run(c.name, func(t *testing.T) {
			be.Reset()
			b := fire(t, posts(n, c.url+"/race"), c.client, runner.Sync{Mode: runner.ModeSinglePacket})
			if b.Connections != 1 {
				t.Fatalf("burst used %d connections, want 1 (nginx allows 128 streams)", b.Connections)
			}
			answered, unprocessed := 0, 0
			kinds := map[runner.ErrKind]int{}
			for i := range b.Results {
				r := &b.Results[i]
				switch {
				case r.Err == nil && r.Status != 0:
					answered++
				case r.Err != nil && r.Status == 0:
					unprocessed++
					kinds[r.ErrKind]++
				default:
					t.Errorf("request %d: status %d with error %v", i, r.Status, r.Err)
				}
			}
			if answered != limit || unprocessed != n-limit {
				t.Errorf("%d answered and %d unprocessed, want %d and %d\n%s", answered, unprocessed, limit, n-limit, srv.Log())
			}
			if got := len(be.Arrivals()); got != limit {
				t.Errorf("backend saw %d requests, want keepalive_requests = %d", got, limit)
			}
			t.Logf("%d answered, %d unprocessed %v; notes %q", answered, unprocessed, kinds, b.Notes)
		})
	}
}

// TestNginxReturnsBeforeBody proves, without racetest in the way, that
// nginx's `return 200` answers a request whose body has not arrived: a
// request head announcing 16 bytes of body and no body gets its 200.
func TestNginxReturnsBeforeBody(t *testing.T) {
	srv := realservers.StartNginx(t, realservers.NginxOptions{Options: options("")})
	for _, base := range []string{srv.HTTPURL, srv.TLSURL} {
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		c, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if u.Scheme == "https" {
			c = tls.Client(c, &tls.Config{RootCAs: srv.RootCAs(), ServerName: "127.0.0.1", NextProtos: []string{"http/1.1"}})
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		head := "POST " + realservers.OKPath + " HTTP/1.1\r\nHost: " + u.Host + "\r\nContent-Length: 16\r\n\r\n"
		if _, err := io.WriteString(c, head); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("%s: no response before the body: %v\n%s", base, err, srv.Log())
		}
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || string(body) != "ok" {
			t.Errorf("%s: %d %q before the body, want 200 \"ok\"", base, resp.StatusCode, body)
		}
	}
}

// TestNginxEarlyAnswersLastByte races nginx's `return 200` with last-byte.
// Holding back the end of the request head (hold headers) keeps every
// answer after the release, since nginx cannot answer a head it does not
// have. Holding only the last body byte lets nginx answer early; how many
// of those the engine notices is logged, not asserted: that is issue 11's
// to fix and timing-dependent.
func TestNginxEarlyAnswersLastByte(t *testing.T) {
	srv := realservers.StartNginx(t, realservers.NginxOptions{Options: options("")})
	for _, base := range []string{srv.HTTPURL, srv.TLSURL} {
		for _, hold := range []runner.Hold{runner.HoldHeaders, runner.HoldLastByte} {
			b := fire(t, posts(burstN, base+realservers.OKPath),
				runner.Client{RootCAs: srv.RootCAs()}, runner.Sync{Mode: runner.ModeLastByte, Hold: hold})
			early := 0
			for i := range b.Results {
				r := &b.Results[i]
				if r.Err != nil || r.Status != http.StatusOK || string(r.Body) != "ok" {
					t.Errorf("%s hold %s request %d: %d %q %v", base, hold, i, r.Status, r.Body, r.Err)
				}
				if r.FirstByte.Before(r.Released) {
					early++
				}
			}
			if hold == runner.HoldHeaders && early > 0 {
				t.Errorf("%s hold headers: %d answers before the release, want none", base, early)
			}
			t.Logf("%s hold %s: %d of %d answered before the release; notes %q", base, hold, early, len(b.Results), b.Notes)
		}
	}
}

// TestNginxReturnIsABurstOnTheHeads races nginx's `return 200` with
// single-packet's default hold: nginx answers each request on its
// HEADERS, before the release, and every HEADERS frame was in the one
// arming write, so the round is complete and raced on the heads. The
// same requests with the whole heads held are answered after the
// release.
func TestNginxReturnIsABurstOnTheHeads(t *testing.T) {
	srv := realservers.StartNginx(t, realservers.NginxOptions{Options: options("")})
	for _, c := range []struct {
		url    string
		client runner.Client
	}{
		{srv.H2CURL, runner.Client{H2C: true}},
		{srv.TLSURL, runner.Client{RootCAs: srv.RootCAs()}},
	} {
		for _, hold := range []runner.Hold{runner.HoldAuto, runner.HoldHeaders} {
			reqs := posts(burstN, c.url+realservers.OKPath)
			for i := range reqs {
				reqs[i].Method, reqs[i].Body = http.MethodGet, nil
			}
			b := fire(t, reqs, c.client, runner.Sync{Mode: runner.ModeSinglePacket, Hold: hold})
			if in := b.Incomplete(); len(in) != 0 {
				t.Errorf("%s hold %s: incomplete %+v; notes %q", c.url, hold, in, b.Notes)
			}
			if heads := hold == runner.HoldAuto; b.Receipt.Heads != heads {
				t.Errorf("%s hold %s: on the heads %v, want %v; notes %q", c.url, hold, b.Receipt.Heads, heads, b.Notes)
			}
		}
	}
}
