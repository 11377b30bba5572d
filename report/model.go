package report

import (
	"fmt"
	"slices"
	"time"

	"github.com/racetest/racetest/confidence"
	"github.com/racetest/racetest/runner"
	"github.com/racetest/racetest/scenarios"
)

// Schema names the version of the JSON document. A change that removes or
// renames a field gets a new schema name.
const Schema = "racetest.report/v1"

// Document is everything one racetest invocation found. It is the JSON
// output as it is, and every other writer renders it.
type Document struct {
	Schema      string    `json:"schema"`
	Tool        string    `json:"tool"`
	Started     time.Time `json:"started"`
	Runs        []Run     `json:"runs"`
	Interrupted bool      `json:"interrupted,omitempty"`
	// ExitCode is the exit status racetest gave for this document, so that
	// re-rendering it (racetest report) gives the same one.
	ExitCode *int `json:"exit_code,omitempty"`
	// Shard says which share of the files of `racetest run --shard` this
	// document holds, so that racetest merge can tell a missing share.
	Shard *Shard `json:"shard,omitempty"`
}

// Shard is share Index (1-based) of Count of a run's files, dealt from
// Files files in all.
type Shard struct {
	Index int `json:"index"`
	Count int `json:"count"`
	Files int `json:"files"`
}

// Run is one race: a fire invocation or one scenario.
type Run struct {
	Name   string `json:"name"`
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Target string `json:"target"`
	Mode   string `json:"mode"`
	N      int    `json:"n"`
	// Planned is the number of rounds asked for; fewer are in Rounds when
	// the run stopped early.
	Planned int `json:"planned_rounds,omitempty"`
	// Stop is the rule that could end the run early (--until-found,
	// --confidence); nil when every planned round was to be fired.
	Stop *confidence.Stop `json:"stop,omitempty"`
	// HitRate is the share of complete rounds that found a race, with its
	// 95% Wilson interval; nil when the run had one round and no Stop.
	HitRate *HitRate `json:"hit_rate,omitempty"`
	Rounds  []Round  `json:"rounds"`
	// Error is a runtime error that stopped the run before it could be
	// judged, such as an unreachable target.
	Error string `json:"error,omitempty"`
}

// HitRate is how often a complete round found a race.
type HitRate struct {
	Hits     int     `json:"hits"`
	Complete int     `json:"complete_rounds"`
	Rate     float64 `json:"rate"`
	// Low and High are the 95% Wilson interval of Rate.
	confidence.Interval
}

// newHitRate is the hit rate of a run's rounds, or nil when it is not
// worth showing (confidence.Rule.ShowsRate): a run of one round, unless
// under --until-found or --confidence.
func newHitRate(r *Run) *HitRate {
	if !r.Stop.Rule().ShowsRate(len(r.Rounds)) {
		return nil
	}
	h := &HitRate{Hits: r.FailedRounds(), Complete: r.CompleteRounds()}
	if h.Complete > 0 {
		h.Rate = float64(h.Hits) / float64(h.Complete)
	}
	h.Interval = confidence.Wilson(h.Hits, h.Complete)
	return h
}

// Round is one prepare-arm-release-collect cycle and its judgement.
type Round struct {
	Round       int    `json:"round"`
	Mode        string `json:"mode"`
	Hold        string `json:"hold,omitempty"`
	Proto       string `json:"proto"`
	Connections int    `json:"connections"`
	// Proxy names the proxy that carried the burst, without credentials.
	Proxy         string        `json:"proxy,omitempty"`
	Notes         []string      `json:"notes,omitempty"`
	Start         time.Time     `json:"start"`
	ReleaseSpread time.Duration `json:"release_spread_ns"`
	ServerSpread  time.Duration `json:"server_spread_ns"`
	HasServer     bool          `json:"server_spread_known"`
	Tally         Tally         `json:"tally"`
	// Incomplete says why the round does not count, when it does not;
	// its checks are shown, not counted.
	Incomplete []Cause `json:"incomplete,omitempty"`
	// Receipt is how the release went on the wire.
	Receipt Receipt `json:"receipt"`
	// Serialised, when set, says that the server handled the burst a
	// few requests at a time.
	Serialised *Serialised `json:"serialised,omitempty"`
	Checks     []Check     `json:"checks"`
	Requests   []Request   `json:"requests"`
}

// Cause is one reason a round is incomplete: Count requests failed this
// way, before or after the release; Message is the first one's error.
type Cause struct {
	Kind         string `json:"kind"`
	Count        int    `json:"count"`
	Requests     []int  `json:"requests"`
	Message      string `json:"message,omitempty"`
	AfterRelease bool   `json:"after_release"`
}

