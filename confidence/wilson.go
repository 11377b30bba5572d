package confidence

import (
	"fmt"
	"math"
)

// Interval is a confidence interval of a rate, both ends in [0, 1].
type Interval struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// z95 is the standard normal quantile of a two-sided 95% interval.
const z95 = 1.959963984540054

// Wilson is the 95% Wilson score interval of hits in n trials: unlike
// hits/n ± z·√(p(1-p)/n) it stays inside [0, 1] and is not zero-width at
// 0 or n hits, which is where a race test's rounds usually land. It is
// [0, 1] for n = 0: nothing is known.
func Wilson(hits, n int) Interval {
	if n <= 0 {
		return Interval{0, 1}
	}
	p, nf, z2 := float64(hits)/float64(n), float64(n), z95*z95
	centre := (p + z2/(2*nf)) / (1 + z2/nf)
	half := z95 / (1 + z2/nf) * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return Interval{Low: math.Max(0, centre-half), High: math.Min(1, centre+half)}
}

// String writes the interval as percentages: "17%-69%".
func (i Interval) String() string { return Percent(i.Low) + "-" + Percent(i.High) }

// HitRate words hits in complete rounds with their 95% Wilson interval:
// "4 of 10 complete rounds (40%, 95% CI 17%-69%)".
func HitRate(hits, complete int) string {
	rate := 0.0
	if complete > 0 {
		rate = float64(hits) / float64(complete)
	}
	return fmt.Sprintf("%d of %d complete %s (%s, 95%% CI %s)",
		hits, complete, plural(complete, "round"), Percent(rate), Wilson(hits, complete))
}
