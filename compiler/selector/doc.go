// Package selector evaluates dbt's node selection grammar, the values of
// --select and --exclude, over a universe of nodes and their graph.
//
// Each flag value may hold several terms separated by spaces (a union); a
// term may join criteria with commas (an intersection). A criterion is
//
//	[@ | [N]+] [method[.arg…]:]value [+[N]]
//
// where "+" before the value adds ancestors (N levels deep, or all), "+"
// after adds descendants, and "@" adds the descendants and every ancestor
// of those descendants. Methods are fqn (the default), path (the default
// when the value holds a "/"), file (the default when it ends in .sql, .csv
// or .py), tag, config.<key>, source, resource_type, test_type, package,
// and, given a State (another run, --state DIR), state (new, old, modified,
// modified.<kind>, unmodified, removed) and result (error, fail, skipped …);
// values accept the wildcards *, ? and [...] except where dbt compares
// exactly (config, resource_type, test_type). --exclude is applied after the
// graph operators of both flags.
//
// Unlike dbt, which warns, a criterion or term that selects nothing is an
// *Error with a hint, so a typo never silently selects nothing. state: and
// result: are the exception: "nothing changed" and "nothing failed" are
// answers, so they may select nothing. A bare
// wildcard name such as stg_* also matches models in sub-folders (as dbt
// Fusion does; dbt-core matches it against the whole FQN only).
package selector
