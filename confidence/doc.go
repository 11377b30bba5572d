// Package confidence is the arithmetic of a race test's rounds: the 95%
// Wilson interval of a hit rate, and the rule that stops a run at the
// first race (--until-found) or once enough rounds without one make a
// race of a given rate unlikely (--confidence). scenarios' round loop and
// probe's both use it, and the reports word it; it imports nothing of
// racetest's, so every package may.
package confidence
