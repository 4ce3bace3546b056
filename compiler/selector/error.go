package selector

import "fmt"

// Error is a selection expression that cannot be evaluated, or that selects
// nothing.
type Error struct {
	// Flag is the flag that carried the expression: "--select" or
	// "--exclude".
	Flag string
	// Expr is the part of the flag's value that is wrong, as written.
	Expr string
	// Message says what is wrong, lower-case, without a final period.
	Message string
	// Hint is an optional suggestion, such as `did you mean "orders"?`.
	Hint string
}

// Error returns the flag, the expression and the message, for example
// `--select "stg_ordrs": no node matches "stg_ordrs"`. The hint is not part
// of it; print it on its own line.
func (e *Error) Error() string {
	if e.Flag == "" {
		return fmt.Sprintf("%q: %s", e.Expr, e.Message)
	}
	return fmt.Sprintf("%s %q: %s", e.Flag, e.Expr, e.Message)
}
