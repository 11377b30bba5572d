package realservers

import (
	"fmt"
	"path/filepath"
	"testing"
)

// ProxySource is the address the proxies connect to their targets from:
// racetest connects from 127.0.0.1, so a target that sees a request come
// from ProxySource knows that it went through the proxy.
const ProxySource = "127.0.0.2"

// StartTinyproxy runs tinyproxy (Debian package tinyproxy-bin, 1.11 in
// bookworm) on a loopback port as an HTTP proxy (ProxyURL http://...) that
// tunnels CONNECT to any port (the config has no ConnectPort line: the
// default config allows only 443 and 563) and connects out from
// ProxySource. Its log (tinyproxy.log in Dir) records every CONNECT. With
// auth (a user and a password), it requires them (BasicAuth).
func StartTinyproxy(t testing.TB, o Options, auth ...string) *Server {
	t.Helper()
	bin := binary(t, o, "tinyproxy", "tinyproxy-bin")
	version := versionOf(bin, "-v")
	return start(t, "tinyproxy", 1, func(dir string, ports []int) (*Server, launch, error) {
		conf, log := filepath.Join(dir, "tinyproxy.conf"), filepath.Join(dir, "tinyproxy.log")
		if err := writeTemplate(conf, tinyproxyConf, struct {
			Port      int
			Dir, Bind string
			Auth      []string
		}{ports[0], dir, ProxySource, auth}); err != nil {
			return nil, launch{}, err
		}
		srv := &Server{Name: "tinyproxy", Version: version, ProxyURL: fmt.Sprintf("http://127.0.0.1:%d", ports[0])}
		// -d keeps it in the foreground as the test's child.
		return srv, launch{bin: bin, args: []string{"-d", "-c", conf}, ports: ports, logs: []string{log}}, nil
	})
}

// tinyproxyConf is a whole tinyproxy config. MaxClients allows a burst of
// a connection per request; Bind is the source of its connections out.
const tinyproxyConf = `Port {{.Port}}
Listen 127.0.0.1
Bind {{.Bind}}
Timeout 30
MaxClients 1024
Allow 127.0.0.1
LogLevel Connect
LogFile "{{.Dir}}/tinyproxy.log"
PidFile "{{.Dir}}/tinyproxy.pid"
{{with .Auth}}BasicAuth {{index . 0}} {{index . 1}}
{{end}}`

// StartMicrosocks runs microsocks (Debian package microsocks) on a
// loopback port as a SOCKS5 proxy (ProxyURL socks5://...) that connects
// out from ProxySource. It logs each connection on its stderr.
func StartMicrosocks(t testing.TB, o Options) *Server {
	t.Helper()
	bin := binary(t, o, "microsocks", "microsocks")
	return start(t, "microsocks", 1, func(_ string, ports []int) (*Server, launch, error) {
		srv := &Server{Name: "microsocks", Version: "microsocks (Debian)", ProxyURL: fmt.Sprintf("socks5://127.0.0.1:%d", ports[0])}
		return srv, launch{
			bin:   bin,
			args:  []string{"-i", "127.0.0.1", "-p", fmt.Sprint(ports[0]), "-b", ProxySource},
			ports: ports,
		}, nil
	})
}
