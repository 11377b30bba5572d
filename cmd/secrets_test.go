package cmd

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The secret values of this test. None may appear in any output unless
// --show-secrets is given.
var testSecrets = []string{"s3cr3t-bearer-token", "c00kie-value", "k3y-in-the-url", "server-session-id", "h3ader-api-key"}

// echoServer answers with everything a careless server could echo back:
// the credentials of the request in its body, and a session cookie.
func echoServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Set-Cookie", "sid=server-session-id; HttpOnly")
		w.Header().Set("X-Echo-Auth", r.Header.Get("Authorization"))
		_, _ = io.WriteString(w, `{"auth":"`+r.Header.Get("Authorization")+`","cookie":"`+r.Header.Get("Cookie")+`","key":"`+r.Header.Get("X-Api-Key")+`","url":"`+r.URL.String()+`"}`)
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
		"-H", "Authorization: Bearer s3cr3t-bearer-token", "-H", "Cookie: sid=c00kie-value", "-H", "X-Api-Key: h3ader-api-key",
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
	for _, secret := range []string{"s3cr3t-bearer-token", "k3y-in-the-url", "server-session-id", "h3ader-api-key"} {
		if !strings.Contains(shown, secret) {
			t.Errorf("--show-secrets: %q missing", secret)
		}
	}
}

// A secret sent only in a setup step, and echoed back by the server
// lower-cased and JSON-escaped in the race's responses, is masked in every
// output all the same: the scrubber is fed with every step of the run.
func TestSecretsFromSetupSteps(t *testing.T) {
	const secret = "Setup-S3cret/Token"
	var mu sync.Mutex
	last := ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if a := r.Header.Get("Authorization"); a != "" {
			last = a
		}
		_, _ = io.WriteString(w, `{"lower":"`+strings.ToLower(last)+`","escaped":"`+strings.ReplaceAll(last, "/", `\/`)+`"}`)
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	file := filepath.Join(dir, "s.yaml")
	yaml := "version: 1\nname: setup secret\ntarget: " + srv.URL + "\nsetup:\n" +
		"  - request: {method: POST, url: /login, headers: {Authorization: \"Bearer " + secret + "\"}}\n" +
		"race:\n  n: 3\n  request: {url: /x}\n  expect: ['all(responses, .body contains \"nothing\")']\n" +
		"after:\n  - request: {url: /state}\n    expect: ['json.lower == \"x\"']\n"
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	junit, html := filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.html")
	code, text, errText := runApp(t, false, false, map[string]string{"GITHUB_ACTIONS": "true"}, "run", "--junit", junit, "--html", html, file)
	if code != int(ExitCheckFailed) {
		t.Fatalf("exit %d\n%s\n%s", code, text, errText)
	}
	_, js, errJS := runApp(t, false, false, nil, "run", "-o", "json", "-v", file)
	outputs := map[string]string{"text": text, "stderr": errText + errJS, "json": js}
	for _, f := range []string{junit, html} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		outputs[f] = string(b)
	}
	for name, s := range outputs {
		if strings.Contains(strings.ToLower(s), "s3cret") {
			t.Errorf("%s shows the setup step's secret:\n%s", name, s)
		}
	}
	if !strings.Contains(js, "REDACTED") {
		t.Errorf("the echoed secret should be there, masked:\n%s", js)
	}
}

// A password sent in a form or JSON body, which import writes as a
// ${RACETEST_BODY_...} reference and -v masks, is masked in the reports
// too when the server echoes it back.
func TestBodySecretsEchoedAreMasked(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(w, r.Body)
	}))
	t.Cleanup(srv.Close)
	for _, body := range [][]string{
		{"-d", "user=ann&password=b0dy-passw0rd"},
		{"--json", `{"user":"ann","auth":{"api_key":"b0dy-passw0rd"}}`},
	} {
		args := append([]string{"fire", "-n", "2", "-o", "json", "--expect", `all(responses, .body contains "nothing")`}, body...)
		_, stdout, stderr := runApp(t, false, false, nil, append(args, srv.URL)...)
		if !strings.Contains(stdout, "ann") {
			t.Fatalf("%v: the echoed body should be in the report:\n%s", body, stdout)
		}
		if strings.Contains(stdout+stderr, "b0dy-passw0rd") {
			t.Errorf("%v: the output holds the body's password:\n%s", body, stdout)
		}
	}
}

// probe's findings quote the responses; a credential the server echoes
// there is masked as in fire's reports, whatever its case.
func TestProbeMasksEchoedCredentials(t *testing.T) {
	var inflight atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		n := inflight.Add(1)
		defer inflight.Add(-1)
		// Long enough for the burst to overlap on a loaded machine; the
		// sequential phases never do.
		time.Sleep(30 * time.Millisecond)
		w.Header().Set("Content-Type", "application/json")
		if n > 1 || inflight.Load() > 1 {
			w.WriteHeader(http.StatusConflict)
			_, _ = io.WriteString(w, `{"error":"busy for key `+strings.ToLower(r.Header.Get("X-Api-Key"))+`"}`)
			return
		}
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(srv.Close)
	for _, out := range []string{"text", "json"} {
		code, stdout, stderr := runApp(t, false, false, nil, "probe", "-n", "3", "--rounds", "3", "--until-found", "-o", out,
			"-H", "X-Api-Key: H3ader-Api-Key", srv.URL)
		if code != int(ExitCheckFailed) || !strings.Contains(stdout, "busy for key REDACTED") {
			t.Fatalf("probe -o %s: exit %d, want 1 with the echoed key masked:\n%s%s", out, code, stdout, stderr)
		}
		if strings.Contains(strings.ToLower(stdout+stderr), "h3ader-api-key") {
			t.Errorf("probe -o %s: the output holds the key:\n%s%s", out, stdout, stderr)
		}
	}
}
