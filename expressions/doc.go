// Package expressions is racetest's one expression language
// (github.com/expr-lang/expr) for checks, captures and templates: compiled
// at load time against typed environments (BurstEnv, StepEnv,
// TemplateEnv), so that a typo fails before anything is sent, with its
// position. It knows nothing of YAML or flags, so that reports and Go
// callers can judge bursts without a scenario file.
package expressions
