// Package scenarios loads YAML race scenarios and compiles their expressions into plans the runner can send.
package scenarios
