package confidence

import (
	"math"
	"testing"
)

// TestWilson pins the interval against published values (Newcombe 1998,
// table I, and the usual rule-of-three neighbourhood for 0 of n).
func TestWilson(t *testing.T) {
	tests := []struct {
		hits, n   int
		low, high float64
	}{
		{0, 0, 0, 1},
		{0, 10, 0, 0.2775},
		{10, 10, 0.7225, 1},
		{5, 10, 0.2366, 0.7634},
		{81, 263, 0.2553, 0.3662},
		{15, 148, 0.0624, 0.1605},
		{0, 20, 0, 0.1611},
		{1, 1, 0.2065, 1},
	}
	for _, tt := range tests {
		got := Wilson(tt.hits, tt.n)
		if math.Abs(got.Low-tt.low) > 5e-4 || math.Abs(got.High-tt.high) > 5e-4 {
			t.Errorf("Wilson(%d, %d) = [%.4f, %.4f], want [%.4f, %.4f]", tt.hits, tt.n, got.Low, got.High, tt.low, tt.high)
		}
	}
}
