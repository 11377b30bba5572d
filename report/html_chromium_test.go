package report

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// chromiumBinary finds a Chromium-family browser in PATH.
func chromiumBinary() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// runChromium runs a headless browser with its own profile directory, so
// that it neither reads nor writes the user's, and no network on its own.
func runChromium(t *testing.T, bin, dir string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + filepath.Join(dir, "profile")}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	// Chromium leaves helpers holding stdout; do not wait for them forever.
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

// TestHTMLInChromium renders the golden report in a real browser: the DOM
// it builds must hold the timeline with a row per request and the failed
// check, and its screenshot must show the picture. Without a browser it
// skips, except in CI, where .ci/chromium.sh must have installed one.
func TestHTMLInChromium(t *testing.T) {
	bin := chromiumBinary()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no chromium, chromium-browser or google-chrome in PATH, and CI=true: run .ci/chromium.sh first")
		}
		t.Skip("no chromium, chromium-browser or google-chrome in PATH; install one (.ci/chromium.sh) to run this test")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	var buf bytes.Buffer
	if err := WriteHTML(&buf, goldenDocument()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, err := html.Parse(bytes.NewReader(runChromium(t, bin, dir, "--dump-dom", "file://"+page)))
	if err != nil {
		t.Fatalf("parse the DOM chromium dumped: %v", err)
	}
	checkRenderedDOM(t, dom)

	shot := filepath.Join(dir, "shot.png")
	runChromium(t, bin, dir, "--screenshot="+shot, "--window-size=1280,1600", "file://"+page)
	checkScreenshot(t, shot)
}

func checkRenderedDOM(t *testing.T, dom *html.Node) {
	t.Helper()
	svg := findNode(dom, func(n *html.Node) bool {
		return n.Data == "svg" && attr(n, "id") == "run-1-round-1-timeline" && attr(n, "class") == "timeline"
	})
	if svg == nil {
		t.Fatal("the rendered page has no timeline svg for round 1")
	}
	rows := 0
	findNode(svg, func(n *html.Node) bool {
		if n.Data == "g" && strings.HasPrefix(attr(n, "class"), "req ") {
			rows++
		}
		return false
	})
	if rows != 12 {
		t.Errorf("timeline has %d request rows, want 12", rows)
	}
	failed := findNode(dom, func(n *html.Node) bool {
		return n.Data == "tr" && attr(n, "class") == "check fail" &&
			strings.Contains(text(n), "count(status == 200) == 1") &&
			strings.Contains(text(n), "seen: count(status == 200) = 3, want == 1")
	})
	if failed == nil {
		t.Error("the failed check and what it saw are not on the rendered page")
	}
}

// checkScreenshot asks for a real picture: the requested size, many
// colours, and the orange of the 409 bars, which only the timeline and the
// tally draw.
func checkScreenshot(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 1600 {
		t.Errorf("screenshot is %dx%d, want 1280x1600", b.Dx(), b.Dy())
	}
	colours, orange := map[uint32]bool{}, 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[(r>>11)<<10|(g>>11)<<5|bl>>11] = true
			if near(r, 0xd9) && near(g, 0x77) && near(bl, 0x06) {
				orange++
			}
		}
	}
	if len(colours) < 20 {
		t.Errorf("screenshot has %d colours: an empty page?", len(colours))
	}
	if orange < 50 {
		t.Errorf("screenshot has %d pixels of the 4xx colour: is the timeline drawn?", orange)
	}
}

func near(c uint32, want uint8) bool {
	d := int(c>>8) - int(want)
	return d > -10 && d < 10
}

// findNode returns the first node under n, depth first, for which match
// is true.
func findNode(n *html.Node, match func(*html.Node) bool) *html.Node {
	if n.Type == html.ElementNode && match(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if m := findNode(c, match); m != nil {
			return m
		}
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(text(c))
	}
	return b.String()
}
