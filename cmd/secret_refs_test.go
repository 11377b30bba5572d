package cmd

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// racetest import keeps the secret-looking fields of a JSON or form body
// out of the scenario, as it does headers and query parameters, and the
// scenario run with the printed variables set sends the body the copied
// command sent, byte for byte.
func TestImportBodySecrets(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		// Not a success, so that the imported check holds.
		w.WriteHeader(http.StatusConflict)
	}))
	defer srv.Close()
	for _, tc := range []struct{ name, ctype, body string }{
		{"json", "application/json", `{"user":"bob", "password" : "PW\"json\u00e9", "nested":{"api_key":"K1","list":[{"token":"T1"}]},"pin":1234,"note":"${HOME} {{x}}"}`},
		{"form", "application/x-www-form-urlencoded", `username=bob&password=PW%26form&client_secret=CS1&x=%7B%7B`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cmdFile := filepath.Join(dir, "req.sh")
			quoted := "'" + strings.ReplaceAll(tc.body, "'", `'\''`) + "'"
			writeFiles(t, dir, map[string][]byte{"req.sh": []byte("curl '" + srv.URL + "/login' -H 'Content-Type: " + tc.ctype + "' --data-raw " + quoted + "\n")})
			code, yaml, errb := run(t, t.Context(), "import", "curl", cmdFile, "-n", "2", "--show-secrets")
			if code != 0 {
				t.Fatalf("import: exit %d\n%s", code, errb)
			}
			for _, s := range []string{"PW", "K1", "T1", "CS1"} {
				if strings.Contains(yaml, s) {
					t.Errorf("the scenario holds %s:\n%s", s, yaml)
				}
			}
			env := map[string]string{}
			for _, m := range regexp.MustCompile(`(?m)^export (\w+)='((?:[^']|'\\'')*)'`).FindAllStringSubmatch(errb, -1) {
				env[m[1]] = strings.ReplaceAll(m[2], `'\''`, "'")
			}
			if len(env) < 2 {
				t.Fatalf("exports: %s", errb)
			}
			scenario := filepath.Join(dir, "race.yaml")
			if err := os.WriteFile(scenario, []byte(yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			bodies = nil
			mu.Unlock()
			app, _, runErr := testApp("")
			app.Getenv = func(k string) string { return env[k] }
			if code := Execute(t.Context(), app, []string{"run", scenario}); code != 0 {
				t.Fatalf("run: exit %d\n%s", code, runErr)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(bodies) != 2 || bodies[0] != tc.body || bodies[1] != tc.body {
				t.Errorf("sent %q\nwant %q", bodies, tc.body)
			}
		})
	}
}

// probe --emit writes the secrets of the command line as ${ENV}
// references, by import's rule, and names the variables on stderr; the
// file runs with them set.
func TestProbeEmitKeepsSecretsOut(t *testing.T) {
	var seen sync.Map
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.Header.Get("Authorization")+" "+r.URL.RawQuery, true)
		if r.URL.Path == "/pay" {
			w.WriteHeader(http.StatusConflict)
		}
	}))
	defer srv.Close()
	emit := filepath.Join(t.TempDir(), "probe.yaml")
	code, _, errb := run(t, t.Context(), "probe", "-n", "3", "-H", "Authorization: Bearer HDRSEC1",
		"--reset", "GET "+srv.URL+"/reset?token=QTOK7", "--emit", emit, srv.URL+"/pay?token=QTOK7")
	if code != 0 {
		t.Fatalf("probe: exit %d\n%s", code, errb)
	}
	data, err := os.ReadFile(emit)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "HDRSEC1") || strings.Contains(string(data), "QTOK7") || strings.Contains(errb, "HDRSEC1") {
		t.Errorf("a secret in clear:\n%s\n%s", data, errb)
	}
	// One variable per secret, shared by the setup step and the race.
	if strings.Count(errb, "export RACETEST_") != 2 || !strings.Contains(errb, "--show-secrets prints the values") {
		t.Errorf("stderr:\n%s", errb)
	}
	seen.Clear()
	app, _, runErr := testApp("")
	env := map[string]string{"RACETEST_AUTHORIZATION": "Bearer HDRSEC1", "RACETEST_QUERY_TOKEN": "QTOK7"}
	app.Getenv = func(k string) string { return env[k] }
	if code := Execute(t.Context(), app, []string{"run", emit}); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, runErr)
	}
	if _, ok := seen.Load("Bearer HDRSEC1 token=QTOK7"); !ok {
		t.Error("the emitted scenario did not send the secrets")
	}
}

// A copied command's proxy and client certificate are named in notes,
// never with their passwords.
func TestImportNotesProxyAndCertWithoutPasswords(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"req.sh": []byte("curl http://127.0.0.1:1/x -x http://px:PXPASS77@127.0.0.1:3128 -E c1.p12:P12PASS\n")})
	code, out, errb := run(t, t.Context(), "import", "curl", filepath.Join(dir, "req.sh"))
	if code != 0 || strings.Contains(out+errb, "PASS") ||
		!strings.Contains(errb, "note: the command goes through the proxy http://127.0.0.1:3128: run it with racetest run -x") ||
		!strings.Contains(errb, "note: the command sends the client certificate c1.p12: run it with racetest run -E c1.p12") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errb)
	}
}
