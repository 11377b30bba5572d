package runner

import (
	"context"
	"crypto/x509"
	"net/http"
	"strings"
	"testing"
)

// TestUntrustedCertificate: against a server whose certificate nobody
// vouches for, every engine fails each request as a TLS error that names
// the host, and succeeds with Insecure (-k) or with the server's CA in
// RootCAs (--cacert).
func TestUntrustedCertificate(t *testing.T) {
	srv := h2Server(t, &arrivals{}, false, 0) // TLS offering h2 and http/1.1
	host := strings.TrimPrefix(srv.URL, "https://")
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	engines := []Mode{ModeSinglePacket, ModeBarrier, ModeLastByte, "do"}
	for _, mode := range engines {
		for _, tc := range []struct {
			name string
			o    Options
			kind ErrKind
		}{
			{"untrusted", Options{}, KindTLS},
			{"insecure", Options{Client: Client{Insecure: true}}, KindNone},
			{"root-cas", Options{Client: Client{RootCAs: pool}}, KindNone},
		} {
			t.Run(string(mode)+"/"+tc.name, func(t *testing.T) {
				rs := sendWith(t, mode, srv.URL, tc.o)
				for _, r := range rs {
					if r.ErrKind != tc.kind {
						t.Fatalf("request %d: kind %q err %v, want %q", r.Index, r.ErrKind, r.Err, tc.kind)
					}
					if tc.kind == KindNone && r.Status != 200 {
						t.Errorf("request %d: status %d", r.Index, r.Status)
					}
					if tc.kind == KindTLS && !strings.Contains(r.Err.Error(), "tls handshake with "+host+": ") {
						t.Errorf("request %d: %q does not name %s", r.Index, r.Err, host)
					}
				}
			})
		}
	}
}

// sendWith sends two requests to url with the engine of mode, or one with
// Do for mode "do".
func sendWith(t *testing.T, mode Mode, url string, o Options) []Result {
	t.Helper()
	if mode == "do" {
		return []Result{Do(context.Background(), Request{Method: http.MethodGet, URL: url}, o.Client)}
	}
	o.Mode = mode
	b, err := Run(context.Background(), Plan{Requests: burstOf(2, http.MethodGet, url, nil), Options: o})
	if err != nil {
		t.Fatal(err)
	}
	return b.Results
}
