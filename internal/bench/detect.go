package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"time"
)

// detectionTable counts, per tool, the bursts in which the demo's
// vulnerable mission endpoint paid the reward more than once, at a latency
// short enough that the tools differ.
func (b *bench) detectionTable(ctx context.Context, latency time.Duration, n int) error {
	t, err := b.startTarget(ctx, latency)
	if err != nil {
		return err
	}
	defer t.stop()
	fmt.Printf("## Detection rate (naive mission reward, demo latency %s, N = %d, %s)\n\n", latency, n, b.where)
	fmt.Println("| tool | bursts that paid more than once | rate |")
	fmt.Println("|---|---|---|")
	hits := make([]int, len(b.tools))
	runs := make([]int, len(b.tools))
	for burst := range b.bursts {
		for i, tl := range b.tools {
			user := fmt.Sprintf("bench-%d-%d", i, burst)
			headers := []string{"Authorization: Bearer " + user}
			argv := tl.cmd(b, n, t.url+"/missions/naive/complete", t.tlsURL+"/missions/naive/complete",
				headers, `{"type":"investment_complete"}`)
			if err := b.exec(ctx, argv); err != nil {
				fmt.Fprintf(os.Stderr, "bench: detect %s: %v\n", tl.name, err)
				continue
			}
			var me struct {
				Grants int `json:"grants"`
			}
			if err := t.getJSON("/missions/naive/me", http.Header{"Authorization": {"Bearer " + user}}, &me); err != nil {
				return err
			}
			runs[i]++
			if me.Grants > 1 {
				hits[i]++
			}
		}
	}
	for i, tl := range b.tools {
		rate := 0.0
		if runs[i] > 0 {
			rate = 100 * float64(hits[i]) / float64(runs[i])
		}
		fmt.Printf("| %s | %d of %d | %.0f%% |\n", tl.name, hits[i], runs[i], rate)
	}
	fmt.Printf("\nload average after the table: %s\n\n", loadAvg())
	return nil
}

func numCPU() int { return runtime.NumCPU() }
