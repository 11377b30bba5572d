package report

import (
	"slices"
	"time"

	"github.com/racetest/racetest/runner"
)

// Tally summarises the responses of one burst.
type Tally struct {
	N        int           `json:"n"`
	Statuses []StatusCount `json:"statuses"`
	Errors   []ErrorCount  `json:"errors"`
	Latency  Latency       `json:"latency"`
}

// StatusCount is how many responses carried one status code.
type StatusCount struct {
	Status int `json:"status"`
	Count  int `json:"count"`
}

// ErrorCount is how many requests failed with one kind of transport error.
type ErrorCount struct {
	Kind  string `json:"kind"`
	Count int    `json:"count"`
}

// Latency summarises release-to-done times of the requests that got a
// response.
type Latency struct {
	Min time.Duration `json:"min_ns"`
	P50 time.Duration `json:"p50_ns"`
	P90 time.Duration `json:"p90_ns"`
	Max time.Duration `json:"max_ns"`
}

// NewTally counts statuses and error kinds and summarises latencies.
func NewTally(b *runner.Burst) Tally {
	t := Tally{N: len(b.Results)}
	statuses := map[int]int{}
	kinds := map[string]int{}
	var lat []time.Duration
	for i := range b.Results {
		r := &b.Results[i]
		if r.ErrKind != runner.KindNone {
			kinds[string(r.ErrKind)]++
			continue
		}
		statuses[r.Status]++
		lat = append(lat, r.Latency())
	}
	for s, c := range statuses {
		t.Statuses = append(t.Statuses, StatusCount{s, c})
	}
	slices.SortFunc(t.Statuses, func(a, b StatusCount) int { return a.Status - b.Status })
	for k, c := range kinds {
		t.Errors = append(t.Errors, ErrorCount{k, c})
	}
	slices.SortFunc(t.Errors, func(a, b ErrorCount) int { return b.Count - a.Count })
	t.Latency = summarise(lat)
	return t
}

// Count is the number of responses with status s.
func (t *Tally) Count(s int) int {
	for _, c := range t.Statuses {
		if c.Status == s {
			return c.Count
		}
	}
	return 0
}

// Failed is the number of requests that got no response.
func (t *Tally) Failed() int {
	n := 0
	for _, e := range t.Errors {
		n += e.Count
	}
	return n
}

func summarise(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	slices.Sort(ds)
	return Latency{Min: ds[0], P50: percentile(ds, 50), P90: percentile(ds, 90), Max: ds[len(ds)-1]}
}

// percentile uses the nearest-rank method on sorted ds.
func percentile(ds []time.Duration, p int) time.Duration {
	k := (p*len(ds) + 99) / 100
	if k < 1 {
		k = 1
	}
	return ds[k-1]
}
