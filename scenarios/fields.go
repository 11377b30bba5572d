package scenarios

import (
	"reflect"
	"regexp"
	"strings"
)

// fieldsAt lists the YAML fields of the object at path ("race",
// "setup[2].request"), read from the raw types so that the list cannot
// drift from what the decoder accepts.
func fieldsAt(path string) []string {
	t := reflect.TypeFor[rawScenario]()
	for _, seg := range strings.Split(indexRE.ReplaceAllString(path, ""), ".") {
		if seg == "" {
			continue
		}
		t = elem(t)
		if t.Kind() != reflect.Struct {
			return nil
		}
		f, ok := fieldByTag(t, seg)
		if !ok {
			return nil
		}
		t = f
	}
	t = elem(t)
	if t.Kind() != reflect.Struct {
		return nil
	}
	return tagsOf(t)
}

var indexRE = regexp.MustCompile(`\[\d+\]`)

// elem looks through pointers and slices to the element type.
func elem(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	return t
}

func fieldByTag(t reflect.Type, name string) (reflect.Type, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")
		if len(tag) > 1 && tag[1] == "inline" {
			if ft, ok := fieldByTag(f.Type, name); ok {
				return ft, true
			}
			continue
		}
		if tag[0] == name {
			return f.Type, true
		}
	}
	return nil, false
}

func tagsOf(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")
		if len(tag) > 1 && tag[1] == "inline" {
			out = append(out, tagsOf(f.Type)...)
			continue
		}
		out = append(out, tag[0])
	}
	return out
}

// Closest is the candidate nearest to s by edit distance, when it is near
// enough to be a typo: at most one edit in three letters, and at least one;
// "" when none is. Field names, vars and command-line flags use it for
// their "did you mean".
func Closest(s string, candidates []string) string {
	best, bestD := "", max(1, len(s)/3)+1
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
