package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// tool is one way of sending a burst of n requests.
type tool struct {
	name string
	// cmd builds the command line for a burst of n requests to url (plain
	// http) or tlsURL (https), with extra curl-style headers and a JSON body
	// when body is not empty.
	cmd func(b *bench, n int, url, tlsURL string, headers []string, body string) []string
}

// racetestTool sends the burst with `racetest fire` in one mode.
func racetestTool(label, mode string, useTLS bool, extra ...string) tool {
	return tool{name: label, cmd: func(b *bench, n int, url, tlsURL string, headers []string, body string) []string {
		u := url
		if useTLS {
			u = tlsURL
		}
		args := []string{b.racetest, "fire", "-n", strconv.Itoa(n), "--mode", mode, "-k", "-o", "json", "--timeout", "30s"}
		args = append(args, extra...)
		if n > 10000 {
			args = append(args, "--allow-large")
		}
		for _, h := range headers {
			args = append(args, "-H", h)
		}
		if body != "" {
			args = append(args, "-X", "POST", "--json", body)
		}
		return append(args, u)
	}}
}

// allTools is every contender, in table order.
func allTools() []tool {
	return []tool{
		racetestTool("racetest single-packet (TLS)", "single-packet", true),
		racetestTool("racetest single-packet (h2c)", "single-packet", false),
		racetestTool("racetest single-packet --hold headers (TLS)", "single-packet", true, "--hold", "headers"),
		racetestTool("racetest last-byte", "last-byte", false),
		racetestTool("racetest barrier", "barrier", false),
		{name: "Kettle 2023 recipe (reference, TLS)", cmd: kettleCmd},
		{name: "hey -n N -c N", cmd: heyCmd},
		{name: "Python ThreadPoolExecutor + requests", cmd: pythonCmd},
	}
}

func selectTools(only string) []tool {
	all := allTools()
	if only == "" {
		return all
	}
	var out []tool
	for _, t := range all {
		for _, w := range strings.Split(only, ",") {
			if strings.Contains(t.name, strings.TrimSpace(w)) {
				out = append(out, t)
				break
			}
		}
	}
	return out
}

// kettleCmd runs the reference recipe (kettle.go) from this program.
func kettleCmd(b *bench, n int, _, tlsURL string, headers []string, body string) []string {
	args := []string{b.self, "kettle2023", "-n", strconv.Itoa(n)}
	for _, h := range headers {
		args = append(args, "-H", h)
	}
	if body != "" {
		args = append(args, "-body", body)
	}
	return append(args, tlsURL)
}

func heyCmd(_ *bench, n int, url, _ string, headers []string, body string) []string {
	args := []string{"hey", "-n", strconv.Itoa(n), "-c", strconv.Itoa(n), "-t", "30"}
	for _, h := range headers {
		args = append(args, "-H", h)
	}
	if body != "" {
		args = append(args, "-m", "POST", "-T", "application/json", "-d", body)
	}
	return append(args, url)
}

// pythonRecipe is the classic blog recipe: a thread pool with as many workers
// as requests, each calling requests.post (or get) once.
const pythonRecipe = `import sys, json, requests
from concurrent.futures import ThreadPoolExecutor
n, url, body = int(sys.argv[1]), sys.argv[2], sys.argv[3]
headers = dict(h.split(": ", 1) for h in sys.argv[4:])
def one(_):
    if body:
        return requests.post(url, data=body, headers=dict(headers, **{"Content-Type": "application/json"}), timeout=30).status_code
    return requests.get(url, headers=headers, timeout=30).status_code
with ThreadPoolExecutor(max_workers=n) as ex:
    codes = list(ex.map(one, range(n)))
print(json.dumps({"n": len(codes)}))
`

func pythonCmd(b *bench, n int, url, _ string, headers []string, body string) []string {
	return append([]string{"/usr/bin/python3", b.pyScript, strconv.Itoa(n), url, body}, headers...)
}

// exec runs one burst command, bounded in time.
func (b *bench) exec(ctx context.Context, argv []string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, argv[0], argv[1:]...)
	if b.lab != nil {
		c = b.lab.Client.Command(ctx, argv...)
	}
	out, err := c.CombinedOutput()
	if err != nil {
		// racetest exits 1 when a check fails; fire here has no checks.
		return fmt.Errorf("%s: %w: %s", filepath.Base(argv[0]), err, tail(out))
	}
	return nil
}

func tail(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		s = s[len(s)-300:]
	}
	return s
}

func writePyScript(dir string) (string, error) {
	p := filepath.Join(dir, "threadpool.py")
	return p, os.WriteFile(p, []byte(pythonRecipe), 0o644)
}
