package cmd

import (
	"net/url"
	"strings"

	"github.com/spf13/pflag"
)

// RequestFlags are the flags that describe the one request fire and probe
// send N times, named and read as curl names and reads them, so that a
// copied curl command works after replacing curl with racetest fire.
type RequestFlags struct {
	Method  string
	Headers []string
	// Body holds -d, --data-raw, --data-binary and --data-urlencode in
	// command-line order: curl joins them with & whatever their kind.
	Body []bodyPart
	// Form holds -F/--form and --form-string in command-line order: the
	// parts of a multipart/form-data body.
	Form       []bodyPart
	JSON       string
	Get        bool // -G: the data goes into the query
	Head       bool // -I: HEAD
	User       string
	UserAgent  string
	Referer    string
	Cookies    []string
	Compressed bool
}

// addRequestFlags binds the request flags; fire and probe share them, and
// so does --curl, which parses a copied command with them.
func (o *RequestFlags) addRequestFlags(f *pflag.FlagSet) {
	f.StringVarP(&o.Method, "request", "X", "", "request method (default GET, or POST with a body), as curl -X")
	f.StringVar(&o.Method, "method", "", "the same as --request")
	f.StringArrayVarP(&o.Headers, "header", "H", nil, "request header 'Name: value' (repeatable); 'Name;' sends it empty, 'Name:' leaves out one racetest would add")
	f.VarP(&bodyFlag{"--data", &o.Body}, "data", "d", "request body: text, @file (newlines removed, as curl) or @- for standard input; repeated ones are joined with &")
	f.Var(&bodyFlag{"--data-raw", &o.Body}, "data-raw", "request body taken as it is, without @file")
	f.Var(&bodyFlag{"--data-binary", &o.Body}, "data-binary", "request body; @file is sent byte for byte")
	f.Var(&bodyFlag{"--data-urlencode", &o.Body}, "data-urlencode", "body part percent-encoded as curl does: content, =content, name=content, @file or name@file")
	f.VarP(&bodyFlag{"--form", &o.Form}, "form", "F", "multipart/form-data part, as curl -F (repeatable): name=value, name=@file uploads the file (its name, and a type guessed from it as curl does), name=<file reads the field from a file; add ;type=TYPE, ;filename=NAME or ;headers=\"Name: value\"; quote a value with ; in it")
	f.Var(&bodyFlag{"--form-string", &o.Form}, "form-string", "multipart/form-data part name=value, the value taken as it is (no @, < or ;type=), as curl --form-string")
	f.StringVar(&o.JSON, "json", "", "JSON request body (sets Content-Type and Accept, as curl); @file and @- work too")
	f.BoolVarP(&o.Get, "get", "G", false, "put the -d data in the URL's query and send GET, as curl -G")
	f.BoolVarP(&o.Head, "head", "I", false, "send HEAD")
	f.StringVarP(&o.User, "user", "u", "", "'USER:PASSWORD' for Basic authentication (masked in every output); user:password@ in the URL works too")
	f.StringVarP(&o.UserAgent, "user-agent", "A", "", "User-Agent header")
	f.StringVarP(&o.Referer, "referer", "e", "", "Referer header")
	f.StringArrayVarP(&o.Cookies, "cookie", "b", nil, "cookies: 'name=value; name2=value2', or a Netscape cookie FILE as curl -c writes (repeatable)")
	f.BoolVar(&o.Compressed, "compressed", false, "ask for gzip, deflate or br and decode the responses for the checks")
}

// addCurlNoOps binds curl options that change only what curl prints,
// which racetest accepts and ignores so that copied commands work.
func addCurlNoOps(f *pflag.FlagSet) {
	var ignored bool
	f.BoolVarP(&ignored, "silent", "s", false, "accepted for curl compatibility; no effect")
	f.BoolVarP(&ignored, "show-error", "S", false, "accepted for curl compatibility; no effect")
	f.BoolVar(&ignored, "globoff", false, "accepted for curl compatibility; racetest never expands {} or [] in URLs")
}

// addCurlFlags binds every option racetest shares with curl: the request
// flags and the send flags that curl also has (-k, --cacert, -L,
// --max-redirs, -m, --connect-timeout, --http1.1, --http2,
// --http2-prior-knowledge, and any added to NetOptions). fire and probe
// bind them with their own flags; --curl parses a copied command with
// exactly these, so a copied option means what it means typed, and any
// other is refused by name.
func (o *FireOptions) addCurlFlags(f *pflag.FlagSet) {
	o.addRequestFlags(f)
	o.SendOptions.addCurlFlags(f)
	addCurlNoOps(f)
}

// bodyPart is one body option as given: flag names it, value is as typed.
type bodyPart struct{ flag, value string }

// bodyFlag is one of curl's body options; every one appends to the same
// list, so that their order is kept across kinds.
type bodyFlag struct {
	flag  string
	parts *[]bodyPart
}

func (b *bodyFlag) Set(v string) error {
	*b.parts = append(*b.parts, bodyPart{b.flag, v})
	return nil
}

func (b *bodyFlag) Type() string { return "string" }

func (b *bodyFlag) String() string { return strings.Join(b.GetSlice(), "&") }

// GetSlice, Append and Replace make it a pflag.SliceValue, which is how
// --curl adds a copied command's values to the command line's.
func (b *bodyFlag) GetSlice() []string {
	var out []string
	for _, p := range *b.parts {
		if p.flag == b.flag {
			out = append(out, p.value)
		}
	}
	return out
}

func (b *bodyFlag) Append(v string) error { return b.Set(v) }

func (b *bodyFlag) Replace(vs []string) error {
	kept := (*b.parts)[:0:0]
	for _, p := range *b.parts {
		if p.flag != b.flag {
			kept = append(kept, p)
		}
	}
	*b.parts = kept
	for _, v := range vs {
		_ = b.Set(v)
	}
	return nil
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
