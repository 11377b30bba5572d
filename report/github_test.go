package report

import (
	"bytes"
	"strings"
	"testing"
)

func TestGitHubAnnotations(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteGitHubAnnotations(&buf, goldenDocument()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	// Three checks failed in round 1 of the mission run; stock had a
	// runtime error; the health run has nothing to say.
	if len(lines) != 4 {
		t.Fatalf("%d annotations, want 4:\n%s", len(lines), buf.String())
	}
	want := "::error file=examples/mission.yaml,line=4,title=racetest::mission reward: check-then-act: " +
		"count(status == 200) == 1 — seen: count(status == 200) = 3, want == 1 (failed in 1 of 2 rounds, first in round 1)"
	if lines[0] != want {
		t.Errorf("first annotation\n got: %s\nwant: %s", lines[0], want)
	}
	if !strings.HasPrefix(lines[3], "::error file=examples/stock.yaml,line=2,title=racetest::stock purchase: target unreachable") {
		t.Errorf("runtime error annotation: %s", lines[3])
	}
}

func TestGitHubAnnotationsEscape(t *testing.T) {
	doc := &Document{Runs: []Run{{
		Name: "a,b: 100%", File: "dir:x/a,b.yaml",
		Rounds: []Round{{Round: 1, Checks: []Check{{Expr: "x", Seen: "line one\r\nline two 5%"}}}},
	}}}
	var buf bytes.Buffer
	if err := WriteGitHubAnnotations(&buf, doc); err != nil {
		t.Fatal(err)
	}
	// A run without Line gets no line property; properties escape ':' and
	// ',' as well, the message only '%', CR and LF.
	want := "::error file=dir%3Ax/a%2Cb.yaml,title=racetest::a,b: 100%25: x — seen: line one%0D%0Aline two 5%25\n"
	if buf.String() != want {
		t.Errorf("\n got: %q\nwant: %q", buf.String(), want)
	}
	if strings.Count(buf.String(), "\n") != 1 {
		t.Error("a workflow command must stay on one line")
	}
}

func TestGitHubAnnotationsWithoutFile(t *testing.T) {
	doc := &Document{Runs: []Run{{Name: "fire GET http://x/", Rounds: []Round{{Round: 1,
		Checks: []Check{{Expr: "y", Error: "undefined: foo"}}}}}}}
	var buf bytes.Buffer
	if err := WriteGitHubAnnotations(&buf, doc); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "::error title=racetest::fire GET http://x/: y — seen: undefined: foo\n"; got != want {
		t.Errorf("\n got: %q\nwant: %q", got, want)
	}
}
