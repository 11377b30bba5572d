package scenarios

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/racetest/racetest/expressions"
	"github.com/racetest/racetest/runner"
)

// Defaults and limits of the race fields, the same as fire's flags; the
// limits on n are in limits.go.
const (
	defaultN = 20
)

// compileRequest compiles the request at path.
func compileRequest(p *problems, sc *scope, path string, r *rawRequest) *RequestTemplate {
	rt := &RequestTemplate{Path: path, Method: strings.ToUpper(r.Method), URL: &expressions.Template{}}
	if r.URL == "" {
		p.at(path, "missing required field url; the path after target, such as /reset, or a full URL")
	} else if t := compileString(p, sc, path+".url", r.URL); t != nil {
		rt.URL = t
		if t.Static() && strings.Contains(r.URL, "://") {
			if err := checkURL(r.URL, false); err != nil {
				p.at(path+".url", "%v", err)
			}
		}
	}
	for _, name := range sortedKeys(r.Headers) {
		hpath := path + ".headers." + name
		if !compileHeader(p, hpath, name, r.Headers[name]) {
			continue
		}
		if t := compileString(p, sc, hpath, r.Headers[name]); t != nil {
			rt.Headers = append(rt.Headers, Header{Name: name, Value: t, at: headerAt(p, hpath)})
		}
	}
	if r.Body != nil && r.JSON != nil {
		p.at(path+".json", "give body: or json:, not both")
	}
	if r.Body != nil {
		rt.Body = compileString(p, sc, path+".body", *r.Body)
	}
	if r.JSON != nil {
		rt.json = compileValue(p, sc, path+".json", r.JSON)
	}
	if rt.Method == "" {
		rt.Method = "GET"
		if r.Body != nil || r.JSON != nil {
			rt.Method = "POST"
		}
	}
	if strings.ContainsAny(rt.Method, " \t\r\n/") {
		p.at(path+".method", "method %q is not an HTTP method such as GET or POST", r.Method)
	}
	rt.Timeout = parseDuration(p, path+".timeout", r.Timeout)
	return rt
}

// compileRace compiles race:, with one request or a list of them.
func compileRace(p *problems, sc *scope, r *rawRace) *Race {
	race := &Race{Rounds: r.Rounds, H2C: r.H2C}
	race.Mode, race.Hold, race.Warmup, race.WarmupURL = runner.Mode(r.Mode), runner.Hold(r.Hold), r.Warmup, r.WarmupURL
	_, hasN := p.src.values["race.n"]
	switch {
	case r.Request != nil && len(r.Requests) > 0:
		p.at("race.requests", "give request: or requests:, not both")
	case r.Request != nil:
		race.N = r.N
		if !hasN {
			race.N = defaultN
		}
		race.Groups = []Group{{Count: race.N, Request: compileRequest(p, sc, "race.request", r.Request)}}
	case len(r.Requests) > 0:
		race.Groups, race.N = compileGroups(p, sc, r.Requests)
		if hasN && r.N != race.N {
			p.at("race.n", "n is %d but the counts of requests: add up to %d; drop n or make them agree", r.N, race.N)
		}
	default:
		p.at("race", "missing required field request (or requests, each with a count, for a mixed race)")
	}
	switch {
	case race.N < 1 && len(r.Requests) == 0 && r.Request != nil:
		p.at("race.n", "n must be at least 1")
	case race.N > MaxN:
		p.at(nPath(p, r), "n is %d: %v", race.N, CheckN(race.N, true))
	case race.N > DefaultMaxN:
		// Allowed only with --allow-large, which the run knows and the
		// file does not: kept, with its place, for Start.
		q := &problems{src: p.src}
		q.at(nPath(p, r), "n is %d: %v", race.N, CheckN(race.N, false))
		race.large = q.errs[0]
	}
	if _, ok := p.src.values["race.rounds"]; !ok {
		race.Rounds = 1
	} else if err := CheckRounds(race.Rounds); err != nil {
		p.at("race.rounds", "rounds %v", err)
	}
	compileRaceOptions(p, race, r)
	checkStaticBodies(p, race)
	for i, src := range r.Expect {
		if c := compileCheckAt(p, sc, fmt.Sprintf("race.expect[%d]", i), src, expressions.CompileBurstCheck); c != nil {
			race.Expect = append(race.Expect, c)
		}
	}
	return race
}

// nPath is where the size of the burst is written: race.n, or the
// requests whose counts add up to it.
func nPath(p *problems, r *rawRace) string {
	if _, ok := p.src.values["race.n"]; ok || len(r.Requests) == 0 {
		return "race.n"
	}
	return "race.requests"
}

func compileGroups(p *problems, sc *scope, groups []rawGroup) ([]Group, int) {
	var out []Group
	total := 0
	for i := range groups {
		g := &groups[i]
		path := fmt.Sprintf("race.requests[%d]", i)
		if _, ok := p.src.values[path+".count"]; !ok {
			p.at(path, "missing required field count; how many of this request go into the burst")
		} else if g.Count < 1 {
			p.at(path+".count", "count must be at least 1")
		}
		total += g.Count
		out = append(out, Group{Count: g.Count, Request: compileRequest(p, sc, path, &g.Req)})
	}
	return out, total
}

// compileRaceOptions checks mode, hold, timeout and warmup.
func compileRaceOptions(p *problems, race *Race, r *rawRace) {
	var err error
	if race.Mode, err = runner.ParseMode(cmp.Or(r.Mode, string(runner.ModeAuto))); err != nil {
		p.at("race.mode", "mode %q: %v", r.Mode, err)
	}
	if race.Hold, err = runner.ParseHold(cmp.Or(r.Hold, string(runner.HoldAuto))); err != nil {
		p.at("race.hold", "hold %q: %v", r.Hold, err)
	}
	if race.Warmup < 0 {
		p.at("race.warmup", "warmup cannot be negative")
	}
	if k := r.Connections; k != nil {
		// As --connections: only single-packet shares connections, and
		// 0 ("as few as the server allows") is what leaving it out says.
		switch {
		case *k < 1:
			p.at("race.connections", "connections %d: give at least 1 HTTP/2 connection, or leave connections out for as few as the server allows", *k)
		case race.Mode != runner.ModeSinglePacket && race.Mode != runner.ModeAuto:
			p.at("race.connections", "connections %d: only single-packet shares connections; mode %s already opens one connection per request (drop connections, or use mode: single-packet)", *k, race.Mode)
		default:
			race.Connections = *k
		}
	}
	race.Timeout = parseDuration(p, "race.timeout", r.Timeout)
}

// parseDuration reads a timeout such as 500ms or 10s; "" is 0, the default.
func parseDuration(p *problems, path, s string) time.Duration {
	if s == "" {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		p.at(path, "%q is not a positive duration; write it like 500ms or 10s", s)
		return 0
	}
	return d
}

// checkURL says what is wrong with a URL written in the file. A target
// may have a path, which request URLs are appended to.
func checkURL(raw string, isTarget bool) error {
	u, err := CheckURL(raw)
	if err != nil {
		return err
	}
	if isTarget && (u.RawQuery != "" || u.Fragment != "") {
		return fmt.Errorf("%q: a target has no query or fragment; put those in the url of the request", raw)
	}
	return nil
}
