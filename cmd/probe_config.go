package cmd

import (
	"context"
	"net/http"

	"github.com/racetest/racetest/probe"
	"github.com/racetest/racetest/runner"
)

// config turns the flags into the probe's Config. Every flag is checked
// here, before anything is sent.
func (o *ProbeOptions) config(ctx context.Context) (probe.Config, error) {
	var cfg probe.Config
	imported, err := o.completeImport(ctx)
	if err != nil {
		return cfg, err
	}
	if !imported {
		if isFile(o.URL) {
			return o.scenarioConfig(ctx)
		}
		if err := o.urlFlags(); err != nil {
			return cfg, err
		}
	}
	if err := o.validate(); err != nil {
		return cfg, err
	}
	req, err := o.request(ctx)
	if err != nil {
		return cfg, err
	}
	if err := o.checkHTTP2Scheme(req.URL); err != nil {
		return cfg, err
	}
	if err := checkBurstBodies(o.N, req.Body); err != nil {
		return cfg, err
	}
	h, err := o.stateHeaders(req)
	if err != nil {
		return cfg, err
	}
	cfg = probe.Config{Request: req, HeaderOrder: headerNames(o.Headers), N: o.N, Rounds: o.limit, Stop: o.stop, Sync: o.sync(), AllowLarge: o.AllowLarge}
	if cfg.Values, err = readValues(ctx, o.Values); err != nil {
		return cfg, err
	}
	if err := unusedValues(cfg.Values, req); err != nil {
		return cfg, err
	}
	if o.Emit != "" {
		// Refused before anything is sent, not when the file is written.
		if err := probe.CheckValuesNames(cfg.Values); err != nil {
			return cfg, usageErrorf("--values with --emit: %w", err)
		}
	}
	for _, v := range o.Reset {
		m, u, err := parseReset(v)
		if err != nil {
			return cfg, err
		}
		if u, err = onTarget("--reset", u, o.URL); err != nil {
			return cfg, err
		}
		cfg.Reset = append(cfg.Reset, runner.Request{Method: m, URL: u, Header: h.Clone()})
	}
	for _, v := range o.AfterURLs {
		u, err := onTarget("--after", v, o.URL)
		if err != nil {
			return cfg, err
		}
		cfg.After = append(cfg.After, runner.Request{Method: http.MethodGet, URL: u, Header: h.Clone()})
	}
	if cfg.Client, err = o.client(ctx, o.App.Getenv); err != nil {
		return cfg, err
	}
	cfg.Client.Decompress = o.Compressed
	return cfg, nil
}

// completeImport reads --curl, --raw or --har into the request flags as
// fire does, and tells whether one was given. probe's --target is also a
// scenario file's: with --raw it is the raw request's, and with --curl or
// --har, which give the whole URL, it is refused.
func (o *ProbeOptions) completeImport(ctx context.Context) (bool, error) {
	src, err := o.Import.source()
	if err != nil || src == "" {
		return false, err
	}
	switch {
	case o.given("target") && src != "--raw":
		return false, usageErrorf("--target and %s: %s gives the whole URL; --target goes with --raw FILE or a scenario FILE", src, src)
	case o.given("var"):
		return false, usageErrorf("--var and %s: --var sets a var of a scenario FILE; %s gives the request as it is", src, src)
	}
	o.Import.Target = o.scenario.Target
	return true, o.complete(ctx)
}

// validate checks the numbers and choices among the flags.
func (o *ProbeOptions) validate() error {
	if err := checkOutputFormat(o.Output); err != nil {
		return err
	}
	if err := o.validateBurst(); err != nil {
		return err
	}
	if len(o.AfterHeaders) > 0 && len(o.Reset)+len(o.AfterURLs) == 0 {
		// As fire refuses it: the headers would go with no request.
		return usageErrorf("--after-header needs --reset or --after, the requests it goes with")
	}
	if o.Emit != "" {
		if err := checkOutputPath("--emit", o.Emit); err != nil {
			return err
		}
	}
	return nil
}
