// Package e2e holds kiln's end-to-end tests. They drive the real CLI
// in-process (cli.Run) on copies of the example projects in a temporary
// directory, against the embedded DuckDB, and check what lands in the
// database against references computed independently in Go.
package e2e
