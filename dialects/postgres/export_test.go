package postgres

import "time"

// SetRetry changes how long Open retries, for a test, and returns a
// function that restores it.
func SetRetry(first, budget time.Duration) (restore func()) {
	f, b := retryFirst, retryBudget
	retryFirst, retryBudget = first, budget
	return func() { retryFirst, retryBudget = f, b }
}

// Redact is redact, for tests.
var Redact = redact
