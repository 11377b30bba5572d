package capture

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

const jar = "# Netscape HTTP Cookie File\n" +
	"# https://curl.se/docs/http-cookies.html\n\n" +
	"127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tabc\n" +
	"#HttpOnly_.example.com\tTRUE\t/api\tFALSE\t4102444800\ttoken\tt1\r\n" +
	"example.com\tFALSE\t/\tTRUE\t4102444800\tsecure\ts1\n" +
	"example.com\tFALSE\t/\tFALSE\t1000\told\to1\n" +
	"other.org\tFALSE\t/\tFALSE\t0\tforeign\tf1\n"

func TestCookieJar(t *testing.T) {
	now := time.Unix(2000000000, 0)
	for raw, want := range map[string]string{
		"http://127.0.0.1:8080/x":       "session=abc",
		"http://www.example.com/api/v1": "token=t1",
		"https://example.com/api":       "token=t1; secure=s1",
		"https://example.com/apiv2":     "secure=s1",
		"http://example.com/":           "",
		"http://notexample.com/api/":    "",
	} {
		u, _ := url.Parse(raw)
		got, err := CookieJar([]byte(jar), u, now)
		if err != nil || got != want {
			t.Errorf("%s: %q %v, want %q", raw, got, err, want)
		}
	}
	u, _ := url.Parse("http://h/")
	if _, err := CookieJar([]byte("h\tFALSE\t/\n"), u, now); err == nil || !strings.Contains(err.Error(), "1: not a cookie line") {
		t.Errorf("short line: %v", err)
	}
	if _, err := CookieJar([]byte("h\tFALSE\t/\tFALSE\tsoon\tn\tv\n"), u, now); err == nil || !strings.Contains(err.Error(), `the expiry "soon"`) {
		t.Errorf("bad expiry: %v", err)
	}
}

func FuzzCookieJar(f *testing.F) {
	f.Add([]byte(jar), "https://example.com/api")
	f.Fuzz(func(t *testing.T, data []byte, raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		got, err := CookieJar(data, u, time.Unix(2000000000, 0))
		if err == nil && strings.ContainsAny(got, "\t\n") {
			t.Fatalf("cookie header %q", got)
		}
	})
}

// TestCookieJarOddLines: a byte order mark, a bare #HttpOnly_ line, an
// empty cookie; a control character is refused at its line without
// showing the value.
func TestCookieJarOddLines(t *testing.T) {
	u, _ := url.Parse("http://h/")
	now := time.Unix(2000000000, 0)
	got, err := CookieJar([]byte("\xef\xbb\xbf# Netscape HTTP Cookie File\n#HttpOnly_\nh\tFALSE\t/\tFALSE\t0\ts\tv\n"), u, now)
	if err != nil || got != "s=v" {
		t.Errorf("%q %v", got, err)
	}
	_, err = CookieJar([]byte("h\tFALSE\t/\tFALSE\t0\ts\tv\n\nh\tFALSE\t/\tFALSE\t0\tsess\tse\x00cret\n"), u, now)
	if err == nil || !strings.Contains(err.Error(), `3:1: the cookie "sess" has a control character`) || strings.Contains(err.Error(), "se") && strings.Contains(err.Error(), "cret") {
		t.Errorf("%v", err)
	}
}
