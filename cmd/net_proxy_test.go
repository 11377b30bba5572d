package cmd

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/racetest/racetest/internal/realservers"
	"github.com/racetest/racetest/runner"
)

// The proxy flags and variables are read as curl reads them.
func TestProxySettings(t *testing.T) {
	name := func(p runner.Proxies, scheme, host string) string { return runner.ProxyName(p.For(scheme, host)) }
	for _, c := range []struct {
		flags NetOptions
		env   map[string]string
		// what an http and an https target on example.com, and an
		// https one on 127.0.0.1, go through
		http, https, loop string
	}{
		{NetOptions{}, nil, "", "", ""},
		{NetOptions{Proxy: "127.0.0.1:3128"}, nil, "http://127.0.0.1:3128", "http://127.0.0.1:3128", "http://127.0.0.1:3128"},
		{NetOptions{Proxy: "socks5h://u:p@proxy"}, nil, "socks5h://proxy:1080", "socks5h://proxy:1080", "socks5h://proxy:1080"},
		// curl reads http_proxy in lower case only.
		{NetOptions{}, map[string]string{"HTTP_PROXY": "http://upper:1", "HTTPS_PROXY": "http://s:2"}, "", "http://s:2", ""},
		{NetOptions{}, map[string]string{"http_proxy": "http://lower:1", "ALL_PROXY": "socks5://all:3"}, "http://lower:1", "socks5://all:3", ""},
		// -x wins over the variables; --noproxy over NO_PROXY.
		{NetOptions{Proxy: "http://flag:9"}, map[string]string{"HTTPS_PROXY": "http://s:2"}, "http://flag:9", "http://flag:9", "http://flag:9"},
		{NetOptions{}, map[string]string{"HTTPS_PROXY": "http://s:2", "NO_PROXY": "example.com"}, "", "", ""},
		{NetOptions{Proxy: "http://flag:9", NoProxy: ".example.com,10.0.0.0/8"}, nil, "", "", "http://flag:9"},
		{NetOptions{Proxy: "http://flag:9", NoProxy: "*"}, nil, "", "", ""},
		{NetOptions{Proxy: "http://flag:9"}, map[string]string{"NO_PROXY": "127.0.0.1"}, "http://flag:9", "http://flag:9", ""},
	} {
		p, err := c.flags.proxies(func(k string) string { return c.env[k] })
		if err != nil {
			t.Errorf("%+v %v: %v", c.flags, c.env, err)
			continue
		}
		if h, s, l := name(p, "http", "example.com"), name(p, "https", "example.com"), name(p, "https", "127.0.0.1"); h != c.http || s != c.https || l != c.loop {
			t.Errorf("%+v %v: http %q https %q loopback %q, want %q %q %q", c.flags, c.env, h, s, l, c.http, c.https, c.loop)
		}
	}
	p, _ := (&NetOptions{Proxy: "http://x:1", NoProxy: "example.com"}).proxies(nil)
	for host, direct := range map[string]bool{"example.com": true, "api.example.com": true, "badexample.com": false, "example.org": false} {
		if got := p.For("https", host) == nil; got != direct {
			t.Errorf("--noproxy example.com, host %s: direct %v, want %v", host, got, direct)
		}
	}
}

// A bad proxy exits 2 naming the flag or the variable, never showing the
// proxy's password.
func TestProxyErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"-x", "ftp://u:hunter2@h"}, nil, `-x/--proxy ftp://REDACTED@h: proxy scheme "ftp" is not supported`},
		{[]string{"-x", "http://h/path"}, nil, "a proxy URL has no path"},
		{nil, map[string]string{"HTTPS_PROXY": "gopher://u:hunter2@h"}, "environment variable HTTPS_PROXY=gopher://REDACTED@h"},
	} {
		code, _, errb := runApp(t, false, false, c.env, append(append([]string{"fire"}, c.args...), "https://example.com/")...)
		if code != int(ExitUsage) || !strings.Contains(errb, c.want) || strings.Contains(errb, "hunter2") {
			t.Errorf("%v %v: exit %d, want 2 with %q and no password\n%s", c.args, c.env, code, c.want, errb)
		}
	}
}

// fire -x sends the burst through Debian's tinyproxy: the demo target
// behind it sees every request come from the proxy's address, and the
// text and JSON reports name the proxy without its credentials. A proxy
// that is down is exit 3 with what to check.
func TestFireThroughProxy(t *testing.T) {
	px := realservers.StartTinyproxy(t, realOptions(""))
	var fromProxy atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if host, _, _ := net.SplitHostPort(r.RemoteAddr); host == realservers.ProxySource {
			fromProxy.Add(1)
		}
	}))
	defer srv.Close()
	withCreds := strings.Replace(px.ProxyURL, "://", "://racer:pw1234@", 1)
	code, out, errb := runApp(t, false, false, nil, "fire", "-n", "10", "-x", withCreds, "--expect-status", "200=10", srv.URL)
	if code != 0 || fromProxy.Load() != 10 || !strings.Contains(out, "proxy      "+px.ProxyURL) || strings.Contains(out, "pw1234") ||
		!strings.Contains(out, "note: through a proxy, each connection's final bytes are relayed on their own") {
		t.Fatalf("exit %d, %d requests through the proxy, want 0 and 10 and the proxy named\n%s\n%s", code, fromProxy.Load(), out, errb)
	}
	// The variables leave a loopback target alone; -x does not.
	code, out, _ = runApp(t, false, false, map[string]string{"http_proxy": px.ProxyURL}, "fire", "-n", "2", "-o", "json", srv.URL)
	if code != 0 || fromProxy.Load() != 10 || strings.Contains(out, `"proxy"`) {
		t.Errorf("http_proxy with a loopback target: exit %d, %d through the proxy, want it direct\n%s", code, fromProxy.Load(), out)
	}
	page := filepath.Join(t.TempDir(), "r.html")
	code, out, _ = runApp(t, false, false, nil, "fire", "-n", "2", "-o", "json", "--html", page, "-x", px.ProxyURL, srv.URL)
	if html, err := os.ReadFile(page); err != nil || !strings.Contains(string(html), "through the proxy "+px.ProxyURL) {
		t.Errorf("--html: %v, the page does not name the proxy", err)
	}
	var doc struct {
		Runs []struct{ Rounds []struct{ Proxy string } }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 || doc.Runs[0].Rounds[0].Proxy != px.ProxyURL {
		t.Errorf("-o json: exit %d, %v, want the round's proxy %s\n%s", code, err, px.ProxyURL, out)
	}
	code, _, errb = runApp(t, false, false, nil, "fire", "-n", "2", "-x", "http://"+closedAddr(t), srv.URL)
	if code != int(ExitRuntime) || !strings.Contains(errb, "is the proxy running") {
		t.Errorf("proxy down: exit %d, want 3 saying to check the proxy\n%s", code, errb)
	}
}
