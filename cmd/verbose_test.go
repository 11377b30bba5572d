package cmd

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestFireVerboseShowsTheRequest: -v shows on stderr, as curl -v, the
// first request as the server got it, masked unless --show-secrets; the
// report on stdout stays what it was.
func TestFireVerboseShowsTheRequest(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	args := []string{"fire", "-n", "2", "-v", "-H", "Authorization: Bearer s3cr3t-token", "-H", "X-Trace: 7",
		"-d", "user=ann&password=hunter22", srv.URL + "/login?api_key=k3y-value&x=1"}
	code, out, errOut := run(t, context.Background(), args...)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"round 1, request #0 as sent (secrets masked; --show-secrets shows them):\n",
		"> POST " + srv.URL + "/login?api_key=REDACTED&x=1\n",
		"> Authorization: REDACTED\n",
		"> Content-Type: application/x-www-form-urlencoded\n",
		"> X-Trace: 7\n",
		`> body: 26 bytes: "user=ann&password=REDACTED"` + "\n",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	for _, secret := range []string{"s3cr3t-token", "hunter22", "k3y-value"} {
		if strings.Contains(errOut+out, secret) {
			t.Errorf("%s shown without --show-secrets:\n%s\n%s", secret, errOut, out)
		}
	}
	if strings.Contains(out, "> POST") {
		t.Errorf("the request went into the report on stdout:\n%s", out)
	}
	_, _, errOut = run(t, context.Background(), append(append([]string{}, args[:len(args)-1]...), "--show-secrets", args[len(args)-1])...)
	for _, want := range []string{"> Authorization: Bearer s3cr3t-token\n", `"user=ann&password=hunter22"`, "api_key=k3y-value"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("--show-secrets: stderr lacks %q:\n%s", want, errOut)
		}
	}
	// A long body is cut to its first bytes.
	_, _, errOut = run(t, context.Background(), "fire", "-n", "1", "-v", "-d", strings.Repeat("x", 1000), srv.URL)
	if !strings.Contains(errOut, `> body: 1000 bytes, the first 256 shown: "`+strings.Repeat("x", 256)+`"`) {
		t.Errorf("long body:\n%s", errOut)
	}
}
