package runner

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// redirects is a target with redirecting routes; it records every request
// it answers as "METHOD /path body auth".
type redirects struct {
	mu   sync.Mutex
	seen []string
}

func (h *redirects) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.seen = append(h.seen, strings.TrimSpace(r.Method+" "+r.URL.Path+" "+string(body)+" "+r.Header.Get("Authorization")))
	h.mu.Unlock()
	w.Header().Set(DefaultArrivalHeader, "1700000000000000000")
	switch r.URL.Path {
	case "/found":
		http.Redirect(w, r, "/final", http.StatusFound)
	case "/temporary":
		http.Redirect(w, r, "/final", http.StatusTemporaryRedirect)
	case "/loop":
		http.Redirect(w, r, "/loop", http.StatusFound)
	case "/ftp":
		w.Header().Set("Location", "ftp://127.0.0.1/")
		w.WriteHeader(http.StatusMovedPermanently)
	case "/final":
		w.Header().Del(DefaultArrivalHeader)
		_, _ = io.WriteString(w, "final")
	case "/not-modified":
		w.WriteHeader(http.StatusNotModified)
	}
}

func (h *redirects) count(prefix string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, s := range h.seen {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

// redirectEngines are every engine and Do. The tests serve h2c, so that
// single-packet works without the TLS handshakes that are slow under -race.
var redirectEngines = []Mode{ModeSinglePacket, ModeBarrier, ModeLastByte, "do"}

// TestRedirectsAreNotFollowedByDefault: the 3xx is the result, as with
// curl without -L.
func TestRedirectsAreNotFollowedByDefault(t *testing.T) {
	h := &redirects{}
	srv := h2Server(t, h, true, 0)
	for _, mode := range redirectEngines {
		for _, r := range sendWith(t, mode, srv.URL+"/found", Options{}) {
			if r.Status != http.StatusFound || r.Err != nil || r.Redirects != nil {
				t.Errorf("%s request %d: status %d err %v redirects %v, want the 302", mode, r.Index, r.Status, r.Err, r.Redirects)
			}
		}
	}
	if n := h.count("GET /final"); n != 0 {
		t.Errorf("%d requests followed the redirect", n)
	}
}

// TestRedirectsFollowed: with FollowRedirects every engine's results end
// where the redirects lead, keep the raced request's timings and arrival,
// and say what they went through.
func TestRedirectsFollowed(t *testing.T) {
	h := &redirects{}
	srv := h2Server(t, h, true, 0)
	o := Options{Client: Client{FollowRedirects: true}}
	for _, mode := range redirectEngines {
		for _, r := range sendWith(t, mode, srv.URL+"/found", o) {
			want := []Redirect{{Status: http.StatusFound, Location: srv.URL + "/final"}}
			if r.Status != 200 || string(r.Body) != "final" || r.Err != nil || len(r.Redirects) != 1 || r.Redirects[0] != want[0] {
				t.Errorf("%s request %d: status %d body %q err %v redirects %v", mode, r.Index, r.Status, r.Body, r.Err, r.Redirects)
			}
			if r.Released.IsZero() || r.Arrival.IsZero() {
				t.Errorf("%s request %d: released %v arrival %v, want the raced request's", mode, r.Index, r.Released, r.Arrival)
			}
		}
	}
	b := singlePacket(t, burstOf(3, http.MethodGet, srv.URL+"/found", nil), o)
	want := "3 of 3 responses were redirects (302 x3), followed after the burst: statuses and checks are those of the final responses"
	if len(b.Notes) != 1 || b.Notes[0] != want {
		t.Errorf("notes %q, want %q", b.Notes, want)
	}
	// Not a redirect: an answer.
	for _, r := range sendWith(t, "do", srv.URL+"/not-modified", o) {
		if r.Status != http.StatusNotModified || r.Redirects != nil {
			t.Errorf("304: status %d redirects %v", r.Status, r.Redirects)
		}
	}
}

// TestRedirectMethods: 302 turns a POST into a GET without its body, 307
// repeats it.
func TestRedirectMethods(t *testing.T) {
	h := &redirects{}
	srv := h2Server(t, h, true, 0)
	o := Options{Client: Client{FollowRedirects: true}, Sync: Sync{Mode: ModeLastByte}}
	for _, path := range []string{"/found", "/temporary"} {
		b, err := Run(t.Context(), Plan{Requests: burstOf(2, http.MethodPost, srv.URL+path, []byte("body")), Options: o})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range b.Results {
			if r.Status != 200 {
				t.Errorf("%s request %d: status %d err %v", path, r.Index, r.Status, r.Err)
			}
		}
	}
	if get, post := h.count("GET /final"), h.count("POST /final body"); get != 2 || post != 2 {
		t.Errorf("after 302: %d GETs, after 307: %d POSTs with the body; want 2 and 2\n%q", get, post, h.seen)
	}
}

// TestRedirectLoopIsBounded: a loop ends after MaxRedirects hops as a
// redirect error, with the last 3xx kept.
func TestRedirectLoopIsBounded(t *testing.T) {
	h := &redirects{}
	srv := h2Server(t, h, true, 0)
	for _, mode := range redirectEngines {
		rs := sendWith(t, mode, srv.URL+"/loop", Options{Client: Client{FollowRedirects: true, MaxRedirects: 3}})
		for _, r := range rs {
			var re *RedirectError
			if r.ErrKind != KindRedirect || !errors.As(r.Err, &re) || r.Err.Error() != "stopped after 3 redirects (the next one to /loop)" {
				t.Errorf("%s request %d: kind %q err %v", mode, r.Index, r.ErrKind, r.Err)
			}
			if r.Status != http.StatusFound || len(r.Redirects) != 3 {
				t.Errorf("%s request %d: status %d after %d redirects", mode, r.Index, r.Status, len(r.Redirects))
			}
		}
	}
	// Each request: the raced one and three hops; the fourth is not sent.
	if n, want := h.count("GET /loop"), (2*3+1)*4; n != want {
		t.Errorf("server saw %d requests, want %d", n, want)
	}
	// The default bound is curl's.
	r := sendWith(t, "do", srv.URL+"/loop", Options{Client: Client{FollowRedirects: true}})[0]
	if len(r.Redirects) != DefaultMaxRedirects || r.ErrKind != KindRedirect {
		t.Errorf("default: %d redirects, kind %q", len(r.Redirects), r.ErrKind)
	}
}

// TestRedirectElsewhere: credentials follow a redirect to the same host
// only, and a Location that is not http(s) is a protocol error.
func TestRedirectElsewhere(t *testing.T) {
	other := &redirects{}
	otherSrv := h2Server(t, other, true, 0)
	mux := http.NewServeMux()
	mux.HandleFunc("/away", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, otherSrv.URL+"/final", http.StatusFound)
	})
	h := &redirects{}
	mux.Handle("/", h)
	srv := h2Server(t, mux, true, 0)
	o := Options{Client: Client{FollowRedirects: true}}
	auth := http.Header{"Authorization": {"Bearer sekrit"}}
	r := Do(t.Context(), Request{Method: http.MethodGet, URL: srv.URL + "/found", Header: auth}, o.Client)
	r2 := Do(t.Context(), Request{Method: http.MethodGet, URL: srv.URL + "/away", Header: auth}, o.Client)
	if r.Status != 200 || r2.Status != 200 {
		t.Fatalf("statuses %d %d: %v %v", r.Status, r2.Status, r.Err, r2.Err)
	}
	if h.count("GET /final  Bearer sekrit") != 1 || other.count("GET /final") != 1 || other.count("GET /final  Bearer") != 0 {
		t.Errorf("same host saw %q, other host saw %q", h.seen, other.seen)
	}
	r = Do(t.Context(), Request{Method: http.MethodGet, URL: srv.URL + "/ftp"}, o.Client)
	if r.ErrKind != KindProtocol || r.Status != http.StatusMovedPermanently || !strings.Contains(r.Err.Error(), `redirect to "ftp://127.0.0.1/"`) {
		t.Errorf("ftp redirect: status %d kind %q err %v", r.Status, r.ErrKind, r.Err)
	}
}