// Receipt is the sync receipt of a round: what the release took on the
// wire. Segments are known on Linux only (segments_known).
type Receipt struct {
	// Heads is set when the server answered every request on its HTTP/2
	// HEADERS, before the release: the arming write, which carried every
	// stream's HEADERS, was the burst, and the counts are of that write.
	Heads            bool          `json:"heads,omitempty"`
	Connections      int           `json:"connections"`
	Writes           int           `json:"writes"`
	Bytes            int64         `json:"bytes"`
	TLS              bool          `json:"tls"`
	TLSRecords       int           `json:"tls_records"`
	Segments         int           `json:"segments"`
	MaxSegments      int           `json:"max_segments_per_connection"`
	SegmentsKnown    bool          `json:"segments_known"`
	ServerStamps     int           `json:"server_stamps"`
	ServerResolution time.Duration `json:"server_resolution_ns"`
	// ReleaseAt is the instant of --start-at, and ReleaseError how much
	// later (negative: earlier) than it the first release was, by this
	// machine's clock. Both are absent without --start-at, and the error
	// also when nothing was released.
	ReleaseAt    *time.Time     `json:"release_at,omitempty"`
	ReleaseError *time.Duration `json:"release_error_ns,omitempty"`
}

// Serialised is the evidence that the server handled a burst K requests
// at a time: Steps steps about Step apart, seen in From ("arrival" stamps
// or "first-byte" times), on connection Conn (-1: across connections).
type Serialised struct {
	Conn  int           `json:"conn"`
	K     int           `json:"k"`
	Steps int           `json:"steps"`
	Step  time.Duration `json:"step_ns"`
	From  string        `json:"from"`
}

// Check is one expression judged in one round.
type Check struct {
	Expr  string `json:"expr"`
	Scope string `json:"scope"` // "burst" or "after"
	Pass  bool   `json:"pass"`
	Seen  string `json:"seen,omitempty"`
	Error string `json:"error,omitempty"`
}

// Request is one request of a round with its response and timings. Times
// are nanoseconds from the round's Start (the first release); negative
// before it, absent when the moment never came.
type Request struct {
	Index     int                 `json:"index"`
	Conn      int                 `json:"conn"`
	Method    string              `json:"method"`
	URL       string              `json:"url"`
	Status    int                 `json:"status"`
	Proto     string              `json:"proto,omitempty"`
	ErrorKind string              `json:"error_kind,omitempty"`
	Error     string              `json:"error,omitempty"`
	Headers   map[string][]string `json:"headers,omitempty"`
	Body      string              `json:"body,omitempty"`
	BodyBytes int64               `json:"body_bytes"`
	Truncated bool                `json:"truncated,omitempty"`
	Undecoded string              `json:"undecoded,omitempty"`
	Armed     *time.Duration      `json:"armed_ns,omitempty"`
	Released  *time.Duration      `json:"released_ns,omitempty"`
	FirstByte *time.Duration      `json:"first_byte_ns,omitempty"`
	Done      *time.Duration      `json:"done_ns,omitempty"`
	Arrival   *time.Duration      `json:"arrival_ns,omitempty"`
}

// Complete reports whether the round's burst happened as asked, so that
// its checks count: no incomplete cause, and no interrupt.
func (r *Round) Complete() bool {
	return len(r.Incomplete) == 0 && !slices.Contains(r.Notes, InterruptedNote)
}

// Failed reports whether any check of a complete round failed.
func (r *Round) Failed() bool {
	if !r.Complete() {
		return false
	}
	for _, c := range r.Checks {
		if !c.Pass {
			return true
		}
	}
	return false
}

// FailedRounds counts the rounds in which a check failed: the hit rate.
func (r *Run) FailedRounds() int {
	n := 0
	for i := range r.Rounds {
		if r.Rounds[i].Failed() {
			n++
		}
	}
	return n
}

// CompleteRounds counts the rounds a verdict rests on.
func (r *Run) CompleteRounds() int {
	n := 0
	for i := range r.Rounds {
		if r.Rounds[i].Complete() {
			n++
		}
	}
	return n
}

// addChecks says where checks are added: flags for fire, the file for a
// scenario, whose flags do not take checks.
func (r *Run) addChecks() string {
	if r.File != "" {
		return "add expect: under race: in " + r.File
	}
	return "add --expect or --expect-status"
}

// Verdict is the run's outcome as a state (pass, fail, inconclusive,
// error, none) and a sentence: the one wording of every writer.
func (r *Run) Verdict() (state, text string) {
	failed, complete, total := r.FailedRounds(), r.CompleteRounds(), len(r.Rounds)
	cut := ""
	if complete < total {
		cut = fmt.Sprintf(" (%d incomplete %s not counted)", total-complete, plural(total-complete, "round"))
	}
	switch {
	case r.Error != "":
		return "error", "error: the race could not be judged: " + r.Error
	case complete == 0 && total > 0:
		return "inconclusive", fmt.Sprintf("inconclusive: no round was complete (%d cut short); nothing was judged", total)
	case !r.HasChecks():
		return "none", fmt.Sprintf("done: %d %s sent, no checks given (%s to judge them)", total, plural(total, "round"), r.addChecks())
	case failed > 0:
		early := ""
		if r.Stop != nil && total < r.planned() {
			early = "; stopped at the first round that found one"
		}
		return "fail", fmt.Sprintf("race found: a check failed in %d of %d rounds%s%s", failed, complete, cut, early)
	}
	rule := r.Stop.Rule()
	if e := scenarios.Unsure(rule, failed, complete, total); e != nil {
		return "inconclusive", "inconclusive: " + e.Error()
	}
	if rule.Level > 0 {
		return "pass", "passed: " + confidence.Possible(complete, rule.Level) + cut
	}
	return "pass", fmt.Sprintf("passed: every check held in %d of %d rounds%s", complete, complete, cut)
}

