package scenarios_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/racetest/racetest/expressions"
	"github.com/racetest/racetest/runner"
	"github.com/racetest/racetest/scenarios"
)

// A scenario built in code, without YAML: 20 identical POSTs to an
// endpoint that should succeed once, judged over three rounds.
func Example() {
	// A server with the bug: it pays every request.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer srv.Close()

	once, err := expressions.CompileBurstCheck("count(status == 200) == 1")
	if err != nil {
		panic(err)
	}
	race := scenarios.NewRace(20, runner.Request{Method: "POST", URL: srv.URL + "/reward"}, once)
	race.Rounds = 3
	s := &scenarios.Scenario{Name: "reward paid once", Race: race}

	res, err := s.Run(context.Background(), scenarios.RunOptions{})
	if err != nil {
		panic(err) // the race could not be judged: unreachable, interrupted
	}
	fmt.Printf("%s: check failed in %d of %d rounds\n", s.Name, res.FailedRounds(), len(res.Rounds))
	// Output: reward paid once: check failed in 3 of 3 rounds
}
