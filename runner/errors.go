package runner

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
)

// ErrKind classifies a transport failure so that reports can tally them.
type ErrKind string

// The kinds of failure a request can meet. They are results, not reasons
// to stop a burst.
const (
	KindNone     ErrKind = ""
	KindRefused  ErrKind = "refused"
	KindDial     ErrKind = "dial"
	KindTLS      ErrKind = "tls"
	KindTimeout  ErrKind = "timeout"
	KindReset    ErrKind = "reset"
	KindProtocol ErrKind = "protocol"
	KindCanceled ErrKind = "canceled"
	KindRedirect ErrKind = "redirect" // too many redirects, see RedirectError
	KindOther    ErrKind = "other"
)

// ErrSyncUnavailable is wrapped when the requested synchronisation mode
// cannot be had against this target (no HTTP/2, for instance). racetest
// never falls back silently: callers report it as inconclusive.
var ErrSyncUnavailable = errors.New("synchronisation unavailable")

// SyncError says which mode could not be had and why.
type SyncError struct {
	Mode   Mode
	Reason string
	// Instead is a mode that works against this target, "" when none is
	// known, and Or another way out in words ("an https URL"). Error
	// leaves them out: the caller words the advice in its own terms (a
	// command's flags, a scenario's sync.mode), the runner names no flag.
	Instead Mode
	Or      string
}

func (e *SyncError) Error() string {
	return fmt.Sprintf("%s mode unavailable: %s", e.Mode, e.Reason)
}

// Unwrap lets errors.Is find ErrSyncUnavailable.
func (e *SyncError) Unwrap() error { return ErrSyncUnavailable }

// ProtocolError is a response the engine could not make sense of.
type ProtocolError struct{ Msg string }

func (e *ProtocolError) Error() string { return "protocol error: " + e.Msg }

// CertificateUntrusted reports whether err is the client's refusal of
// the server's certificate (unknown authority, wrong name, expired). The
// server was reached and answered: the fix is a flag of the client's, not
// the server, so callers word it apart from an unreachable target.
func CertificateUntrusted(err error) bool {
	var (
		cverr *tls.CertificateVerificationError
		uaerr x509.UnknownAuthorityError
		hnerr x509.HostnameError
		ciErr x509.CertificateInvalidError
	)
	return errors.As(err, &cverr) || errors.As(err, &uaerr) || errors.As(err, &hnerr) || errors.As(err, &ciErr)
}

// Classify tells what kind of transport failure err is.
func Classify(err error) ErrKind {
	if err == nil {
		return KindNone
	}
	var (
		perr  *ProtocolError
		rerr  *RedirectError
		recEr tls.RecordHeaderError
		alert tls.AlertError
		nerr  net.Error
		oerr  *net.OpError
	)
	switch {
	case errors.Is(err, context.Canceled):
		return KindCanceled
	case errors.As(err, &rerr):
		return KindRedirect
	case errors.As(err, &perr):
		return KindProtocol
	case errors.Is(err, ErrClientCertRequired):
		return KindTLS
	case CertificateUntrusted(err), errors.As(err, &recEr), errors.As(err, &alert):
		return KindTLS
	case errors.Is(err, syscall.ECONNREFUSED):
		return KindRefused
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return KindTimeout
	case errors.As(err, &nerr) && nerr.Timeout():
		return KindTimeout
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
		return KindReset
	case errors.As(err, &oerr) && oerr.Op == "dial":
		return KindDial
	}
	return KindOther
}
