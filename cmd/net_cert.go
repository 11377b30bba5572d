package cmd

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/youmark/pkcs8"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/racetest/racetest/internal/readfile"
	"github.com/racetest/racetest/scenarios"
)

// maxCertSize bounds a --cert or --key file: a certificate chain and its
// key are a few KiB.
const maxCertSize = 1 << 20

// splitCertArg splits curl's --cert FILE[:PASSWORD] at the first colon
// that is not escaped with a backslash; "\:" is a colon of the file name
// and "\\" a backslash, as in curl.
func splitCertArg(arg string) (file, password string, hasPassword bool) {
	var b strings.Builder
	for i := 0; i < len(arg); i++ {
		c := arg[i]
		switch {
		case c == '\\' && i+1 < len(arg) && (arg[i+1] == ':' || arg[i+1] == '\\'):
			i++
			b.WriteByte(arg[i])
		case c == ':':
			return b.String(), arg[i+1:], true
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), "", false
}

// clientCertificate reads --cert, --key and --pass into the certificate
// offered to servers that ask for one; nil without --cert. A PEM file may
// hold the key too (then --key is not needed); a file that is not PEM is
// read as PKCS#12 (.p12, .pfx), which holds both.
func (o *NetOptions) clientCertificate(ctx context.Context) (*tls.Certificate, error) {
	if o.Cert == "" {
		if o.Key != "" {
			return nil, usageErrorf("--key %s needs --cert FILE, the certificate that goes with the key", o.Key)
		}
		return nil, nil
	}
	file, password, _ := splitCertArg(o.Cert)
	if password == "" {
		password = o.Pass
	}
	certData, err := readCertFile(ctx, "-E/--cert", file)
	if err != nil {
		return nil, err
	}
	if !bytes.Contains(certData, []byte("-----BEGIN")) {
		return pkcs12Certificate(file, certData, password, o.Key)
	}
	keyData, keyFlag, keyFile := certData, "-E/--cert", file
	if o.Key != "" {
		keyFlag, keyFile = "--key", o.Key
		if keyData, err = readCertFile(ctx, keyFlag, keyFile); err != nil {
			return nil, err
		}
	}
	keyPEM, err := privateKeyPEM(keyData, password)
	if err != nil {
		return nil, usageErrorf("%s %s: %w", keyFlag, keyFile, err)
	}
	cert, err := tls.X509KeyPair(certData, keyPEM)
	if err != nil {
		return nil, usageErrorf("-E/--cert %s: %w; give the certificate and its private key as PEM (--key FILE when the key is in another file)", file, err)
	}
	return &cert, nil
}

// readCertFile reads a certificate or key file within maxCertSize.
func readCertFile(ctx context.Context, flag, path string) ([]byte, error) {
	data, err := readfile.File(ctx, path, maxCertSize)
	var tl *readfile.TooLargeError
	switch {
	case errors.As(err, &tl):
		return nil, usageErrorf("%s %s: the file is more than %s, the most a certificate or key file may have: is it the right file?", flag, path, scenarios.FormatBytes(maxCertSize))
	case err != nil && ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil:
		return nil, usageErrorf("%s %s: cannot read the file: %w", flag, path, unwrapPathError(err))
	}
	return data, nil
}

// privateKeyPEM finds the private key in data and returns it as plain PEM,
// decrypting with password a key encrypted as PKCS#8 (ENCRYPTED PRIVATE
// KEY, what openssl genpkey and pkcs8 -topk8 write) or the traditional
// OpenSSL way (Proc-Type: 4, ENCRYPTED), as curl does.
func privateKeyPEM(data []byte, password string) ([]byte, error) {
	for rest := data; ; {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			return nil, errors.New("no PEM private key in the file (-----BEGIN PRIVATE KEY-----); give the key with --key FILE")
		}
		encrypted := block.Type == "ENCRYPTED PRIVATE KEY" || x509.IsEncryptedPEMBlock(block) //nolint:staticcheck // legacy OpenSSL keys are what curl users have
		switch {
		case !strings.HasSuffix(block.Type, "PRIVATE KEY"):
			continue
		case !encrypted:
			return pem.EncodeToMemory(block), nil
		case password == "":
			return nil, errors.New("the key is encrypted: give its password as --cert FILE:PASSWORD or --pass PASSWORD")
		case block.Type == "ENCRYPTED PRIVATE KEY":
			return pkcs8PEM(block.Bytes, password)
		}
		der, err := x509.DecryptPEMBlock(block, []byte(password)) //nolint:staticcheck // as above: the format is insecure, not reading it
		if err != nil {
			return nil, fmt.Errorf("cannot decrypt the key: %w; check the password", err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: block.Type, Bytes: der}), nil
	}
}

// pkcs8PEM decrypts an encrypted PKCS#8 key (PBES2: PBKDF2 or scrypt with
// AES or 3DES) and returns it as an unencrypted PKCS#8 PEM block.
func pkcs8PEM(der []byte, password string) ([]byte, error) {
	key, err := pkcs8.ParsePKCS8PrivateKey(der, []byte(password))
	switch {
	case err != nil && strings.Contains(err.Error(), "incorrect password"):
		// The library has no sentinel for it; its other errors are about
		// a scheme it does not read (PBES1), where the password may be
		// right and checking it again would not help.
		return nil, fmt.Errorf("cannot decrypt the key: %w; check the password", err)
	case err != nil:
		return nil, fmt.Errorf("cannot decrypt the key: %w; if the password is right, write the key again as racetest reads it (PBES2) with 'openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out new-key.pem'", err)
	}
	plain, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("the decrypted key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: plain}), nil
}

// pkcs12Certificate reads a PKCS#12 bundle: certificate, chain and key.
func pkcs12Certificate(file string, data []byte, password, key string) (*tls.Certificate, error) {
	if key != "" {
		return nil, usageErrorf("--key %s: -E/--cert %s is not PEM, so it is read as PKCS#12, which holds the key itself; leave out --key", key, file)
	}
	k, leaf, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		return nil, usageErrorf("-E/--cert %s: the file is not PEM and not a PKCS#12 bundle racetest can open (%w); give a PEM certificate (-----BEGIN CERTIFICATE-----), or the .p12's password as --cert FILE:PASSWORD", file, err)
	}
	cert := &tls.Certificate{PrivateKey: k, Leaf: leaf, Certificate: [][]byte{leaf.Raw}}
	for _, c := range chain {
		cert.Certificate = append(cert.Certificate, c.Raw)
	}
	return cert, nil
}
