package cmd

import (
	"net/url"
	"strings"

	"github.com/racetest/racetest/report"
	"github.com/racetest/racetest/runner"
)

// proxies is what -x, --noproxy and the *_PROXY variables say, read as
// curl reads them: -x wins over the variables and applies to every target,
// loopback included; of the variables, http_proxy (lower case only, as in
// curl, since a CGI server sets HTTP_PROXY from a request header) serves
// http:// targets, HTTPS_PROXY https:// ones, and ALL_PROXY both where the
// other is unset. Unlike curl, and like Go's net/http, the variables leave
// loopback targets alone: a local server is not behind the office proxy
// (pass -x to race one through a proxy). --noproxy replaces NO_PROXY.
func (o *NetOptions) proxies(getenv func(string) string) (runner.Proxies, error) {
	var p runner.Proxies
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	noproxy := o.NoProxy
	if noproxy == "" {
		noproxy, _ = namedEnv(getenv, "NO_PROXY", "no_proxy")
	}
	p.NoProxy = strings.FieldsFunc(noproxy, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	if o.Proxy != "" {
		px, err := runner.ParseProxy(o.Proxy)
		if err != nil {
			return p, usageErrorf("-x/--proxy %s: %w", report.RedactURL(o.Proxy, false), err)
		}
		p.HTTP, p.HTTPS, p.Loopback = px, px, true
		return p, nil
	}
	var err error
	if p.HTTP, err = envProxy(getenv, "http_proxy", "ALL_PROXY", "all_proxy"); err != nil {
		return p, err
	}
	p.HTTPS, err = envProxy(getenv, "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")
	return p, err
}

// namedEnv is the value of the first of names that is set, and its name.
func namedEnv(getenv func(string) string, names ...string) (string, string) {
	for _, n := range names {
		if v := getenv(n); v != "" {
			return v, n
		}
	}
	return "", ""
}

// envProxy is the proxy of the first of names that is set, nil for none.
func envProxy(getenv func(string) string, names ...string) (*url.URL, error) {
	v, name := namedEnv(getenv, names...)
	if v == "" {
		return nil, nil
	}
	px, err := runner.ParseProxy(v)
	if err != nil {
		return nil, usageErrorf("environment variable %s=%s: %w; fix it, or unset it for this command", name, report.RedactURL(v, false), err)
	}
	return px, nil
}
