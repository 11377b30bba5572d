package cmd

import (
	"fmt"
	"sync"

	"github.com/schollz/progressbar/v3"

	"github.com/racetest/racetest/scenarios"
)

// warmupProgressN is the burst size from which dialling and warming the
// connections takes long enough to deserve its own progress bar.
const warmupProgressN = 200

// runProgress shows a scenario's progress on stderr: a bar over rounds for
// small bursts, and for large ones a bar per round over the connections
// being dialled and warmed. Nothing is shown where progress() says not to.
type runProgress struct {
	mu     sync.Mutex // OnPrepared is called from the runner's prepare goroutines
	n      int
	round  int
	rounds *progressbar.ProgressBar
	conns  *progressbar.ProgressBar
	// begin makes the bar over rounds; nil when there is none.
	begin func() *progressbar.ProgressBar
}

// newProgress hooks the progress of s into opts; start shows it.
func (o *OutputOptions) newProgress(app *App, s *scenarios.Scenario, opts *scenarios.RunOptions) *runProgress {
	p := &runProgress{n: s.Race.N, round: 1}
	total := s.Race.Rounds
	if opts.Rounds > 0 {
		total = opts.Rounds
	}
	if p.n < warmupProgressN {
		p.begin = func() *progressbar.ProgressBar { return o.progress(app, total, s.Name) }
	}
	opts.OnRound = func(round, rounds int) {
		p.mu.Lock()
		defer p.mu.Unlock()
		finish(p.conns)
		p.conns = nil
		p.round = round + 1
		step(p.rounds)
	}
	if p.n >= warmupProgressN {
		opts.Sync.OnPrepared = func(n int) {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.conns == nil {
				p.conns = o.progress(app, p.n, fmt.Sprintf("round %d/%d: connecting", p.round, total))
			}
			if p.conns != nil {
				_ = p.conns.Add(n)
			}
		}
	}
	return p
}

// start shows the bar over rounds as the run begins, so that its clock
// starts with the run rather than when the scenario was checked.
func (p *runProgress) start() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.begin != nil {
		p.rounds = p.begin()
	}
}

// finish clears the bars before the report is printed.
func (p *runProgress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	finish(p.conns)
	finish(p.rounds)
}
