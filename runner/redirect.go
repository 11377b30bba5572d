package runner

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"
)

// Redirect is one redirect a request followed: the status that asked for
// it and the absolute URL it led to.
type Redirect struct {
	Status   int
	Location string
}

// RedirectError is a request still being redirected after
// Options.MaxRedirects hops: most likely a loop.
type RedirectError struct {
	Max  int
	Last string // the Location that was not followed
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("stopped after %d redirects (the next one to %s)", e.Max, e.Last)
}

// isRedirect reports whether r asks to be followed: the statuses net/http's
// client follows, with a Location to go to. 304 Not Modified and 300
// Multiple Choices are answers, not redirects.
func isRedirect(r *Result) bool {
	switch r.Status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return r.Err == nil && r.Header.Get("Location") != ""
	}
	return false
}

// redirectConcurrency bounds how many redirect chains are followed at
// once: enough that a burst's chains to a slow hop take about one hop's
// time rather than N of them, few enough that a large burst does not open
// a connection per request all at once a second time.
const redirectConcurrency = 64

// followRedirects follows the redirects of the burst's results once every
// response has been collected: the race is the first request of each, and
// a second hop sent while other first requests are still in flight would
// only blur it. The chains are followed concurrently (each chain's hops in
// order), so that N redirects to a slow hop cost about one timeout, not N.
// A cancelled ctx stops the following; the results not yet followed keep
// their 3xx.
func followRedirects(ctx context.Context, p *Plan, b *Burst) {
	if !p.FollowRedirects {
		return
	}
	firsts := map[int]int{}
	var g errgroup.Group
	g.SetLimit(redirectConcurrency)
	for i := range b.Results {
		r := &b.Results[i]
		if !isRedirect(r) {
			continue
		}
		firsts[r.Status]++
		// Each goroutine writes only its own Result.
		g.Go(func() error {
			if ctx.Err() == nil {
				follow(ctx, p.Requests[i], r, p.Options)
			}
			return nil
		})
	}
	_ = g.Wait() // the goroutines report in their Results, never here
	if len(firsts) > 0 {
		b.Notes = append(b.Notes, redirectNote(firsts, len(b.Results)))
	}
}

// redirectNote says how many responses were redirects, and with which
// status, since the tally and the checks only see where they led.
func redirectNote(firsts map[int]int, n int) string {
	total := 0
	var parts []string
	for _, s := range slices.Sorted(maps.Keys(firsts)) {
		total += firsts[s]
		parts = append(parts, fmt.Sprintf("%d x%d", s, firsts[s]))
	}
	return fmt.Sprintf("%d of %d responses were redirects (%s), followed after the burst: statuses and checks are those of the final responses",
		total, n, strings.Join(parts, ", "))
}

// follow follows r's redirects with one request each, at most
// o.MaxRedirects of them, and leaves the last response in r. The timings
// and Arrival of r stay those of the raced request.
func follow(ctx context.Context, req Request, r *Result, o Options) {
	for hop := 0; isRedirect(r); hop++ {
		loc := r.Header.Get("Location")
		if hop == o.MaxRedirects {
			r.fail(&RedirectError{Max: o.MaxRedirects, Last: loc})
			return
		}
		next, err := redirected(req, r.Status, loc)
		if err != nil {
			r.fail(err)
			return
		}
		r.Redirects = append(r.Redirects, Redirect{Status: r.Status, Location: next.URL})
		res := doOnce(ctx, next, o)
		r.Status, r.Proto, r.Header = res.Status, res.Proto, res.Header
		r.Body, r.BodyBytes, r.Truncated = res.Body, res.BodyBytes, res.Truncated
		r.Err, r.ErrKind = res.Err, res.ErrKind
		req = next
	}
}

// redirected is the request a redirect asks for, made as net/http's client
// and curl -L make it: 301, 302 and 303 turn into a GET without a body
// (HEAD stays HEAD), 307 and 308 repeat method and body; credentials and
// an explicit Host go along only to the same scheme, host and port, and
// once dropped stay dropped for the hops after.
func redirected(req Request, status int, loc string) (Request, error) {
	base, err := url.Parse(req.URL)
	if err != nil {
		return Request{}, err
	}
	u, err := base.Parse(loc)
	if err != nil {
		return Request{}, &ProtocolError{Msg: fmt.Sprintf("redirect to %q: %v", loc, err)}
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Request{}, &ProtocolError{Msg: fmt.Sprintf("redirect to %q: not an http or https URL", loc)}
	}
	u.Fragment, u.RawFragment = "", ""
	next := Request{Method: req.Method, URL: u.String(), Header: req.Header.Clone(), Body: req.Body}
	if status != http.StatusTemporaryRedirect && status != http.StatusPermanentRedirect {
		if next.Method != http.MethodHead {
			next.Method = http.MethodGet
		}
		next.Body = nil
		next.Header.Del("Content-Type")
		next.Header.Del("Content-Length")
	}
	if !sameOrigin(base, u) {
		for _, h := range []string{"Authorization", "Proxy-Authorization", "Cookie", "Cookie2", "Www-Authenticate", "Host"} {
			next.Header.Del(h)
		}
	}
	return next, nil
}

// sameOrigin reports whether a and b have the same scheme, host and port
// (the scheme's default when none is given), which is when curl keeps
// sending credentials on a redirect (CVE-2022-27776): an https URL
// redirected to http on the same host would otherwise send them in clear
// text, and one redirected to another port to another server.
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) &&
		originPort(a) == originPort(b)
}

func originPort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "443"
	}
	return "80"
}
