package scenarios

import (
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// A values: list written "${NAME}" is read from the environment, one value
// per line, unless --values gives it; each request of the burst gets its
// own line, as the recorder sees.
func TestValuesFromEnvironment(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	s := mustParse(t, `version: 1
values:
  who: "${RACETEST_VALUES_WHO}"
race:
  n: 4
  request: {method: POST, url: /v, headers: {X-Who: "{{ values.who }}"}}
`)
	if !s.DeclaresValues("who") {
		t.Fatal("values.who from the environment is not declared")
	}
	env := map[string]string{"RACETEST_VALUES_WHO": "env-a\r\nenv-b\n"}
	res, err := s.Run(context.Background(), RunOptions{Target: srv.URL, Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"env-a", "env-b"} {
		if n := rec.count("POST /v " + who + " "); n != 2 {
			t.Errorf("%s sent %d times, want 2 (of 4, alternating)", who, n)
		}
	}
	if got := res.SecretValues(); !slices.Equal(got, []string{"env-a", "env-b"}) {
		t.Errorf("secret values %v", got)
	}

	// --values replaces it: the environment is not read.
	rec2 := &recorder{}
	srv2 := httptest.NewServer(rec2)
	defer srv2.Close()
	if _, err := s.Run(context.Background(), RunOptions{Target: srv2.URL, Values: map[string][]string{"who": {"file-a"}}}); err != nil {
		t.Fatal(err)
	}
	if n := rec2.count("POST /v file-a "); n != 4 {
		t.Errorf("file-a sent %d times, want 4", n)
	}

	// Unset, or with a blank line: nothing is sent, and the message says
	// what to do.
	for text, want := range map[string]string{
		"":         "environment variable RACETEST_VALUES_WHO is not set; export it with one value per line, or pass --values who=FILE",
		"a\n\nb\n": "${RACETEST_VALUES_WHO}: line 2 is empty",
	} {
		env["RACETEST_VALUES_WHO"] = text
		_, err := s.Start(RunOptions{Target: srv.URL, Getenv: func(k string) string { return env[k] }})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", text, err, want)
		}
	}
}

// Only "${NAME}" stands for a list: any other string is refused with its
// place.
func TestValuesScalarRefused(t *testing.T) {
	_, err := Parse("x.yaml", []byte("version: 1\nvalues:\n  tok: plain\nrace:\n  request: {url: /x}\n"))
	if err == nil || !strings.Contains(err.Error(), `x.yaml:3:8: values.tok: values.tok is a list, one value per request, such as [tok-1, tok-2], or "${NAME}"`) {
		t.Errorf("got %v", err)
	}
}
