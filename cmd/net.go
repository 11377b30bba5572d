package cmd

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/racetest/racetest/internal/readfile"
	"github.com/racetest/racetest/runner"
	"github.com/racetest/racetest/scenarios"
)

// tlsHint is what to do about a certificate racetest does not trust.
const tlsHint = "use -k to skip certificate verification, or --cacert FILE to trust the CA that signed it"

// NetOptions are the TLS, client certificate, proxy and redirect flags
// that fire, run and probe share, named and read as curl's.
type NetOptions struct {
	CACert    string // PEM file of the CAs to trust instead of the system's
	Location  bool   // follow redirects, as curl -L
	MaxRedirs int
	// Cert is curl's -E FILE[:PASSWORD], Key its --key FILE and Pass its
	// --pass PASSWORD.
	Cert, Key, Pass string
	// Proxy is -x URL; NoProxy the --noproxy list.
	Proxy, NoProxy string
}

func (o *NetOptions) addFlags(f *pflag.FlagSet) {
	f.StringVar(&o.CACert, "cacert", "", "trust the CA certificates in this PEM `FILE` instead of the system's, as curl --cacert")
	f.StringVarP(&o.Cert, "cert", "E", "", "client certificate `FILE[:PASSWORD]` for servers that ask for one, as curl -E: PEM (with the key, or --key), or PKCS#12 (.p12); escape a colon of the file name as \\:")
	f.StringVar(&o.Key, "key", "", "private key `FILE` (PEM) of --cert, when the certificate file does not hold it")
	f.StringVar(&o.Pass, "pass", "", "`PASSWORD` of an encrypted --key or .p12, as curl --pass (or --cert FILE:PASSWORD)")
	f.StringVarP(&o.Proxy, "proxy", "x", "", "send every connection through this proxy `URL`, as curl -x: http:// or https:// (CONNECT), socks5:// or socks5h:// (the proxy resolves names); credentials as http://USER:PASSWORD@HOST:PORT; default port 1080. Without it, http_proxy, HTTPS_PROXY and ALL_PROXY apply to targets other than loopback")
	f.StringVar(&o.NoProxy, "noproxy", "", "comma-separated `HOSTS` reached without the proxy, as curl --noproxy: a name and its subdomains, an IP, a CIDR range, or * for all (replaces NO_PROXY)")
	f.BoolVarP(&o.Location, "location", "L", false, "follow redirects as curl -L (a burst's once it is collected); checks see the final responses")
	// The default is left to the runner, so that the zero value of the
	// options means the same as no flag.
	f.IntVar(&o.MaxRedirs, "max-redirs", 0, fmt.Sprintf("with --location, follow at most `N` redirects per request (default %d); more is a 'redirect' error", runner.DefaultMaxRedirects))
}

// apply checks the flags and sets what they say on ro; getenv reads the
// *_PROXY variables.
func (o *NetOptions) apply(ctx context.Context, ro *runner.Client, getenv func(string) string) error {
	switch {
	case o.MaxRedirs < 0:
		return usageErrorf("--max-redirs %d: cannot be negative; to follow no redirect, leave out --location", o.MaxRedirs)
	case o.MaxRedirs > 0 && !o.Location:
		return usageErrorf("--max-redirs %d needs --location: without it no redirect is followed", o.MaxRedirs)
	}
	ro.FollowRedirects, ro.MaxRedirects = o.Location, o.MaxRedirs
	var err error
	if ro.Proxy, err = o.proxies(getenv); err != nil {
		return err
	}
	if ro.Certificate, err = o.clientCertificate(ctx); err != nil {
		return err
	}
	if o.CACert == "" {
		return nil
	}
	pool, err := loadCACert(ctx, o.CACert)
	if err != nil {
		return usageErrorf("--cacert %s: %w", o.CACert, err)
	}
	ro.RootCAs = pool
	return nil
}

// maxCACertSize bounds a --cacert file: a whole system bundle is a few
// hundred KiB; more is the wrong file (or /dev/zero).
const maxCACertSize = 16 << 20

// loadCACert reads every certificate of a PEM file into a pool. Unlike
// x509.CertPool.AppendCertsFromPEM it says which certificate is broken
// instead of skipping it.
func loadCACert(ctx context.Context, path string) (*x509.CertPool, error) {
	data, err := readfile.File(ctx, path, maxCACertSize)
	var tl *readfile.TooLargeError
	switch {
	case errors.As(err, &tl):
		return nil, fmt.Errorf("the file is more than %s, the most a CA file may have: is it the right file?", scenarios.FormatBytes(maxCACertSize))
	case err != nil:
		return nil, fmt.Errorf("cannot read the file: %w", unwrapPathError(err))
	}
	pool := x509.NewCertPool()
	n := 0
	for rest := data; ; {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		n++
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d: %w", n, err)
		}
		pool.AddCert(c)
	}
	if n == 0 {
		return nil, errors.New("no PEM certificate in the file; give the CA certificate as PEM (-----BEGIN CERTIFICATE-----)")
	}
	return pool, nil
}
