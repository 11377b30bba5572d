package cmd

import (
	"net/url"
	"strings"

	"github.com/spf13/pflag"
)

// addRequestFlags binds the flags that describe the one request fire
// sends N times (-X, -H, -d, --json); fire and probe share them, and
// FireOptions.request turns them into a runner.Request for both.
func (o *FireOptions) addRequestFlags(f *pflag.FlagSet) {
	f.StringVarP(&o.Method, "method", "X", "", "request method (default GET, or POST with a body)")
	f.StringArrayVarP(&o.Headers, "header", "H", nil, "request header 'Name: value' (repeatable)")
	f.StringVarP(&o.Data, "data", "d", "", "request body: text, @file, or @- for standard input")
	f.StringVar(&o.JSON, "json", "", "JSON request body (sets Content-Type); @file and @- work too")
}

// onTarget is a URL flag's value where a path such as /products/1 is
// taken on base's scheme and host; either way it is checked like any URL
// racetest sends to. base has been checked before.
func onTarget(flag, value, base string) (string, error) {
	u := value
	if strings.HasPrefix(u, "/") {
		b, err := url.Parse(base)
		if err != nil {
			return "", usageErrorf("%s %s: %v", flag, value, err)
		}
		u = b.Scheme + "://" + b.Host + u
	}
	if _, err := parseTargetURL(flag, u); err != nil {
		return "", err
	}
	return u, nil
}
