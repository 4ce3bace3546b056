// Package postgres is kiln's PostgreSQL engine: connecting to a server from
// a target's DSN (with retries while the server starts, and never a password
// in a message), quoting, catalog questions (relations, columns, the views
// that depend on a relation, comments), the DDL of each materialization and
// CSV seeds through COPY FROM STDIN. It is the only package that imports the
// PostgreSQL driver, github.com/lib/pq.
package postgres
