package runner

import (
	"bufio"
	"context"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkEndlessHeaderLine measures the memory a burst of 20 costs
// against a loopback server whose response head is one header line that
// never ends, in each HTTP/1.1 engine. It reports the peak of the Go heap
// in use (sampled every millisecond) and the process's peak resident set
// (VmHWM, Linux): before the head bound, one such request grew the process
// by 1.4 GB. Run it alone, so that VmHWM is this benchmark's:
//
//	go test ./runner/ -run '^$' -bench EndlessHeaderLine -benchtime 5x
func BenchmarkEndlessHeaderLine(b *testing.B) {
	for _, m := range []Mode{ModeLastByte, ModeBarrier} {
		b.Run(string(m), func(b *testing.B) {
			url := rawServer(b, endlessHeaderLine)
			peak := sampleHeap()
			for b.Loop() {
				o := Options{Client: Client{Timeout: 10 * time.Second}, Sync: Sync{Mode: m}}
				bu, err := Run(context.Background(), Plan{Requests: burstOf(20, "POST", url, []byte("x")), Options: o})
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range bu.Results {
					if r.ErrKind != KindProtocol || !strings.Contains(r.Err.Error(), "limit of 1048576 bytes") {
						b.Fatalf("request %d: kind %q err %v", r.Index, r.ErrKind, r.Err)
					}
				}
			}
			b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
			if hwm := vmHWM(); hwm > 0 {
				b.ReportMetric(float64(hwm)/(1<<20), "VmHWM-MB")
			}
		})
	}
}

// sampleHeap samples the bytes of live and unswept heap objects every
// millisecond until the returned function is called, which gives the peak.
func sampleHeap() func() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var (
		mu   sync.Mutex
		peak uint64
	)
	stop := make(chan struct{})
	done := make(chan struct{})
	runtime.GC()
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			mu.Lock()
			peak = max(peak, s[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// vmHWM is the peak resident set of this process in bytes, or 0 where
// /proc does not say.
func vmHWM() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
