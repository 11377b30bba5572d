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
// during one handshake in which racetest had none to offer.
type certRequest struct{ asked atomic.Bool }

// get answers the server's request with no certificate, as a client
// without tls.Config.Certificates would, and notes that it came: a server
// that only asks (and takes no certificate) still works.
func (r *certRequest) get(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
	r.asked.Store(true)
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
