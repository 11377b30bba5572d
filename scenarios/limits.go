package scenarios

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/racetest/racetest/expressions"
)

// Limits on what racetest accepts, so that a mistyped number or a hostile
// file fails at once with a message instead of exhausting memory, file
// descriptors or patience. fire's flags use the same ones.
const (
	// DefaultMaxN is the largest burst sent without --allow-large: the
	// largest the project measures (N = 10,000 on loopback, in
	// docs/PERFORMANCE.md). Past it an extra zero is likelier than intent,
	// and the target may be someone else's server.
	DefaultMaxN = 10_000
	// MaxRounds is the most rounds one run may have, from a file, --rounds
	// or code: a round takes at least a round trip, and more than this is
	// a typo, not a plan.
	MaxRounds = 10_000
	// MaxN is the largest burst even with --allow-large. One client
	// address has about 28,000 ephemeral ports per target, and every
	// engine but single-packet needs a connection per request: past
	// 100,000 even HTTP/2 streams exhaust memory before the server is
	// raced.
	MaxN = 100_000
	// MaxBodySize caps one request body. Every engine encodes each request
	// of a burst on its own, so a burst holds N copies of it.
	MaxBodySize = 16 << 20
	// MaxBurstBodies caps the request bodies of one burst together: N
	// copies of a body must fit in memory next to everything else.
	MaxBurstBodies = 1 << 30
	// MaxFileSize caps a scenario file. Real ones are a few KiB; a larger
	// one is the wrong file, and the YAML parser keeps several copies of
	// it and slows down more than linearly on some shapes.
	MaxFileSize = 1 << 20
	// maxAliasValues caps the values that YAML aliases add when they are
	// expanded: nine anchors of nine aliases each (the "billion laughs")
	// would otherwise build 9^9 values from a few hundred bytes.
	maxAliasValues = 10_000
	// maxAliasBytes caps the bytes of text that YAML aliases add when they
	// are expanded: one long string aliased thousands of times costs one
	// value each, and gigabytes. A request body may be MaxBodySize; no
	// scenario needs aliases to add more than that.
	maxAliasBytes = MaxBodySize
	// maxNesting caps how deep flow collections ([...] and {...}) nest.
	// The YAML parser takes time quadratic in the depth; a scenario needs
	// a handful of levels.
	maxNesting = 100
	// maxTokens caps the YAML tokens (keys, values, punctuation) of a
	// file. The parser takes time quadratic in the keys of one mapping
	// (40,000 keys: 10 s), and every check is compiled; a large scenario
	// has a few thousand tokens.
	maxTokens = 20_000
	// maxLessThanRun caps a run of '<' characters. goccy/go-yaml's lexer
	// counts the run again at each '<' of a plain scalar (looking for a
	// "<<" merge key): 800 KB of them took four minutes.
	maxLessThanRun = 256
)

// CheckRounds says what is wrong with a number of rounds, or nil.
func CheckRounds(n int) error {
	if n < 1 || n > MaxRounds {
		return fmt.Errorf("must be between 1 and %d", MaxRounds)
	}
	return nil
}

// CheckN says why a burst of n requests may not be sent, or returns nil.
// allowLarge is --allow-large: it lifts DefaultMaxN up to MaxN.
func CheckN(n int, allowLarge bool) error {
	switch {
	case n < 1:
		return fmt.Errorf("the burst needs at least one request; give 1 to %d", DefaultMaxN)
	case n > MaxN:
		return fmt.Errorf("more than %d requests in one burst is not supported, even with --allow-large", MaxN)
	case n > DefaultMaxN && !allowLarge:
		return fmt.Errorf("more than %d requests in one burst; add --allow-large to allow up to %d", DefaultMaxN, MaxN)
	}
	return nil
}

