package probe

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/racetest/racetest/runner"
	"github.com/racetest/racetest/scenarios"
)

// --emit after a probe with --values writes no value: the list is a
// ${RACETEST_VALUES_NAME} reference, {{ values.NAME }} stays a template
// while any other {{ is sent as written, and the headers keep the order
// they were given in. The file runs: each request gets its own line of
// the environment variable.
func TestWriteScenarioValues(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization")+" "+r.URL.Query().Get("q"))
		mu.Unlock()
	}))
	defer srv.Close()
	v := &Verdict{Config: &Config{
		Request: runner.Request{Method: "POST", URL: srv.URL + "/redeem?q={{x}}", Body: []byte(`{"t":"{{ index }}"}`),
			Header: http.Header{"X-Z": {"1"}, "Authorization": {"Bearer {{ values.tok }}"}, "Accept": {"*/*"}}},
		HeaderOrder: []string{"X-Z", "Authorization", "Accept"},
		N:           4, Rounds: 1,
		Values: map[string][]string{"tok": {"secret-1", "secret-2"}},
	}}
	var b bytes.Buffer
	if err := WriteScenario(&b, v, EmitOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "secret-") {
		t.Fatalf("a value is written in clear:\n%s", out)
	}
	if !strings.Contains(out, "values:\n  tok: \"${RACETEST_VALUES_TOK}\"\n") {
		t.Errorf("no values: reference:\n%s", out)
	}
	if !regexp.MustCompile(`(?s)"X-Z": "1"\n\s+"Authorization": "Bearer \{\{ values.tok \}\}"\n\s+"Accept"`).MatchString(out) {
		t.Errorf("headers not in the given order, or the values template escaped:\n%s", out)
	}
	s, err := scenarios.Parse("probe.yaml", b.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	env := map[string]string{"RACETEST_VALUES_TOK": "env-1\nenv-2\n"}
	if _, err := s.Run(context.Background(), scenarios.RunOptions{Getenv: func(k string) string { return env[k] }}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(seen)
	want := []string{"Bearer env-1 {{x}}", "Bearer env-1 {{x}}", "Bearer env-2 {{x}}", "Bearer env-2 {{x}}"}
	if !slices.Equal(seen, want) {
		t.Errorf("the server saw %q, want %q", seen, want)
	}
}
