package cmd

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The secret values of this test. None may appear in any output unless
// --show-secrets is given.
var testSecrets = []string{"s3cr3t-bearer-token", "c00kie-value", "k3y-in-the-url", "server-session-id"}

// echoServer answers with everything a careless server could echo back:
// the credentials of the request in its body, and a session cookie.
func echoServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Set-Cookie", "sid=server-session-id; HttpOnly")
		w.Header().Set("X-Echo-Auth", r.Header.Get("Authorization"))
		_, _ = io.WriteString(w, `{"auth":"`+r.Header.Get("Authorization")+`","cookie":"`+r.Header.Get("Cookie")+`","url":"`+r.URL.String()+`"}`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestSecretsNeverReachAnyOutput(t *testing.T) {
	base := echoServer(t)
	dir := t.TempDir()
	out := func(name string) string { return filepath.Join(dir, name) }
	url := base + "/pay?api_key=k3y-in-the-url&page=1"
	common := []string{"fire", "-n", "3", "-X", "POST", "--json", `{"a":1}`,
		"-H", "Authorization: Bearer s3cr3t-bearer-token", "-H", "Cookie: sid=c00kie-value",
		"--expect", `all(responses, .body contains "nothing")`, "--after", url, "--expect-after", "status == 999"}

	text := append(append([]string{}, common...), "--junit", out("r.xml"), "--html", out("r.html"), url)
	_, stdoutText, stderrText := runApp(t, false, false, map[string]string{"GITHUB_ACTIONS": "true"}, text...)
	js := append(append([]string{}, common...), "-o", "json", url)
	_, stdoutJSON, stderrJSON := runApp(t, false, false, nil, js...)
	unreachable := []string{"fire", "-n", "2", "-H", "Authorization: Bearer s3cr3t-bearer-token",
		"http://" + closedAddr(t) + "/x?token=k3y-in-the-url"}
	_, _, stderrDial := runApp(t, false, false, nil, unreachable...)

	outputs := map[string]string{"text": stdoutText, "stderr": stderrText + stderrJSON + stderrDial, "json": stdoutJSON}
	for _, f := range []string{"r.xml", "r.html"} {
		b, err := os.ReadFile(out(f))
		if err != nil {
			t.Fatal(err)
		}
		outputs[f] = string(b)
	}
	if !strings.Contains(stdoutJSON, `"body": "{\"auth\":\"REDACTED\"`) {
		t.Errorf("the echoed body should be there, masked:\n%s", stdoutJSON)
	}
	for name, s := range outputs {
		for _, secret := range testSecrets {
			if strings.Contains(s, secret) {
				t.Errorf("%s output contains the secret %q", name, secret)
			}
		}
	}

	// --show-secrets is the one way to see them.
	_, shown, _ := runApp(t, false, false, nil, append(append([]string{}, common...), "-o", "json", "--show-secrets", url)...)
	for _, secret := range []string{"s3cr3t-bearer-token", "k3y-in-the-url", "server-session-id"} {
		if !strings.Contains(shown, secret) {
			t.Errorf("--show-secrets: %q missing", secret)
		}
	}
}
