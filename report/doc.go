// Package report turns finished bursts into a report model (a tally, the
// spreads, every check with what was seen) and writes it as text, JSON,
// JUnit or HTML. Writers are pure functions from the model to an io.Writer:
// report never touches the network.
package report
