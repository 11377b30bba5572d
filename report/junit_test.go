package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// node is a parsed XML element, enough to check a document's shape.
type node struct {
	name     string
	attrs    map[string]string
	children []*node
	text     string
}

func parseXML(t *testing.T, data []byte) *node {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	var stack []*node
	var root *node
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			if len(stack) == 0 {
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tok)
			}
		}
	}
	return root
}

// elementRule is one element of junit-10.xsd (the Jenkins xunit plugin's
// schema for Ant/Surefire JUnit files) as docs/ci.md documents it.
type elementRule struct {
	required, optional []string
	children           []string
}

var junitTimeAttr = regexp.MustCompile(`^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$`)

var junitSchema = map[string]elementRule{
	"testsuites": {optional: []string{"name", "time", "tests", "failures", "errors"}, children: []string{"testsuite"}},
	"testsuite": {
		required: []string{"name", "tests", "failures", "errors"},
		optional: []string{"group", "time", "skipped", "timestamp", "hostname", "id", "package", "file", "log", "url"},
		children: []string{"testsuite", "properties", "testcase", "system-out", "system-err"},
	},
	"properties": {children: []string{"property"}},
	"property":   {required: []string{"name", "value"}},
	"testcase": {
		required: []string{"name"}, optional: []string{"time", "classname", "group"},
		children: []string{"skipped", "error", "failure", "system-out", "system-err"},
	},
	"failure":    {optional: []string{"type", "message"}},
	"error":      {optional: []string{"type", "message"}},
	"skipped":    {optional: []string{"type", "message"}},
	"system-out": {},
	"system-err": {},
}

// checkJUnitShape reports every element, attribute or value the schema
// does not allow.
func checkJUnitShape(t *testing.T, n *node, path string) {
	t.Helper()
	path += "/" + n.name
	rule, ok := junitSchema[n.name]
	if !ok {
		t.Errorf("%s: element not in the schema", path)
		return
	}
	for _, a := range rule.required {
		if _, ok := n.attrs[a]; !ok {
			t.Errorf("%s: required attribute %q missing", path, a)
		}
	}
	for a, v := range n.attrs {
		if !slices.Contains(rule.required, a) && !slices.Contains(rule.optional, a) {
			t.Errorf("%s: attribute %q not in the schema", path, a)
		}
		if a == "time" && (n.name == "testsuite" || n.name == "testsuites") && !junitTimeAttr.MatchString(v) {
			t.Errorf("%s: time %q is not a SUREFIRE_TIME", path, v)
		}
	}
	for _, c := range n.children {
		if !slices.Contains(rule.children, c.name) {
			t.Errorf("%s: child <%s> not allowed", path, c.name)
			continue
		}
		checkJUnitShape(t, c, path)
	}
}

func TestJUnitMatchesSchema(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, goldenDocument()); err != nil {
		t.Fatal(err)
	}
	root := parseXML(t, buf.Bytes())
	if root.name != "testsuites" {
		t.Fatalf("root is <%s>, want <testsuites>", root.name)
	}
	checkJUnitShape(t, root, "")
	checkJUnitCounts(t, root)
}

// checkJUnitCounts checks that the counts in the attributes are the counts
// of the elements, which is what CI summaries show.
func checkJUnitCounts(t *testing.T, root *node) {
	t.Helper()
	var tests, failures, errs int
	for _, s := range root.children {
		var st, sf, se int
		for _, c := range s.children {
			if c.name != "testcase" {
				continue
			}
			st++
			for _, o := range c.children {
				sf += b2i(o.name == "failure")
				se += b2i(o.name == "error")
			}
		}
		wantAttr(t, s, "tests", st)
		wantAttr(t, s, "failures", sf)
		wantAttr(t, s, "errors", se)
		tests, failures, errs = tests+st, failures+sf, errs+se
	}
	wantAttr(t, root, "tests", tests)
	wantAttr(t, root, "failures", failures)
	wantAttr(t, root, "errors", errs)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func wantAttr(t *testing.T, n *node, attr string, want int) {
	t.Helper()
	if got := n.attrs[attr]; got != strconv.Itoa(want) {
		t.Errorf("<%s name=%q> %s=%q, want %d", n.name, n.attrs["name"], attr, got, want)
	}
}

func TestJUnitContent(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, goldenDocument()); err != nil {
		t.Fatal(err)
	}
	root := parseXML(t, buf.Bytes())
	if len(root.children) != 3 {
		t.Fatalf("%d suites, want one per run (3)", len(root.children))
	}
	mission, health, stock := root.children[0], root.children[1], root.children[2]
	if mission.attrs["file"] != "examples/mission.yaml" || health.attrs["file"] != "" {
		t.Errorf("file attributes: %q %q", mission.attrs["file"], health.attrs["file"])
	}
	c := findCase(mission, "round 1: count(status == 200) == 1")
	if c == nil || len(c.children) != 1 || c.children[0].name != "failure" ||
		c.children[0].attrs["message"] != "count(status == 200) = 3, want == 1" || c.attrs["classname"] != mission.attrs["name"] {
		t.Errorf("the failed check is not a failure with what was seen: %+v", c)
	}
	if c := findCase(mission, "round 2: count(status == 200) == 1"); c == nil || len(c.children) != 0 {
		t.Errorf("the passing round should be a passing testcase: %+v", c)
	}
	if c := findCase(health, completedCase); c == nil || len(c.children) != 1 || c.children[0].name != "system-out" {
		t.Errorf("a run without checks should get a passing %q testcase: %+v", completedCase, c)
	}
	if c := findCase(stock, completedCase); c == nil || len(c.children) != 1 || c.children[0].name != "error" {
		t.Errorf("a runtime error should be an <error> testcase: %+v", c)
	}
}

func findCase(suite *node, name string) *node {
	for _, c := range suite.children {
		if c.name == "testcase" && c.attrs["name"] == name {
			return c
		}
	}
	return nil
}

// TestJUnitXmllint validates the golden JUnit file against our minimal
// junit-10.xsd with libxml2, a validator that is not our own code. It
// skips without xmllint (apt-get install libxml2-utils); the structural
// test above does not.
func TestJUnitXmllint(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not found: apt-get install libxml2-utils to validate against testdata/junit-10.xsd")
	}
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, goldenDocument()); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "report.xml")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "junit-10.xsd"), file).CombinedOutput()
	if err != nil {
		t.Errorf("xmllint: %v\n%s", err, out)
	}
}

// TestJUnitHostileText feeds what a target can put into a report (control
// characters, a CDATA end, markup) and expects well-formed XML that still
// says what was seen.
func TestJUnitHostileText(t *testing.T) {
	seen := "body \x00\x1b[31m</failure>]]><x a=\"b\">\n\xff"
	doc := &Document{Runs: []Run{{Name: "a <b> & \"c\"", Rounds: []Round{{Round: 1,
		Checks: []Check{{Expr: "x", Seen: seen}}}}}}}
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, doc); err != nil {
		t.Fatal(err)
	}
	root := parseXML(t, buf.Bytes())
	checkJUnitShape(t, root, "")
	f := findCase(root.children[0], "round 1: x").children[0]
	if want := "body \uFFFD\uFFFD[31m</failure>]]><x a=\"b\">\n\uFFFD"; f.attrs["message"] != want {
		t.Errorf("message %q, want %q", f.attrs["message"], want)
	}
	if !strings.Contains(f.text, "seen: body \uFFFD\uFFFD[31m</failure>]]><x a=\"b\">") {
		t.Errorf("failure text %q", f.text)
	}
}
