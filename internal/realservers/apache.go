package realservers

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// apacheModules is where Debian's apache2-bin keeps its modules.
const apacheModules = "/usr/lib/apache2/modules"

// StartApache runs Apache 2.4 (Debian package apache2, which ships
// mod_http2) with mpm_event on two loopback ports: TLS with h2 and
// http/1.1 by ALPN (TLSURL), and cleartext HTTP/1.1 that also takes h2c
// with prior knowledge (HTTPURL and H2CURL, the same port: mod_http2's
// H2Direct). Every path but OKPath (a static file here) is proxied to
// o.Backend with mod_proxy_http. Nothing of /etc/apache2 is read: the
// config loads each module it needs from /usr/lib/apache2/modules.
func StartApache(t testing.TB, o Options) *Server {
	t.Helper()
	bin := binary(t, o, "apache2", "apache2")
	version := versionOf(bin, "-v")
	return start(t, "apache2", 2, func(dir string, ports []int) (*Server, launch, error) {
		cert, err := writeCert(dir, time.Now())
		if err != nil {
			return nil, launch{}, err
		}
		w, err := workerAccount(dir)
		if err != nil {
			return nil, launch{}, err
		}
		docs := filepath.Join(dir, "htdocs")
		if err := os.MkdirAll(filepath.Join(docs, filepath.Dir(OKPath)), 0o755); err != nil {
			return nil, launch{}, err
		}
		if err := os.WriteFile(filepath.Join(docs, OKPath), []byte("ok"), 0o644); err != nil {
			return nil, launch{}, err
		}
		conf := filepath.Join(dir, "apache2.conf")
		if err := writeTemplate(conf, apacheConf, apacheData{
			Dir: dir, Modules: apacheModules, Worker: w, Cert: cert, Docs: docs,
			TLSPort: ports[0], PlainPort: ports[1],
			Backend: strings.TrimSuffix(o.Backend, "/"),
		}); err != nil {
			return nil, launch{}, err
		}
		plain := fmt.Sprintf("http://127.0.0.1:%d", ports[1])
		srv := &Server{
			Name: "apache2", Version: version, CAPEM: cert.CA,
			TLSURL: fmt.Sprintf("https://127.0.0.1:%d", ports[0]),
			H2CURL: plain, HTTPURL: plain,
		}
		errorLog := filepath.Join(dir, "error.log")
		return srv, launch{
			bin: bin,
			// -DFOREGROUND keeps the parent attached as the test's child;
			// -d sets ServerRoot before the config is read.
			args:  []string{"-d", dir, "-f", conf, "-DFOREGROUND"},
			ports: ports,
			logs:  []string{errorLog},
			// AH00489, logged by the MPM after the listeners are open
			// whatever the LogLevel.
			ready: "resuming normal operations", readyLog: errorLog,
		}, nil
	})
}

// apacheData fills apacheConf.
type apacheData struct {
	Dir, Modules, Docs string
	Worker             *workerUser
	Cert               certFiles
	TLSPort, PlainPort int
	Backend            string
}

// apacheConf is a whole config. mpm_event is Debian's default MPM and the
// one mod_http2 is meant for. Debian's mpm_event.conf starts 2 children of
// 25 threads; one is enough for bursts of a few dozen and lighter on a
// shared 2-core machine, and more start on demand up to ServerLimit.
// mod_http2 keeps its defaults: it starts each connection at 6 streams
// processed at once (processing_limit in h2_mplx.c) and raises it over time,
// which is the serialisation racetest must detect.
const apacheConf = `ServerRoot "{{.Dir}}"
ServerName 127.0.0.1
PidFile "{{.Dir}}/apache2.pid"
DefaultRuntimeDir "{{.Dir}}"
Mutex file:{{.Dir}} default
ErrorLog "{{.Dir}}/error.log"
LogLevel warn
{{with .Worker}}User {{.Name}}
Group {{.Group}}
{{end}}
LoadModule mpm_event_module {{.Modules}}/mod_mpm_event.so
LoadModule authz_core_module {{.Modules}}/mod_authz_core.so
LoadModule headers_module {{.Modules}}/mod_headers.so
LoadModule socache_shmcb_module {{.Modules}}/mod_socache_shmcb.so
LoadModule ssl_module {{.Modules}}/mod_ssl.so
LoadModule http2_module {{.Modules}}/mod_http2.so
LoadModule proxy_module {{.Modules}}/mod_proxy.so
LoadModule proxy_http_module {{.Modules}}/mod_proxy_http.so

StartServers 1
ServerLimit 4
ThreadsPerChild 25
MinSpareThreads 25
MaxSpareThreads 75
MaxRequestWorkers 100

LogFormat "%{%s}t.%{usec_frac}t %{c}L %k %H \"%r\" %>s %D" racetest
CustomLog "{{.Dir}}/access.log" racetest

SSLSessionCache "shmcb:{{.Dir}}/ssl_scache(512000)"

Listen 127.0.0.1:{{.TLSPort}}
Listen 127.0.0.1:{{.PlainPort}}

DocumentRoot "{{.Docs}}"
<Directory />
    Require all denied
</Directory>
<Directory "{{.Docs}}">
    Require all granted
</Directory>

<VirtualHost 127.0.0.1:{{.TLSPort}}>
    Protocols h2 http/1.1
    SSLEngine on
    SSLCertificateFile "{{.Cert.Cert}}"
    SSLCertificateKeyFile "{{.Cert.Key}}"
{{template "routes" .}}
</VirtualHost>

<VirtualHost 127.0.0.1:{{.PlainPort}}>
    Protocols h2c http/1.1
    H2Direct on
{{template "routes" .}}
</VirtualHost>
{{define "routes"}}
    <Location "` + OKPath + `">
        Header always setifempty X-Racetest-Arrival "%t"
    </Location>
{{- if .Backend}}
    ProxyPass "` + okDir + `" "!"
    ProxyPass "/" "{{.Backend}}/"
    ProxyPassReverse "/" "{{.Backend}}/"
{{- end}}
{{- end}}
`
