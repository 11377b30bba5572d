// Package scenarios loads YAML race scenarios, compiles their expressions
// and templates, and runs them: setup steps, the race through the runner,
// checks on the burst and on the steps after it. Load errors carry the
// file, line and column and an excerpt with a caret, so that a scenario is
// fixed before any request is sent.
package scenarios
