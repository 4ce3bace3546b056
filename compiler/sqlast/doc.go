// Package sqlast holds kiln's SQL syntax tree and what kiln does with it:
// decoding, printing per target dialect, column inference and column-level
// lineage.
//
// The tree is not produced here. DuckDB's own parser serializes a statement
// to JSON (json_serialize_sql); the dialects/duckdb package runs it and this
// package decodes the JSON into Go values (Decode). The types mirror DuckDB's
// parse tree closely: one struct per category (QueryNode, TableRef, Expr)
// whose Type field says which variant it is and which fields are set. That
// keeps decoding a single pass of a JSON decoder and makes a newer DuckDB's
// extra fields harmless.
//
// Print writes a statement for a target dialect. For PostgreSQL it carries
// DuckDB's meaning over (integer division, casts, intervals, rounding,
// QUALIFY, GROUP BY ALL, EXCLUDE, PIVOT, ASOF and SEMI joins …) or
// returns an *UnsupportedError naming the construct and its byte offset;
// it never prints a query that would return different rows.
//
// Analyze resolves names against a Catalog of upstream relations and
// returns the statement's output columns, where each comes from, the
// relations it reads and the column references nothing provides.
//
// It also infers each output column's exact type, as DuckDB would report
// it for a table made from the statement (types.go), so that kiln need not
// ask DuckDB to bind most models. The rules follow DuckDB's binder,
// literals and NULLs included, and are checked against DuckDB by the tests
// of dialects/duckdb; where kiln is not certain the type is "", never a
// guess.
package sqlast
