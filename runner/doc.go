// Package runner sends bursts of HTTP requests that are released together,
// so that they reach a server inside the shortest possible window, and
// records what came back with per-request timings.
//
// Every engine works in four phases: prepare (dial, TLS, warm-up, encode),
// arm (send all but a final fragment), release (send every final fragment at
// one instant) and collect (read every response). Only the release is timed
// against the others, and it is kept free of allocation, logging and locks.
//
// runner imports nothing else of racetest: it knows requests and results,
// not YAML, expressions or reports.
package runner
