package runner

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
)

// ErrClientCertRequired is wrapped when the server asked for a client
// certificate and racetest had none to give, so that the caller can say
// which option gives one.
var ErrClientCertRequired = errors.New("the server asked for a client certificate and none was given")

// certRequest notes whether the server asked for a client certificate
// during one handshake in which racetest had none to offer, and tells the
// run (Options.certAsked) too.
type certRequest struct {
	asked atomic.Bool
	run   *atomic.Bool // nil outside a Run or Do
}

// get answers the server's request with no certificate, as a client
// without tls.Config.Certificates would, and notes that it came: a server
// that only asks (and takes no certificate) still works.
func (r *certRequest) get(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
	r.asked.Store(true)
	if r.run != nil {
		r.run.Store(true)
	}
	return &tls.Certificate{}, nil
}

// explain wraps the error of a failed handshake in ErrClientCertRequired
// when the server asked for a certificate that was not given: with TLS
// 1.2 the refusal comes as a handshake error (bad_certificate or
// handshake_failure), which alone would not say why.
func (r *certRequest) explain(err error) error {
	if r == nil || !r.asked.Load() || errors.Is(err, ErrClientCertRequired) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrClientCertRequired, err)
}

// certRequired wraps err in ErrClientCertRequired when it is TLS 1.3's
// certificate_required alert: there the client's handshake ends before
// the server has judged its certificate, so the refusal comes with the
// first read, long after the handshake.
func certRequired(err error) error {
	var oe *net.OpError
	if err == nil || errors.Is(err, ErrClientCertRequired) || !errors.As(err, &oe) || oe.Op != "remote error" {
		return err
	}
	// The alert's type is not exported; its text is fixed by crypto/tls.
	if !strings.Contains(oe.Err.Error(), "certificate required") {
		return err
	}
	return fmt.Errorf("%w: %w", ErrClientCertRequired, err)
}

// blameMissingCert says why a burst failed whole when a server asked for
// a client certificate and racetest had none. With TLS 1.3 the client's
// handshake ends before the server judges the (empty) certificate, so
// the refusal reaches each engine where it next reads or writes: an
// HTTP/2 preface left unanswered, a write into a closed connection, a
// protocol error. Only when no request got an HTTP response is the
// failure put down to the certificate; err is Run's error so far.
func blameMissingCert(p *Plan, b *Burst, mode Mode, err error) (*Burst, error) {
	if p.certAsked == nil || !p.certAsked.Load() {
		return b, err
	}
	var se *SyncError
	if b == nil && errors.As(err, &se) {
		// Not the SyncError: the server has HTTP/2, it refused the
		// connection before speaking it.
		b = newBurst(p, mode)
		for i := range b.Results {
			b.Results[i].fail(&connectError{fmt.Errorf("%w: the server ended the connection after the TLS handshake", ErrClientCertRequired)})
		}
		err = nil
	}
	if b == nil || err != nil {
		return b, err
	}
	for i := range b.Results {
		if r := &b.Results[i]; r.Err == nil || r.Status != 0 {
			return b, nil
		}
	}
	for i := range b.Results {
		r := &b.Results[i]
		if !errors.Is(r.Err, ErrClientCertRequired) {
			r.Err = &connectError{fmt.Errorf("%w: %w", ErrClientCertRequired, r.Err)}
		}
		r.ErrKind = KindTLS
	}
	return b, nil
}
