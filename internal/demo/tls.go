package demo

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"
)

// tlsIdentity is the server's self-signed TLS identity, made once.
type tlsIdentity struct {
	tls tls.Certificate
	pem []byte
	err error
}

// CertPEM returns the server's self-signed certificate in PEM, so that a
// client can trust it instead of skipping verification. It is generated on
// first use and is the same for the life of the Server. It returns nil only
// if key generation failed, which ServeTLS reports as an error.
func (s *Server) CertPEM() []byte {
	c := s.identity()
	if c.err != nil {
		return nil
	}
	return c.pem
}

// identity generates the certificate once; ServeTLS and CertPEM share it.
func (s *Server) identity() *tlsIdentity {
	s.certOnce.Do(func() {
		s.cert.tls, s.cert.pem, s.cert.err = selfSigned(time.Now())
	})
	return &s.cert
}

// selfSigned makes an ECDSA P-256 certificate for 127.0.0.1, ::1 and
// localhost, kept in memory only: the demo is local and short-lived, so
// nothing is written to disk. It is its own CA (as httptest's is) so that
// tools that insist on a CA, like curl --cacert, accept it as well as Go.
func selfSigned(now time.Time) (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("generate tls key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("generate tls serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{Organization: []string{"racetest demo"}, CommonName: "localhost"},
		// An hour of slack absorbs clock skew between this process and a
		// client in a container or VM.
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("create tls certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("parse tls certificate: %w", err)
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
	return cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}
