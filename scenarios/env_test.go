package scenarios

import (
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// Every variable a run needs and the environment lacks is named in one
// error, so that one export is enough; nothing is sent before.
func TestMissingEnvNamedAtOnce(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	s := mustParse(t, `version: 1
values:
  who: "${RACETEST_VALUES_WHO}"
race:
  n: 2
  request: {url: /v, headers: {Authorization: "${RACETEST_AUTHORIZATION}", Cookie: "${RACETEST_COOKIE}", X-Who: "{{ values.who }}"}}
`)
	want := []string{"RACETEST_AUTHORIZATION", "RACETEST_COOKIE", "RACETEST_VALUES_WHO"}
	if got := s.EnvNeeded(); !slices.Equal(got, want) {
		t.Errorf("EnvNeeded() = %v, want %v", got, want)
	}
	env := map[string]string{"RACETEST_COOKIE": "sid=1"}
	getenv := func(k string) string { return env[k] }
	if got := s.UnsetEnv(getenv); !slices.Equal(got, []string{"RACETEST_AUTHORIZATION", "RACETEST_VALUES_WHO"}) {
		t.Errorf("UnsetEnv() = %v", got)
	}
	_, err := s.Run(context.Background(), RunOptions{Target: srv.URL, Getenv: getenv})
	const msg = "${RACETEST_AUTHORIZATION}, ${RACETEST_VALUES_WHO}: environment variables RACETEST_AUTHORIZATION, RACETEST_VALUES_WHO are not set; export them before the run (RACETEST_VALUES_WHO is values.who, one value per line, or pass --values who=FILE)"
	if err == nil || !strings.Contains(err.Error(), msg) {
		t.Errorf("got %v\nwant %s", err, msg)
	}
	if n := rec.count(""); n != 0 {
		t.Errorf("%d requests were sent", n)
	}
}
