// Command racetest finds race conditions in HTTP APIs.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/racetest/racetest/cmd"
)

func main() {
	// A closed pipe on stdout (racetest ... | head) is then an EPIPE error
	// that the report writer handles, rather than a signal that kills the
	// process before --junit and --html are written.
	signal.Ignore(syscall.SIGPIPE)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cmd.Execute(ctx, cmd.NewSystemApp(), os.Args[1:])
	stop()
	os.Exit(code)
}
