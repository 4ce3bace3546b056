// Package duckdb is kiln's embedded DuckDB engine: connecting to a database
// file, quoting, catalog questions, the DDL of each materialization and CSV
// seeds through read_csv. It is the only package that imports the DuckDB
// driver.
package duckdb
