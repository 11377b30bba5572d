package report

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/racetest/racetest/runner"
)

func TestScrubberForms(t *testing.T) {
	token := "Tok3n/With+Slash"
	sc := NewScrubber([]runner.Request{{URL: "http://h/", Header: http.Header{"Authorization": {"Bearer " + token}}}})
	sc.AddResponses([]runner.Result{{Header: http.Header{"Set-Cookie": {"sid=c00kie-from-server; Path=/"}}}})
	for name, in := range map[string]string{
		"as sent":       `{"echo":"Tok3n/With+Slash"}`,
		"json escaped":  `{"echo":"Tok3n\/With+Slash"}`,
		"lower case":    `echo tok3n/with+slash`,
		"url escaped":   `?t=Tok3n%2FWith%2BSlash`,
		"set-cookie":    `headers: sid=c00kie-from-server`,
		"cut at 80":     `seen: "...a long body that ends with the start of Tok3n/Wi...`,
		"cut, lower":    `seen: tok3n/w...`,
		"whole header":  `Authorization: Bearer Tok3n/With+Slash`,
		"in an error":   `dial tcp: lookup Tok3n/With+Slash: no such host`,
		"twice in text": `Tok3n/With+Slash and TOK3N/WITH+SLASH`,
	} {
		got := sc.Scrub(in)
		if strings.Contains(strings.ToLower(got), "tok3n") || strings.Contains(got, "c00kie") {
			t.Errorf("%s: %q left a secret in %q", name, in, got)
		}
		if !strings.Contains(got, Mask) {
			t.Errorf("%s: %q: nothing masked", name, got)
		}
	}
	if got := sc.Scrub("nothing secret here..."); got != "nothing secret here..." {
		t.Errorf("masked a text without secrets: %q", got)
	}
}

func TestRedactUnparsableURL(t *testing.T) {
	for _, in := range []string{
		"http://user:pa%zzss@host/x",
		"http://user:p4ss@host:port/x",
	} {
		got := Redact("--url "+in+": invalid", false)
		if strings.Contains(got, "p4ss") || strings.Contains(got, "pa%zzss") || !strings.Contains(got, Mask+"@host") {
			t.Errorf("%q: %q", in, got)
		}
	}
}

// BenchmarkScrubManyValues: a run with 10,000 per-request values scrubs
// every text of its report against 40,000 forms; most texts hold none.
//
//	go test ./report -run '^$' -bench ScrubManyValues
func BenchmarkScrubManyValues(b *testing.B) {
	reqs := make([]runner.Request, 10_000)
	for i := range reqs {
		reqs[i] = runner.Request{Method: "GET", URL: "http://127.0.0.1/", Header: http.Header{"Authorization": {fmt.Sprintf("Bearer tok-%06d-Secret", i)}}}
	}
	sc := NewScrubber(reqs)
	text := strings.Repeat(`{"ok":true,"user":"someone","note":"nothing secret here"} `, 4)
	b.ResetTimer()
	for range b.N {
		if sc.Scrub(text) != text {
			b.Fatal("masked a text without secrets")
		}
	}
}
