package cmd

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/racetest/racetest/internal/realservers"
)

// clientPKI is a throwaway CA and a client certificate it signed, written
// as the files users pass to --cert and --key.
type clientPKI struct {
	pool                                    *x509.CertPool
	cert, key, both, encKey, p12, colonFile string
}

func newClientPKI(t *testing.T) clientPKI {
	t.Helper()
	dir := t.TempDir()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "racetest test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "racer"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(key)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	//nolint:staticcheck // the legacy format is what the test must read
	enc, err := x509.EncryptPEMBlock(rand.Reader, "EC PRIVATE KEY", keyDER, []byte("s3cret"), x509.PEMCipherAES256)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	p12, err := pkcs12.Modern.Encode(key, leaf, []*x509.Certificate{ca}, "p12pass")
	if err != nil {
		t.Fatal(err)
	}
	p := clientPKI{pool: x509.NewCertPool()}
	p.pool.AddCert(ca)
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	p.cert, p.key = write("client.pem", certPEM), write("client-key.pem", keyPEM)
	p.both = write("both.pem", append(append([]byte{}, certPEM...), keyPEM...))
	p.encKey = write("enc-key.pem", pem.EncodeToMemory(enc))
	p.p12 = write("client.p12", p12)
	p.colonFile = write("with:colon.pem", append(append([]byte{}, certPEM...), keyPEM...))
	return p
}

// mtlsServer requires a client certificate signed by the test CA, with
// HTTP/2 and HTTP/1.1 by ALPN, up to the given TLS version.
func mtlsServer(t *testing.T, pool *x509.CertPool, maxVersion uint16) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("hello " + r.TLS.PeerCertificates[0].Subject.CommonName))
	}))
	srv.EnableHTTP2 = true
	// The handshakes refused without --cert are the point, not news.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool, MaxVersion: maxVersion}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.URL
}

// Against a server that requires a client certificate, every engine gets
// through with --cert (PEM with --key, PEM holding both, an encrypted key
// with its password, PKCS#12, a file name with an escaped colon), and
// without one the run stops with exit 3 saying what to pass.
func TestClientCertificate(t *testing.T) {
	p := newClientPKI(t)
	for _, v := range []struct {
		name string
		max  uint16
	}{{"TLS1.3", tls.VersionTLS13}, {"TLS1.2", tls.VersionTLS12}} {
		url := mtlsServer(t, p.pool, v.max)
		for _, mode := range []string{"single-packet", "last-byte", "barrier"} {
			for _, cert := range [][]string{
				{"--cert", p.cert, "--key", p.key},
				{"-E", p.both},
				{"--cert", p.cert + ":s3cret", "--key", p.encKey},
				{"--cert", p.cert, "--key", p.encKey, "--pass", "s3cret"},
				{"--cert", p.p12 + ":p12pass"},
				{"--cert", strings.ReplaceAll(p.colonFile, ":", `\:`)},
			} {
				args := append([]string{"fire", "-k", "-n", "5", "--mode", mode, "--after", url + "/state",
					"--expect-after", "body == 'hello racer'", "--expect-status", "200=5"}, cert...)
				if code, out, errb := runApp(t, false, false, nil, append(args, url)...); code != 0 {
					t.Errorf("%s %s %v: exit %d, want 0\n%s\n%s", v.name, mode, cert, code, out, errb)
				}
			}
			code, out, errb := runApp(t, false, false, nil, "fire", "-k", "-n", "5", "--mode", mode, url)
			if code != int(ExitRuntime) || !strings.Contains(errb, "the server asked for a client certificate") ||
				!strings.Contains(errb, "--cert FILE") {
				t.Errorf("%s %s without --cert: exit %d, want 3 saying to pass --cert\n%s\n%s", v.name, mode, code, out, errb)
			}
		}
	}
}

// Bad --cert and --key files exit 2 naming the flag and the file.
func TestClientCertificateErrors(t *testing.T) {
	p := newClientPKI(t)
	missing := filepath.Join(t.TempDir(), "missing.pem")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--cert", missing}, "-E/--cert " + missing + ": cannot read the file"},
		{[]string{"--cert", p.cert, "--key", missing}, "--key " + missing + ": cannot read the file"},
		{[]string{"--key", p.key}, "--key " + p.key + " needs --cert FILE"},
		{[]string{"--cert", p.cert}, "-E/--cert " + p.cert + ": no PEM private key"},
		{[]string{"--cert", p.cert, "--key", p.encKey}, "the key is encrypted: give its password"},
		{[]string{"--cert", p.cert + ":wrong", "--key", p.encKey}, "cannot decrypt the key"},
		{[]string{"--cert", p.p12 + ":wrong"}, "not a PKCS#12 bundle racetest can open"},
		{[]string{"--cert", p.key, "--key", p.key}, "-E/--cert " + p.key},
	} {
		code, _, errb := runApp(t, false, false, nil, append(append([]string{"fire"}, c.args...), "http://127.0.0.1:1/")...)
		if code != int(ExitUsage) || !strings.Contains(errb, c.want) {
			t.Errorf("%v: exit %d, want 2 with %q\n%s", c.args, code, c.want, errb)
		}
		if strings.Contains(errb, "wrong") && !strings.Contains(c.want, "wrong") {
			t.Errorf("%v: the error shows the password: %s", c.args, errb)
		}
	}
}

