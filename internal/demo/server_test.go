package demo

import (
	"bufio"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Every response, whatever route or error produced it, carries the stamp
// and a JSON body; do checks both.
func TestEveryResponseIsStampedJSON(t *testing.T) {
	tg := newTarget(t, 0)
	for _, tc := range []struct {
		method, path, user, body string
		want                     int
	}{
		{"GET", "/", "", "", http.StatusOK},
		{"GET", "/healthz", "", "", http.StatusOK},
		{"GET", "/products/1", "", "", http.StatusOK},
		{"GET", "/nowhere", "", "", http.StatusNotFound},
		{"DELETE", "/products/1", "", "", http.StatusMethodNotAllowed},
		{"GET", "/missions/naive/complete", "u1", "", http.StatusMethodNotAllowed},
		{"POST", "/missions/naive/complete", "", "", http.StatusUnauthorized},
		{"PUT", "/accounts/a", "", "not json", http.StatusBadRequest},
		{"PUT", "/accounts/a", "", strings.Repeat(" ", maxBody+1), http.StatusRequestEntityTooLarge},
		{"POST", "/reset", "", "", http.StatusOK},
	} {
		if code, m := tg.do(tc.method, tc.path, tc.user, tc.body); code != tc.want {
			t.Errorf("%s %s: status %d, want %d (%v)", tc.method, tc.path, code, tc.want, m)
		}
	}
}

func TestHeadOnGetRoutes(t *testing.T) {
	tg := newTarget(t, 0)
	for _, path := range []string{"/", "/healthz", "/products/1", "/accounts/a"} {
		if code, _ := tg.do("HEAD", path, "", ""); code != http.StatusOK {
			t.Errorf("HEAD %s: status %d", path, code)
		}
	}
}

func TestIndexAndHealth(t *testing.T) {
	tg := newTarget(t, 0)
	m := tg.mustStatus(http.StatusOK, "GET", "/", "", "")
	eps, _ := m["endpoints"].([]any)
	if len(eps) != len(NewServer(Config{}).routes()) || m["arrival_header"] != ArrivalHeader {
		t.Errorf("index: %v", m)
	}
	if m := tg.mustStatus(http.StatusOK, "GET", "/healthz", "", ""); m["ok"] != true {
		t.Errorf("healthz: %v", m)
	}
}

func TestResetSeeds(t *testing.T) {
	tg := newTarget(t, 0)
	tg.mustStatus(http.StatusOK, "PUT", "/products/1", "", `{"stock":3,"name":"gizmo"}`)
	tg.mustStatus(http.StatusOK, "PUT", "/accounts/a", "", `{"balance":5}`)
	tg.mustStatus(http.StatusOK, "PUT", "/products/9", "", `{"stock":3}`)
	if m := tg.mustStatus(http.StatusOK, "POST", "/reset", "", ""); m["reset"] != true {
		t.Errorf("reset: %v", m)
	}
	m := tg.mustStatus(http.StatusOK, "GET", "/products/1", "", "")
	if m["stock"] != float64(10) || m["sold"] != float64(0) || m["name"] != "widget" || m["version"] != float64(0) {
		t.Errorf("product 1 after reset: %v", m)
	}
	if b := tg.num("GET", "/accounts/a", "", "balance"); b != 1000 {
		t.Errorf("account a after reset: %d", b)
	}
	tg.mustStatus(http.StatusNotFound, "GET", "/products/9", "", "")
}

// The stamp is taken after the last body byte, not when the head arrived:
// the body's final byte is held back and the stamp must not precede it.
// The pause here is the thing under test, not synchronisation.
func TestArrivalIsAfterLastBodyByte(t *testing.T) {
	tg := newTarget(t, 0)
	conn, err := net.Dial("tcp", strings.TrimPrefix(tg.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"balance":7}`
	head := "PUT /accounts/a HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n"
	if _, err := conn.Write([]byte(head + body[:len(body)-1])); err != nil {
		t.Fatal(err)
	}
	time.Sleep(30 * time.Millisecond)
	lastByte := time.Now()
	if _, err := conn.Write([]byte(body[len(body)-1:])); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("PUT", "/accounts/a", nil)
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if arrived := checkArrival(t, resp); arrived < lastByte.UnixNano() {
		t.Errorf("arrival %v before the last body byte was sent", time.Duration(lastByte.UnixNano()-arrived))
	}
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d", resp.StatusCode)
	}
}
