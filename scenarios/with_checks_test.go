package scenarios

import (
	"slices"
	"strings"
	"testing"
)

// TestWithChecks: the checks are added where the file has none and after
// those it has, without repeating one; comments and templates stay.
func TestWithChecks(t *testing.T) {
	for _, c := range []struct {
		name, file string
		race       []string
		after      [][]string
		wantRace   []string
		wantAfter  [][]string
	}{
		{
			name: "no checks yet",
			file: `# keep me
version: 1
target: http://127.0.0.1:9
vars: {user: u1}
race:
  n: 3
  request:
    url: /pay
    headers: {Authorization: "Bearer {{ vars.user }}"}
after:
  - request: {url: /state}
  - request: {url: /other}
`,
			race: []string{"count(status == 200) == 1"}, after: [][]string{{"json.balance == 1300"}, {}},
			wantRace: []string{"count(status == 200) == 1"}, wantAfter: [][]string{{"json.balance == 1300"}, nil},
		},
		{
			name: "flow style",
			file: `version: 1
target: http://127.0.0.1:9
race: {n: 3, request: {url: /pay}}
after: [{request: {url: /state}}]
`,
			race: []string{"count(status == 200) == 1"}, after: [][]string{{"json.balance == 1300"}},
			wantRace: []string{"count(status == 200) == 1"}, wantAfter: [][]string{{"json.balance == 1300"}},
		},
		{
			name: "checks there already",
			file: `version: 1
target: http://127.0.0.1:9
race:
  n: 3
  request: {url: /pay}
  expect:
    - count(status == 200) == 1   # the user's
after:
  - request: {url: /state}
    expect: [json.balance >= 0]
`,
			race: []string{"count(status == 200) == 1", `all(responses, .json.note == "it's \"ok\"")`}, after: [][]string{{"json.balance == 1300"}},
			wantRace:  []string{"count(status == 200) == 1", `all(responses, .json.note == "it's \"ok\"")`},
			wantAfter: [][]string{{"json.balance >= 0", "json.balance == 1300"}},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse("s.yaml", []byte(c.file))
			if err != nil {
				t.Fatal(err)
			}
			out, err := s.WithChecks(c.race, c.after)
			if err != nil {
				t.Fatal(err)
			}
			back, err := Parse("s.yaml", out)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if got := sources(back.Race.Expect); !slices.Equal(got, c.wantRace) {
				t.Errorf("race checks %q, want %q\n%s", got, c.wantRace, out)
			}
			for j, st := range back.After {
				if got := sources(st.Expect); !slices.Equal(got, c.wantAfter[j]) {
					t.Errorf("after[%d] checks %q, want %q\n%s", j, got, c.wantAfter[j], out)
				}
			}
			if strings.HasPrefix(c.file, "#") && !strings.HasPrefix(string(out), "# keep me") {
				t.Errorf("the comment is gone:\n%s", out)
			}
		})
	}
}

// TestWithChecksBuilt: a scenario built in code has no file to add to.
func TestWithChecksBuilt(t *testing.T) {
	s := &Scenario{Race: &Race{}}
	if _, err := s.WithChecks([]string{"true"}, nil); err == nil {
		t.Fatal("no error for a scenario without a file")
	}
}
