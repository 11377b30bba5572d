package demo

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// shutdownGrace bounds a graceful shutdown; connections still busy after it
// are closed.
const shutdownGrace = 2 * time.Second

// Serve serves HTTP/1.1 and h2c (HTTP/2 with prior knowledge) on ln until ctx
// is cancelled, then shuts down gracefully and returns nil.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := s.httpServer()
	srv.Protocols = new(http.Protocols)
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetUnencryptedHTTP2(true)
	return serveUntilDone(ctx, srv, func() error { return srv.Serve(ln) })
}

// ServeTLS serves HTTP/2 and HTTP/1.1 over TLS (ALPN h2, http/1.1) on ln with
// the self-signed certificate of CertPEM until ctx is cancelled, then shuts
// down gracefully and returns nil.
func (s *Server) ServeTLS(ctx context.Context, ln net.Listener) error {
	id := s.identity()
	if id.err != nil {
		ln.Close()
		return id.err
	}
	srv := s.httpServer()
	srv.Protocols = new(http.Protocols)
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetHTTP2(true)
	srv.TLSConfig = &tls.Config{
		Certificates: []tls.Certificate{id.tls},
		NextProtos:   []string{"h2", "http/1.1"},
		MinVersion:   tls.VersionTLS12,
	}
	return serveUntilDone(ctx, srv, func() error { return srv.ServeTLS(ln, "", "") })
}

// httpServer is the configuration both listeners share.
func (s *Server) httpServer() *http.Server {
	return &http.Server{
		Handler: s,
		// Generous: a race client arms hundreds of connections and holds
		// the end of each request head until release.
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		HTTP2:             &http.HTTP2Config{MaxConcurrentStreams: int(s.cfg.MaxConcurrentStreams)},
		// net/http would log client mistakes (an untrusting client's TLS
		// alert, a reset) to the process's stderr, which belongs to the CLI.
		ErrorLog: log.New(io.Discard, "", 0),
	}
}

// serveUntilDone runs serve until it fails or ctx is cancelled; on
// cancellation it shuts srv down, closing it outright after shutdownGrace.
func serveUntilDone(ctx context.Context, srv *http.Server, serve func() error) error {
	errc := make(chan error, 1)
	go func() { errc <- serve() }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// Start serves a new Server for cfg on two loopback ports, plain (HTTP/1.1
// and h2c) and TLS, and returns their URLs and a stop function that shuts
// both down and waits. Use Server.Start to also reach the server (CertPEM).
func Start(cfg Config) (plainURL, tlsURL string, stop func(), err error) {
	return NewServer(cfg).Start()
}

// Start serves s on 127.0.0.1:0 (plain) and another 127.0.0.1:0 (TLS) and
// returns URLs like "http://127.0.0.1:PORT" and "https://127.0.0.1:PORT".
// stop is idempotent; it shuts both listeners down and waits for them.
func (s *Server) Start() (plainURL, tlsURL string, stop func(), err error) {
	// Generated first so that a failure is an error here rather than a
	// listener that silently never serves.
	if id := s.identity(); id.err != nil {
		return "", "", nil, id.err
	}
	plain, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", nil, fmt.Errorf("listen: %w", err)
	}
	secure, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		plain.Close()
		return "", "", nil, fmt.Errorf("listen: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	// Errors after a successful listen (the listener failing under us) have
	// no caller left to receive them; the stop function still returns.
	wg.Go(func() { _ = s.Serve(ctx, plain) })
	wg.Go(func() { _ = s.ServeTLS(ctx, secure) })
	stop = sync.OnceFunc(func() {
		cancel()
		wg.Wait()
	})
	return "http://" + plain.Addr().String(), "https://" + secure.Addr().String(), stop, nil
}