// HitRateText is the hit rate in words, "4 of 10 complete rounds (40%,
// 95% CI 17%-69%)", or "" for a run of one round.
func (r *Run) HitRateText() string {
	if r.HitRate == nil {
		return ""
	}
	return confidence.HitRate(r.HitRate.Hits, r.HitRate.Complete)
}

// planned is the number of rounds the run was to have.
func (r *Run) planned() int { return max(r.Planned, len(r.Rounds)) }

// HasChecks reports whether any round judged any check.
func (r *Run) HasChecks() bool {
	for i := range r.Rounds {
		if len(r.Rounds[i].Checks) > 0 {
			return true
		}
	}
	return false
}

// NewRound builds the model of one burst. reqs are the requests as sent,
// index for index; secrets in them and in the responses are masked unless
// showSecrets.
func NewRound(number int, b *runner.Burst, reqs []runner.Request, checks []Check, showSecrets bool) Round {
	var sc *Scrubber
	if !showSecrets {
		sc = NewScrubber(reqs)
		sc.AddResponses(b.Results)
	}
	return newRound(number, b, reqs, checks, showSecrets, sc)
}

// newRound is NewRound with the secrets to mask collected by the caller,
// over the whole run; sc is nil when secrets are shown.
func newRound(number int, b *runner.Burst, reqs []runner.Request, checks []Check, showSecrets bool, sc *Scrubber) Round {
	rd := Round{
		Round: number, Mode: string(b.Mode), Hold: string(b.Hold), Proto: b.Proto,
		Connections: b.Connections, Proxy: b.Proxy, Notes: engineNotes(b),
		ReleaseSpread: b.ReleaseSpread(), Tally: NewTally(b), Checks: checks,
	}
	rd.ServerSpread, rd.HasServer = b.ServerSpread()
	rd.Receipt = newReceipt(&b.Receipt)
	for _, c := range b.Incomplete() {
		rd.Incomplete = append(rd.Incomplete, Cause{
			Kind: string(c.Kind), Count: c.Count, Requests: c.Requests, AfterRelease: c.AfterRelease,
			Message: sc.Scrub(Redact(c.First, showSecrets)),
		})
	}
	if s, ok := b.Serialised(); ok {
		rd.Serialised = &Serialised{Conn: s.Conn, K: s.K, Steps: s.Steps, Step: s.Step, From: s.From}
	}
	rd.Start = firstRelease(b)
	for i := range rd.Checks {
		rd.Checks[i].Seen, rd.Checks[i].Error = sc.Scrub(rd.Checks[i].Seen), sc.Scrub(rd.Checks[i].Error)
	}
	rd.Requests = make([]Request, len(b.Results))
	for i := range b.Results {
		r := &b.Results[i]
		q := Request{
			Index: r.Index, Conn: r.Conn, Status: r.Status, Proto: r.Proto,
			ErrorKind: string(r.ErrKind), Body: sc.Scrub(string(r.Body)), BodyBytes: r.BodyBytes, Truncated: r.Truncated,
			Undecoded: sc.Scrub(r.Undecoded), Headers: RedactHeader(r.Header, showSecrets),
		}
		for _, vs := range q.Headers {
			for j := range vs {
				vs[j] = sc.Scrub(vs[j])
			}
		}
		if r.Err != nil {
			q.Error = sc.Scrub(Redact(r.Err.Error(), showSecrets))
		}
		if i < len(reqs) {
			q.Method, q.URL = reqs[i].Method, sc.Scrub(RedactURL(reqs[i].URL, showSecrets))
		}
		q.Armed, q.Released = offset(rd.Start, r.Armed), offset(rd.Start, r.Released)
		q.FirstByte, q.Done, q.Arrival = offset(rd.Start, r.FirstByte), offset(rd.Start, r.Done), offset(rd.Start, r.Arrival)
		rd.Requests[i] = q
	}
	return rd
}

func firstRelease(b *runner.Burst) time.Time {
	var t0 time.Time
	for i := range b.Results {
		t := b.Results[i].Released
		if !t.IsZero() && (t0.IsZero() || t.Before(t0)) {
			t0 = t
		}
	}
	if t0.IsZero() {
		return b.Start
	}
	return t0
}

func offset(t0, t time.Time) *time.Duration {
	if t.IsZero() {
		return nil
	}
	d := t.Sub(t0)
	return &d
}
