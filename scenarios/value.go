package scenarios

import (
	"fmt"
	"slices"

	"github.com/racetest/racetest/expressions"
)

// value is a YAML value, such as a JSON body or a var, whose strings are
// templates. Everything else is kept as it was decoded.
type value struct {
	lit  any
	tmpl *expressions.Template
	obj  map[string]*value
	arr  []*value
}

// compileValue compiles the strings of v, the decoded value at path, and
// checks their references against sc.
func compileValue(p *problems, sc *scope, path string, v any) *value {
	switch x := v.(type) {
	case string:
		t, err := expressions.CompileTemplate(x)
		if err != nil {
			p.exprFailed(path, x, err)
			return &value{lit: x}
		}
		sc.checkTemplate(p, path, t)
		if t.Static() {
			return &value{lit: x}
		}
		return &value{tmpl: t}
	case map[string]any:
		out := &value{obj: make(map[string]*value, len(x))}
		for _, k := range sortedKeys(x) {
			out.obj[k] = compileValue(p, sc, joinPath(path, k), x[k])
		}
		return out
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = e
		}
		return compileValue(p, sc, path, m)
	case []any:
		out := &value{arr: make([]*value, len(x))}
		for i, e := range x {
			out.arr[i] = compileValue(p, sc, fmt.Sprintf("%s[%d]", path, i), e)
		}
		return out
	}
	return &value{lit: normalize(v)}
}

// eval expands the templates of the value.
func (v *value) eval(env *expressions.TemplateEnv) (any, error) {
	switch {
	case v.tmpl != nil:
		return v.tmpl.Value(env)
	case v.obj != nil:
		m := make(map[string]any, len(v.obj))
		for k, e := range v.obj {
			x, err := e.eval(env)
			if err != nil {
				return nil, err
			}
			m[k] = x
		}
		return m, nil
	case v.arr != nil:
		a := make([]any, len(v.arr))
		for i, e := range v.arr {
			x, err := e.eval(env)
			if err != nil {
				return nil, err
			}
			a[i] = x
		}
		return a, nil
	}
	return v.lit, nil
}

// normalize gives YAML integers one Go type, int, so that expressions
// compare vars with numbers of JSON bodies without surprises.
func normalize(v any) any {
	switch x := v.(type) {
	case uint64:
		if x <= 1<<62 {
			return int(x)
		}
	case int64:
		return int(x)
	case uint:
		return int(x)
	case int32:
		return int(x)
	}
	return v
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// static tells whether the value has no templates anywhere in it.
func (v *value) static() bool {
	if v.tmpl != nil {
		return false
	}
	for _, e := range v.obj {
		if !e.static() {
			return false
		}
	}
	for _, e := range v.arr {
		if !e.static() {
			return false
		}
	}
	return true
}

// textSize is the bytes of the strings and keys of a static value, and one
// for every other scalar: less than its JSON, which quotes, separates and
// escapes them, so a value whose textSize is over a limit has JSON over it.
func (v *value) textSize() int64 {
	var n int64
	switch x := v.lit.(type) {
	case string:
		n += int64(len(x))
	case nil:
		if v.obj == nil && v.arr == nil {
			n++
		}
	default:
		n++
	}
	for k, e := range v.obj {
		n += int64(len(k)) + e.textSize()
	}
	for _, e := range v.arr {
		n += e.textSize()
	}
	return n
}
