// Package integration holds end-to-end tests of racetest against real
// services outside the Go process and of the files that plug racetest into
// other tools. The slow ones are opt-in, each behind its own environment
// switch, so that go test ./... stays fast and needs nothing installed:
// RACETEST_DJANGO=1 runs the Django, PostgreSQL and Redis example of
// examples/django. The GitHub Action (action.yml) is checked always: its
// metadata, and its scripts run against the demo target.
package integration
