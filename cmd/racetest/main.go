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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cmd.Execute(ctx, cmd.NewSystemApp(), os.Args[1:])
	stop()
	os.Exit(code)
}
