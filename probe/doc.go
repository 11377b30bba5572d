// Package probe finds a race without a check written for it. It sends the
// same N requests one after another (the sequential phase) and then all
// at once (the parallel phase, a burst through package scenarios), each
// from the state a reset request restores, and compares what came back:
// the response classes, the state read back afterwards, identifiers that
// two responses share, and counters that lost updates. Fields that differ
// between two sequential phases (dates, request ids, tokens) are learned
// and masked first. The verdict names the signals that fired and the
// checks that would catch the race in racetest fire or a scenario.
package probe
