// Package integration holds end-to-end tests of racetest against real
// services outside the Go process. They are opt-in, each behind its own
// environment switch, so that go test ./... stays fast and needs nothing
// installed: RACETEST_DJANGO=1 runs the Django, PostgreSQL and Redis
// example of examples/django.
package integration
