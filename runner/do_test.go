package runner

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestDoSendsOneRequest(t *testing.T) {
	var got struct {
		method, ctype, host, body string
		length                    int64
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.method, got.ctype, got.host, got.body = r.Method, r.Header.Get("Content-Type"), r.Host, string(b)
		got.length = r.ContentLength
		w.Header().Set(DefaultArrivalHeader, "1700000000000000000")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, strings.Repeat("x", 100))
	}))
	defer srv.Close()
	req := Request{Method: "POST", URL: srv.URL + "/p", Body: []byte(`{"a":1}`),
		Header: http.Header{"Content-Type": {"application/json"}, "Host": {"shop.test"}}}
	r := Do(context.Background(), req, Client{BodyLimit: 10})
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if got.method != "POST" || got.ctype != "application/json" || got.body != `{"a":1}` || got.host != "shop.test" {
		t.Errorf("server saw %+v", got)
	}
	if r.Status != 201 || r.Proto != "HTTP/1.1" || string(r.Body) != "xxxxxxxxxx" || r.BodyBytes != 100 || !r.Truncated {
		t.Errorf("result %+v", r)
	}
	if r.Arrival.IsZero() || r.Released.IsZero() || r.FirstByte.Before(r.Released) || r.Done.Before(r.FirstByte) {
		t.Errorf("timings: released %v first %v done %v arrival %v", r.Released, r.FirstByte, r.Done, r.Arrival)
	}
	// A GET without a body goes out without one.
	r = Do(context.Background(), Request{Method: "GET", URL: srv.URL}, Client{})
	if r.Err != nil || got.method != "GET" || got.length != 0 {
		t.Errorf("GET: err %v, server saw %+v", r.Err, got)
	}
}

func TestDoClassifiesFailures(t *testing.T) {
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer silent.Close()
	refused := httptest.NewServer(http.NotFoundHandler())
	refusedURL := refused.URL
	refused.Close()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		url  string
		kind ErrKind
	}{
		{"refused", context.Background(), refusedURL, KindRefused},
		{"timeout", context.Background(), silent.URL, KindTimeout},
		{"cancelled", cancelled, silent.URL, KindCanceled},
		{"bad scheme", context.Background(), "ftp://127.0.0.1/", KindOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			r := Do(tt.ctx, Request{Method: "GET", URL: tt.url}, Client{Timeout: 200 * time.Millisecond})
			if r.Err == nil || r.ErrKind != tt.kind {
				t.Fatalf("err %v kind %q, want kind %q", r.Err, r.ErrKind, tt.kind)
			}
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %s, the timeout is 200ms", time.Since(start))
			}
		})
	}
	r := Do(context.Background(), Request{Method: "GET", URL: "ftp://127.0.0.1/"}, Client{})
	if !errors.Is(r.Err, ErrInvalidPlan) {
		t.Errorf("bad scheme: %v does not wrap ErrInvalidPlan", r.Err)
	}
}
