package cmd

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

// An interrupt during round 1's after step is reported as round 1, not 2,
// and the round says that the step's checks were not judged rather than
// dropping them without a word (issue 12).
func TestInterruptDuringAfterStepNamesItsRound(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/after" {
			cancel() // Ctrl-C while the after step waits for its answer
			<-r.Context().Done()
		}
	}))
	t.Cleanup(srv.Close)
	file := writeScenario(t, `version: 1
race:
  n: 2
  rounds: 2
  request: {url: /race}
  expect: [count(status == 200) == 2]
after:
  - request: {url: /after}
    expect: [status == 200]
`)
	app, out, errb := testApp("")
	code := Execute(ctx, app, []string{"run", "-o", "json", "--target", srv.URL, file})
	if code != int(ExitInterrupted) {
		t.Fatalf("exit %d, want 130\n%s", code, errb)
	}
	var doc struct {
		Runs []struct {
			Error  string `json:"error"`
			Rounds []struct {
				Round int      `json:"round"`
				Notes []string `json:"notes"`
			} `json:"rounds"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	run := doc.Runs[0]
	if run.Error != "interrupted in round 1 of 2" {
		t.Errorf("error %q, want interrupted in round 1 of 2", run.Error)
	}
	want := "interrupted during after[0]: its checks and those of the after steps left were not judged"
	if len(run.Rounds) != 1 || !slices.Contains(run.Rounds[0].Notes, want) {
		t.Errorf("rounds %+v, want round 1 with the note %q", run.Rounds, want)
	}
}
