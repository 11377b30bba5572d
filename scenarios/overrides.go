package scenarios

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/racetest/racetest/expressions"

	"github.com/goccy/go-yaml"
)

// ParseVar reads a command-line var override, name=value. The value is
// read as a YAML scalar, as it would be under vars: in the file, so that
// before=100 is a number and name=bob a string; quote it to force a string.
func ParseVar(s string) (string, any, error) {
	name, raw, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return "", nil, fmt.Errorf("%q: write NAME=VALUE, for example user=qa-1", s)
	}
	if i := expressions.InvalidUTF8(s); i >= 0 {
		return "", nil, fmt.Errorf("%q is not valid UTF-8 (byte 0x%02X at column %d); retype it", s, s[i], utf8.RuneCountInString(s[:i])+1)
	}
	if strings.TrimSpace(raw) == "" {
		return name, "", nil
	}
	var v any
	if err := yaml.Unmarshal([]byte(raw), &v); err != nil {
		// Not YAML on its own, such as a:b: it is meant as text.
		return name, raw, nil
	}
	switch v.(type) {
	case map[string]any, []any, nil:
		// Only scalars are read as YAML: a value such as {x} or ~ stays text.
		return name, raw, nil
	}
	return name, normalize(v), nil
}