// CheckBody says why a request body of size bytes may not be sent, or
// returns nil.
func CheckBody(size int64) error {
	if size > MaxBodySize {
		return fmt.Errorf("the body is %s, more than the %s a request body may have; send a smaller body",
			FormatBytes(size), FormatBytes(MaxBodySize))
	}
	return nil
}

// CheckBurstBodies says why a burst whose request bodies add up to total
// bytes may not be sent, or returns nil.
func CheckBurstBodies(total int64) error {
	if total > MaxBurstBodies {
		return fmt.Errorf("the burst would hold %s of request bodies, more than %s; send fewer requests or a smaller body",
			FormatBytes(total), FormatBytes(MaxBurstBodies))
	}
	return nil
}

// FormatBytes writes a size for people: 512 B, 64 KiB, 16 MiB, 1.5 GiB.
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, suffix := float64(n)/unit, "KiB"
	for _, s := range []string{"MiB", "GiB", "TiB"} {
		if v < unit {
			break
		}
		v, suffix = v/unit, s
	}
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d %s", int64(v), suffix)
	}
	return fmt.Sprintf("%.1f %s", v, suffix)
}

// checkStaticBodies refuses at load time a burst whose bodies, as written
// in the file, would not fit in memory N times over, and a json: body that
// cannot be JSON at all (.nan, .inf). Templated bodies are checked as they
// are made, in the run.
func checkStaticBodies(p *problems, race *Race) {
	var total, most int64
	where := ""
	for _, g := range race.Groups {
		size, ok := staticBodySize(p, g.Request)
		if !ok {
			return
		}
		total += int64(g.Count) * size
		if int64(g.Count)*size > most {
			most, where = int64(g.Count)*size, bodyPath(g.Request)
		}
	}
	if err := CheckBurstBodies(total); err != nil {
		p.at(where, "%v", err)
	}
}

// staticBodySize is the size of the body of rt when it has no templates,
// and 0 when it has. A json: body that cannot be JSON, or a body over
// MaxBodySize, is a problem; a json: body whose text alone is over it is
// refused before it is written out as JSON.
func staticBodySize(p *problems, rt *RequestTemplate) (int64, bool) {
	var size int64
	switch {
	case rt.Body != nil && rt.Body.Static():
		size = int64(len(rt.Body.Source))
	case rt.json != nil && rt.json.static():
		if least := rt.json.textSize(); least > MaxBodySize {
			p.at(bodyPath(rt), "the body is at least %s, more than the %s a request body may have; send a smaller body",
				FormatBytes(least), FormatBytes(MaxBodySize))
			return 0, false
		}
		v, err := rt.json.eval(&expressions.TemplateEnv{})
		if err != nil {
			return 0, true
		}
		if size, err = jsonSize(v); err != nil {
			p.at(bodyPath(rt), "cannot be written as JSON (%s); JSON has no NaN or infinity: quote the value or use body:",
				strings.TrimPrefix(err.Error(), "json: "))
			return 0, false
		}
	}
	if err := CheckBody(size); err != nil {
		p.at(bodyPath(rt), "%v", err)
		return 0, false
	}
	return size, true
}

// jsonSize is len(json.Marshal(v)) for a value decoded from YAML, found
// leaf by leaf so that a body over the limit is measured without being
// built: only the largest string is ever encoded at once.
func jsonSize(v any) (int64, error) {
	switch x := v.(type) {
	case map[string]any:
		n := int64(1 + max(len(x)-1, 0) + 1) // braces and commas
		for k, e := range x {
			ks, _ := jsonSize(k)
			es, err := jsonSize(e)
			if err != nil {
				return 0, err
			}
			n += ks + 1 + es
		}
		return n, nil
	case []any:
		n := int64(1 + max(len(x)-1, 0) + 1)
		for _, e := range x {
			es, err := jsonSize(e)
			if err != nil {
				return 0, err
			}
			n += es
		}
		return n, nil
	}
	b, err := json.Marshal(v)
	return int64(len(b)), err
}
