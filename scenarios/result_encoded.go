package scenarios

import (
	"strings"

	"github.com/racetest/racetest/expressions"
	"github.com/racetest/racetest/runner"
)

// EncodedBodies returns the first round (its Number) with a response
// whose body a check read while it was still in a Content-Encoding, and
// that coding (gzip, br, ...); 0 and "" when there is none.
// As curl, racetest decodes only when asked (Client.Decompress): a copied
// command with -H 'Accept-Encoding: gzip' but without --compressed gets
// compressed bytes, and its json and body checks then fail for a reason
// that has nothing to do with the race.
func (r *Result) EncodedBodies() (round int, coding string) {
	if r.Decoded {
		return 0, ""
	}
	for i := range r.Rounds {
		rd := &r.Rounds[i]
		if rd.Burst != nil && readsBody(rd.Checks) {
			for j := range rd.Burst.Results {
				if c := encoding(&rd.Burst.Results[j]); c != "" {
					return rd.Number, c
				}
			}
		}
		for j := range rd.After {
			if st := &rd.After[j]; readsBody(st.Checks) {
				if c := encoding(&st.Response); c != "" {
					return rd.Number, c
				}
			}
		}
	}
	return 0, ""
}

func readsBody(checks []expressions.CheckResult) bool {
	for _, c := range checks {
		if c.Check != nil && c.Check.ReadsBody() {
			return true
		}
	}
	return false
}

// encoding is a response's content coding other than identity, or "".
func encoding(res *runner.Result) string {
	c := strings.ToLower(strings.TrimSpace(res.Header.Get("Content-Encoding")))
	if c == "identity" || len(res.Body) == 0 {
		return ""
	}
	return c
}