func TestSplitCertArg(t *testing.T) {
	for in, want := range map[string][3]string{
		"c.pem":             {"c.pem", "", ""},
		"c.pem:pw":          {"c.pem", "pw", "y"},
		"c.pem:pw:with:col": {"c.pem", "pw:with:col", "y"},
		`a\:b.pem:pw`:       {"a:b.pem", "pw", "y"},
		`a\\b.pem`:          {`a\b.pem`, "", ""},
		`a\x.pem`:           {`a\x.pem`, "", ""},
	} {
		f, pw, ok := splitCertArg(in)
		if f != want[0] || pw != want[1] || ok != (want[2] == "y") {
			t.Errorf("splitCertArg(%q) = %q, %q, %v; want %v", in, f, pw, ok, want)
		}
	}
}

// openssl runs Debian's openssl (installed by .ci/tools.sh) in dir, or
// skips the test without it (fails under RACETEST_REAL_SERVERS=1, as CI
// runs).
func openssl(t *testing.T, dir string, args ...string) {
	t.Helper()
	bin, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv(realservers.EnvRequire) == "1" {
			t.Fatal("openssl is not installed: run .ci/tools.sh")
		}
		t.Skip("openssl is not installed (.ci/tools.sh installs it)")
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl %v: %v\n%s", args, err, out)
	}
}

// A key encrypted as PKCS#8 by openssl itself (PBKDF2 with AES-256-CBC,
// and scrypt), what `openssl genpkey -aes256` and `openssl pkcs8 -topk8`
// write, opens with its password in every engine; without the password,
// or with a wrong one, racetest exits 2 saying so, and never shows it.
func TestClientCertificateEncryptedPKCS8(t *testing.T) {
	p := newClientPKI(t)
	dir := filepath.Dir(p.key)
	openssl(t, dir, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", p.key, "-out", "pbkdf2.pem", "-passout", "pass:s3cret")
	openssl(t, dir, "pkcs8", "-topk8", "-scrypt", "-in", p.key, "-out", "scrypt.pem", "-passout", "pass:s3cret")
	openssl(t, dir, "pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES", "-in", p.key, "-out", "pbes1.pem", "-passout", "pass:s3cret")
	url := mtlsServer(t, p.pool, tls.VersionTLS13)
	// PBES1, which older openssl wrote by default, is not read: with the
	// right password the message says how to write the key again, not
	// to check the password.
	code, _, errb := runApp(t, false, false, nil, "fire", "--cert", p.cert, "--key", filepath.Join(dir, "pbes1.pem"), "--pass", "s3cret", url)
	if code != int(ExitUsage) || !strings.Contains(errb, "only PBES2 supported; if the password is right, write the key again") || strings.Contains(errb, "s3cret") {
		t.Errorf("PBES1 key: exit %d, want 2 with how to convert it, without the password\n%s", code, errb)
	}
	for _, name := range []string{"pbkdf2.pem", "scrypt.pem"} {
		key := filepath.Join(dir, name)
		head, err := os.ReadFile(key)
		if err != nil || !strings.HasPrefix(string(head), "-----BEGIN ENCRYPTED PRIVATE KEY-----") {
			t.Fatalf("%s is not an encrypted PKCS#8 key (%v): %.40s", name, err, head)
		}
		for _, mode := range []string{"single-packet", "last-byte", "barrier"} {
			args := []string{"fire", "-k", "-n", "3", "--mode", mode, "--expect-status", "200=3", "--cert", p.cert, "--key", key, "--pass", "s3cret", url}
			if code, out, errb := runApp(t, false, false, nil, args...); code != 0 {
				t.Errorf("%s %s: exit %d, want 0\n%s\n%s", name, mode, code, out, errb)
			}
		}
		for pass, want := range map[string]string{"": "the key is encrypted: give its password", "wrong-pass": "cannot decrypt the key"} {
			args := []string{"fire", "--cert", p.cert, "--key", key}
			if pass != "" {
				args = append(args, "--pass", pass)
			}
			code, _, errb := runApp(t, false, false, nil, append(args, url)...)
			if code != int(ExitUsage) || !strings.Contains(errb, "--key "+key+": "+want) {
				t.Errorf("%s with password %q: exit %d, want 2 with %q\n%s", name, pass, code, want, errb)
			}
			if pass != "" && strings.Contains(errb, pass) {
				t.Errorf("%s: the error shows the password: %s", name, errb)
			}
		}
	}
}
