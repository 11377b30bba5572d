package realservers

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// StartCaddy runs Caddy 2 (Debian package caddy; bookworm has 2.6.2) on two
// loopback ports: TLS with h2 and http/1.1 by ALPN (TLSURL), with the
// certificate files made here rather than Caddy's own CA, and cleartext
// HTTP/1.1 plus h2c with prior knowledge (HTTPURL and H2CURL, one port).
// OKPath is answered by `respond` without reading the body; every other
// path goes to o.Backend with reverse_proxy. The admin endpoint is off,
// automatic HTTPS neither redirects nor manages certificates, HTTP/3 is
// off (no UDP), and Caddy's storage, HOME and XDG dirs are in the temp dir.
func StartCaddy(t testing.TB, o Options) *Server {
	t.Helper()
	bin := binary(t, o, "caddy", "caddy")
	version := versionOf(bin, "version")
	return start(t, "caddy", 2, func(dir string, ports []int) (*Server, launch, error) {
		cert, err := writeCert(dir, time.Now())
		if err != nil {
			return nil, launch{}, err
		}
		conf := filepath.Join(dir, "Caddyfile")
		if err := writeTemplate(conf, caddyConf, caddyData{
			Dir: dir, Cert: cert, TLSPort: ports[0], PlainPort: ports[1],
			Backend: strings.TrimSuffix(o.Backend, "/"),
		}); err != nil {
			return nil, launch{}, err
		}
		plain := fmt.Sprintf("http://127.0.0.1:%d", ports[1])
		srv := &Server{
			Name: "caddy", Version: version, CAPEM: cert.CA,
			TLSURL: fmt.Sprintf("https://127.0.0.1:%d", ports[0]),
			H2CURL: plain, HTTPURL: plain,
		}
		return srv, launch{
			bin:   bin,
			args:  []string{"run", "--config", conf, "--adapter", "caddyfile"},
			ports: ports,
			// Caddy logs to stderr, which run keeps in stderr.log; this
			// comes once every server of the config is listening.
			ready: "serving initial configuration",
		}, nil
	})
}

// caddyData fills caddyConf.
type caddyData struct {
	Dir                string
	Cert               certFiles
	TLSPort, PlainPort int
	Backend            string
}

// caddyConf is a whole Caddyfile. Caddy 2.6 has no persist_config option:
// it writes autosave.json under XDG_CONFIG_HOME, which is in the temp dir.
// skip_install_trust keeps it from touching the system's trust store; bind keeps every listener on loopback (a site address alone
// would listen on all interfaces).
const caddyConf = `{
	admin off
	auto_https disable_redirects
	skip_install_trust
	storage file_system {{.Dir}}/data
	servers {
		protocols h1 h2 h2c
	}
}

(routes) {
	header ` + OKPath + ` X-Racetest-Arrival {time.now.unix_ms}
	respond ` + OKPath + ` "ok" 200
{{- if .Backend}}
	reverse_proxy {{.Backend}}
{{- else}}
	respond "no backend" 404
{{- end}}
}

https://127.0.0.1:{{.TLSPort}} {
	bind 127.0.0.1
	tls {{.Cert.Cert}} {{.Cert.Key}}
	import routes
}

http://127.0.0.1:{{.PlainPort}} {
	bind 127.0.0.1
	import routes
}
`
