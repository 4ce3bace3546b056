package models

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Pos is a position in a project file. File is relative to the project
// directory and uses forward slashes; Line and Col count from 1. A zero Line
// means the position names only the file.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

// String formats p as path:line:col, leaving out what is unknown.
func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Compare orders positions by file, line and column.
func (p Pos) Compare(q Pos) int {
	return cmp.Or(strings.Compare(p.File, q.File), cmp.Compare(p.Line, q.Line), cmp.Compare(p.Col, q.Col))
}

// Severity says whether a Diagnostic stops the command.
type Severity int

// The severities, from least to most serious.
const (
	Warning Severity = iota
	Error
)

// Diagnostic is one problem found in a project: where, what, and what to do.
type Diagnostic struct {
	Pos      Pos
	Severity Severity
	Message  string // lower case, no final period
	Hint     string // optional, e.g. `did you mean "customers"?`
	// Node is the unique id of the one node an error stops, when it stops
	// only that node (an enforced contract its SQL breaks): a command that
	// does not select the node reports it as a warning. "" for an error of
	// the project, which stops every command.
	Node string `json:",omitempty"`
}

// Error formats d as "path:line:col: message" followed, when there is one, by
// an indented hint line.
func (d Diagnostic) Error() string {
	var b strings.Builder
	b.WriteString(d.Pos.String())
	b.WriteString(": ")
	if d.Severity == Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Message)
	if d.Hint != "" {
		b.WriteString("\n\thint: ")
		b.WriteString(d.Hint)
	}
	return b.String()
}

// Diagnostics is a list of problems reported in one pass. As an error it
// prints every entry, one per line, in sorted order.
type Diagnostics []Diagnostic

// Sort orders the list by position, then message, and removes exact repeats.
func (ds Diagnostics) Sort() Diagnostics {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(a.Pos.Compare(b.Pos), strings.Compare(a.Message, b.Message))
	})
	return slices.Compact(ds)
}

// HasErrors reports whether any entry has Error severity.
func (ds Diagnostics) HasErrors() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// Errors returns the entries of Error severity.
func (ds Diagnostics) Errors() Diagnostics { return ds.bySeverity(Error) }

// Warnings returns the entries of Warning severity.
func (ds Diagnostics) Warnings() Diagnostics { return ds.bySeverity(Warning) }

func (ds Diagnostics) bySeverity(s Severity) Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.Error()
	}
	return strings.Join(lines, "\n")
}
