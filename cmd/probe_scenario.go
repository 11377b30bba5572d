package cmd

import (
	"context"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/racetest/racetest/probe"
)

// scenarioFlags are the options of a probe whose input is a scenario file.
type scenarioFlags struct {
	Target string
	Vars   []string
	// set tells which flags were given, to refuse those that a file
	// replaces.
	set *pflag.FlagSet
}

func (o *ProbeOptions) addScenarioFlags(f *pflag.FlagSet) {
	o.scenario.set = f
	f.StringVar(&o.scenario.Target, "target", "", "with a scenario FILE: base URL of its relative URLs (default $RACETEST_TARGET, then target: in the file); "+rawTargetHelp)
	f.StringArrayVar(&o.scenario.Vars, "var", nil, "with a scenario FILE: override a var, NAME=VALUE (repeatable)")
}

// fileFlags are the flags that say what a scenario file says (the
// request, its number, the reset and the reads), each with where the
// file says it. The request's are every flag addRequestFlags binds, so
// that one added there (as -F was) is refused here too, not ignored.
func fileFlags() [][2]string {
	var out [][2]string
	rf := pflag.NewFlagSet("request", pflag.ContinueOnError)
	(&RequestFlags{}).addRequestFlags(rf)
	rf.VisitAll(func(f *pflag.Flag) { out = append(out, [2]string{f.Name, "race.request"}) })
	return append(out, [][2]string{{"n", "race.n"}, {"reset", "setup:"}, {"after", "after:"}, {"after-header", "after:"}}...)
}

// isFile tells whether the argument names a scenario file rather than a
// URL: it has no scheme, and is a .yaml or .yml name or an existing file.
func isFile(arg string) bool {
	if strings.Contains(arg, "://") {
		return false
	}
	if strings.HasSuffix(arg, ".yaml") || strings.HasSuffix(arg, ".yml") {
		return true
	}
	st, err := os.Stat(arg)
	return err == nil && !st.IsDir()
}

// scenarioConfig is the probe's Config for a scenario file: the flags
// that the file replaces are refused, the file is loaded and compiled
// (every problem shown, exit 2), --target and --var are taken as racetest
// run takes them.
func (o *ProbeOptions) scenarioConfig(ctx context.Context) (probe.Config, error) {
	var cfg probe.Config
	for _, ff := range fileFlags() {
		if o.given(ff[0]) {
			return cfg, usageErrorf("%s cannot be used with the scenario file %s: its %s says that; edit the file, or give a URL instead of the file",
				flagName(o.scenario.set, ff[0]), o.URL, ff[1])
		}
	}
	if err := o.validate(); err != nil {
		return cfg, err
	}
	target, err := scenarioTarget(o.App, o.scenario.Target)
	if err != nil {
		return cfg, err
	}
	vars, err := parseVars(o.scenario.Vars)
	if err != nil {
		return cfg, err
	}
	scs, err := loadScenarios(ctx, o.App.Stderr, []string{o.URL}, nil)
	if err != nil {
		return cfg, err
	}
	s := scs[0]
	for name := range vars {
		if !s.Declares(name) {
			return cfg, usageErrorf("--var %s: %s declares no var %q; declare it under vars: or check the spelling", name, o.URL, name)
		}
	}
	values, err := readValues(ctx, o.Values)
	if err != nil {
		return cfg, err
	}
	for name := range values {
		if !s.DeclaresValues(name) {
			return cfg, usageErrorf("--values %s=...: %s declares no values %q; declare them under values: (the file's list is replaced) or check the spelling", name, o.URL, name)
		}
	}
	cfg = probe.Config{
		Scenario: s, Target: target, Vars: vars, Getenv: o.App.Getenv, Values: values,
		Rounds: o.limit, Stop: o.stop, Sync: o.sync(), AllowLarge: o.AllowLarge,
	}
	if cfg.Client, err = o.client(ctx, o.App.Getenv); err != nil {
		return cfg, err
	}
	// probe's defaults are fire's; with a file, the file's race: settings
	// hold where the flag was not given, as with racetest run.
	if !o.given("mode") {
		cfg.Sync.Mode = ""
	}
	if !o.given("hold") {
		cfg.Sync.Hold = ""
	}
	if !o.given("timeout") {
		cfg.Client.Timeout = 0
	}
	return cfg, nil
}

// given tells whether the flag was on the command line.
func (o *ProbeOptions) given(name string) bool {
	return o.scenario.set != nil && o.scenario.set.Changed(name)
}

// urlFlags refuses, with a URL, the flags that only a scenario file
// takes (completeImport checks them with --curl, --raw and --har).
func (o *ProbeOptions) urlFlags() error {
	for _, flag := range []string{"target", "var"} {
		if o.given(flag) {
			return usageErrorf("--%s is for a scenario file; with a URL, give the full URL of the request", flag)
		}
	}
	return nil
}

// flagName is how a flag is written in messages: -X/--request.
func flagName(f *pflag.FlagSet, name string) string {
	if fl := f.Lookup(name); fl != nil && fl.Shorthand != "" {
		return "-" + fl.Shorthand + "/--" + name
	}
	return "--" + name
}
