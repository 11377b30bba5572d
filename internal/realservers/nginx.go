package realservers

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
	"time"
)

// NginxOptions configure StartNginx.
type NginxOptions struct {
	Options
	// KeepaliveRequests is nginx's keepalive_requests: after this many
	// requests nginx closes a connection, with GOAWAY on HTTP/2 (since
	// nginx 1.19.7 it replaces http2_max_requests). Zero keeps nginx's
	// default, 1000.
	KeepaliveRequests int
	// MaxConcurrentStreams is http2_max_concurrent_streams, the
	// SETTINGS_MAX_CONCURRENT_STREAMS nginx advertises. Zero keeps nginx's
	// default, 128.
	MaxConcurrentStreams int
}

// StartNginx runs nginx (Debian package nginx; bookworm has 1.22) with one
// worker process on three loopback ports: TLS with h2 and http/1.1 by ALPN
// (TLSURL), h2c with prior knowledge (H2CURL: nginx 1.22's `listen ...
// http2` without ssl, which speaks only HTTP/2 on that port) and HTTP/1.1
// (HTTPURL). OKPath answers `return 200 "ok"` with an X-Racetest-Arrival
// header of $msec (millisecond resolution) before reading any body; every
// other path is proxied to o.Backend. The access log (access.log in Dir)
// records per request the time, connection number and request number on
// that connection.
func StartNginx(t testing.TB, o NginxOptions) *Server {
	t.Helper()
	bin := binary(t, o.Options, "nginx", "nginx")
	return start(t, "nginx", 3, nginxConfigure(bin, versionOf(bin, "-v"), o))
}

// nginxConfigure writes nginx.conf for three ports: TLS, h2c, HTTP/1.1.
func nginxConfigure(bin, version string, o NginxOptions) configure {
	return func(dir string, ports []int) (*Server, launch, error) {
		cert, err := writeCert(dir, time.Now())
		if err != nil {
			return nil, launch{}, err
		}
		w, err := workerAccount(dir)
		if err != nil {
			return nil, launch{}, err
		}
		for _, sub := range []string{"body", "proxy", "fastcgi", "uwsgi", "scgi"} {
			if err := mkdirFor(w, filepath.Join(dir, "tmp", sub)); err != nil {
				return nil, launch{}, err
			}
		}
		conf := filepath.Join(dir, "nginx.conf")
		if err := writeTemplate(conf, nginxConf, nginxData{
			Dir: dir, Worker: w, Cert: cert,
			TLSPort: ports[0], H2CPort: ports[1], HTTPPort: ports[2],
			Backend:              strings.TrimSuffix(o.Backend, "/"),
			KeepaliveRequests:    o.KeepaliveRequests,
			MaxConcurrentStreams: o.MaxConcurrentStreams,
		}); err != nil {
			return nil, launch{}, err
		}
		srv := &Server{
			Name: "nginx", Version: version, CAPEM: cert.CA,
			TLSURL:  fmt.Sprintf("https://127.0.0.1:%d", ports[0]),
			H2CURL:  fmt.Sprintf("http://127.0.0.1:%d", ports[1]),
			HTTPURL: fmt.Sprintf("http://127.0.0.1:%d", ports[2]),
		}
		errorLog := filepath.Join(dir, "error.log")
		return srv, launch{
			bin: bin,
			// -e names the error log before the config is read, so that
			// nginx never tries /var/log/nginx.
			args:  []string{"-p", dir + "/", "-c", conf, "-e", errorLog},
			ports: ports,
			logs:  []string{errorLog},
			// Logged at notice level by the master once every listen
			// socket is bound, just before it forks the worker.
			ready: "start worker processes", readyLog: errorLog,
		}, nil
	}
}

// nginxData fills nginxConf.
type nginxData struct {
	Dir                        string
	Worker                     *workerUser
	Cert                       certFiles
	TLSPort, H2CPort, HTTPPort int
	Backend                    string
	KeepaliveRequests          int
	MaxConcurrentStreams       int
}

// nginxConf is a whole nginx.conf: nothing of /etc/nginx is included.
// daemon off keeps the master in the foreground as the test's child.
const nginxConf = `daemon off;
master_process on;
worker_processes 1;
pid {{.Dir}}/nginx.pid;
error_log {{.Dir}}/error.log notice;
{{with .Worker}}user {{.Name}} {{.Group}};
{{end}}
events {
    worker_connections 1024;
}

http {
    default_type text/plain;
    log_format racetest '$msec $connection $connection_requests $server_protocol "$request" $status $request_time';
    access_log {{.Dir}}/access.log racetest;
    client_body_temp_path {{.Dir}}/tmp/body;
    proxy_temp_path {{.Dir}}/tmp/proxy;
    fastcgi_temp_path {{.Dir}}/tmp/fastcgi;
    uwsgi_temp_path {{.Dir}}/tmp/uwsgi;
    scgi_temp_path {{.Dir}}/tmp/scgi;
{{- if .KeepaliveRequests}}
    keepalive_requests {{.KeepaliveRequests}};
{{- end}}
{{- if .MaxConcurrentStreams}}
    http2_max_concurrent_streams {{.MaxConcurrentStreams}};
{{- end}}

    server {
        listen 127.0.0.1:{{.TLSPort}} ssl http2;
        listen 127.0.0.1:{{.H2CPort}} http2;
        listen 127.0.0.1:{{.HTTPPort}};
        server_name 127.0.0.1 localhost;
        ssl_certificate {{.Cert.Cert}};
        ssl_certificate_key {{.Cert.Key}};

        location = ` + OKPath + ` {
            add_header X-Racetest-Arrival $msec always;
            return 200 "ok";
        }
        location / {
{{- if .Backend}}
            proxy_pass {{.Backend}};
{{- else}}
            return 404 "no backend\n";
{{- end}}
        }
    }
}
`

// writeTemplate renders text with data into path.
func writeTemplate(path, text string, data any) error {
	tmpl, err := template.New(filepath.Base(path)).Option("missingkey=error").Parse(text)
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := tmpl.Execute(f, data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
