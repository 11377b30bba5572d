package realservers

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// certFiles are the PEM files a server's TLS config points at.
type certFiles struct {
	Cert, Key string // paths of the server's certificate and key
	CA        []byte // the CA that signed it, for clients to trust
}

// writeCert makes a throwaway CA and an ECDSA P-256 server certificate
// signed by it for 127.0.0.1, ::1 and localhost, and writes the server's
// certificate and key into dir. Servers get a leaf, not a self-signed CA,
// because mod_ssl warns about a CA certificate used as a server's. A fresh
// CA per server keeps tests from trusting each other's servers by accident.
func writeCert(dir string, now time.Time) (certFiles, error) {
	caKey, caDER, err := newCert(now, nil, nil, true)
	if err != nil {
		return certFiles{}, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return certFiles{}, fmt.Errorf("parse CA: %w", err)
	}
	key, der, err := newCert(now, ca, caKey, false)
	if err != nil {
		return certFiles{}, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return certFiles{}, fmt.Errorf("marshal key: %w", err)
	}
	cf := certFiles{
		Cert: filepath.Join(dir, "cert.pem"),
		Key:  filepath.Join(dir, "key.pem"),
		CA:   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
	}
	if err := os.WriteFile(cf.Cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return certFiles{}, err
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	if err := os.WriteFile(cf.Key, keyPEM, 0o600); err != nil {
		return certFiles{}, err
	}
	return cf, nil
}

// newCert makes a key and a certificate: a self-signed CA when isCA, else
// a server certificate for loopback signed by parent.
func newCert(now time.Time, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, isCA bool) (*ecdsa.PrivateKey, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, nil, fmt.Errorf("generate serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{Organization: []string{"racetest realservers"}, CommonName: "localhost"},
		// The hour before now absorbs a server whose clock reads a little
		// behind this process's.
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		BasicConstraintsValid: true,
	}
	if isCA {
		tmpl.Subject.CommonName = "racetest realservers CA"
		tmpl.IsCA = true
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature
		parent, parentKey = tmpl, key
	} else {
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
		tmpl.DNSNames = []string{"localhost"}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		return nil, nil, fmt.Errorf("create certificate: %w", err)
	}
	return key, der, nil
}
