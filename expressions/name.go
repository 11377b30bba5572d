package expressions

import "regexp"

// nameRE is a name that an expression can write after a dot.
var nameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// IsName tells whether s can be written after a dot in an expression or
// template (vars.s, values.s, json.s): a letter or underscore, then
// letters, digits and underscores. Other keys are written ["s"].
func IsName(s string) bool { return nameRE.MatchString(s) }
