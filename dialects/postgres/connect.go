package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/lib/pq"

	"github.com/kiln-sql/kiln/dialects"
	"github.com/kiln-sql/kiln/models"
)

// Engine is the PostgreSQL engine. Open remembers the server's version,
// which decides Capabilities().Merge; until then MERGE counts as missing.
type Engine struct {
	dialects.StandardDDL
	version atomic.Int64 // server_version_num, 0 before Open
}

// New returns the PostgreSQL engine.
func New() *Engine {
	return &Engine{StandardDDL: dialects.StandardDDL{Quote: dialects.QuoteDouble, TempSchema: "pg_temp"}}
}

// Name returns "postgres".
func (*Engine) Name() string { return "postgres" }

// mergeVersion is the first server_version_num with MERGE (PostgreSQL 15).
const mergeVersion = 150000

// Capabilities: PostgreSQL has materialized views, binds views to the table
// object rather than its name, and has MERGE from version 15 on.
func (e *Engine) Capabilities() dialects.Capabilities {
	return dialects.Capabilities{
		MaterializedViews: true,
		ViewsBindToTables: true,
		Merge:             e.version.Load() >= mergeVersion,
	}
}

// ServerVersion returns the server_version_num Open read, e.g. 150004, or 0
// before Open.
func (e *Engine) ServerVersion() int { return int(e.version.Load()) }

// SetServerVersion sets the server version the engine assumes, as Open
// does; it lets a dry run (or a test) plan for a given server.
func (e *Engine) SetServerVersion(v int) { e.version.Store(int64(v)) }

// Describe names the server and database without the password:
// "postgres host=db port=5432 dbname=shop user=kiln".
func (e *Engine) Describe(_ string, t models.Target) string {
	cfg, err := pq.NewConfig(t.DSN)
	if err != nil {
		return "postgres (invalid dsn)"
	}
	return "postgres " + describe(cfg)
}

// describe lists host, port, database and user.
func describe(cfg pq.Config) string {
	parts := []string{"host=" + cfg.Host, "port=" + strconv.Itoa(int(cfg.Port)), "dbname=" + cfg.Database}
	if cfg.User != "" {
		parts = append(parts, "user="+cfg.User)
	}
	return strings.Join(parts, " ")
}

// The retries of Open: transient failures are retried with a doubling
// delay until about retryBudget has passed.
var (
	retryFirst  = 200 * time.Millisecond
	retryBudget = 10 * time.Second
)

// Open connects to the target's server, retrying for a few seconds while it
// refuses connections, is starting up or has no free connection slot, and
// reads the server's version. Errors name host, port and database, never
// the password.
func (e *Engine) Open(ctx context.Context, _ string, t models.Target) (*sql.DB, error) {
	cfg, err := pq.NewConfig(t.DSN)
	if err != nil {
		return nil, &redactedError{msg: "connecting to postgres: the dsn is not valid: " + redact(err.Error(), t.DSN, ""), err: err}
	}
	where := fmt.Sprintf("connecting to postgres host=%s port=%d dbname=%s", cfg.Host, cfg.Port, cfg.Database)
	fail := func(err error) error {
		return &redactedError{msg: where + ": " + redact(err.Error(), t.DSN, cfg.Password), err: err}
	}
	if cfg.ApplicationName == "" {
		cfg.ApplicationName = "kiln"
	}
	conn, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, fail(err)
	}
	db := sql.OpenDB(conn)
	deadline := time.Now().Add(retryBudget)
	for delay := retryFirst; ; delay *= 2 {
		err = db.PingContext(ctx)
		if err == nil || !transient(err) || ctx.Err() != nil || time.Now().Add(delay).After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(delay):
		}
	}
	if err == nil {
		var v int64
		err = db.QueryRowContext(ctx, "select current_setting('server_version_num')::int").Scan(&v)
		e.version.Store(v)
	}
	if err != nil {
		db.Close()
		return nil, fail(err)
	}
	return db, nil
}

// transient says whether a failure to connect may go away by itself: the
// server is not listening yet, is starting or shutting down, or has no
// free connection slot.
func transient(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) {
		return true
	}
	var pe *pq.Error
	if errors.As(err, &pe) {
		switch pe.Code {
		case "53300", // too_many_connections
			"57P03", // cannot_connect_now: the database system is starting up
			"57P01", // admin_shutdown
			"08006": // connection_failure
			return true
		}
		return false
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// redactedError is a connection error whose message has no password; it
// still unwraps to the driver's error for errors.Is and errors.As.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

var (
	passwordKV  = regexp.MustCompile(`(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)`)
	passwordURL = regexp.MustCompile(`(://[^:/@\s]*:)[^@\s]*@`)
)

// redact removes a password from a message: the password itself, and
// anything that looks like one in a key=value or URL DSN.
func redact(msg, dsn, password string) string {
	if password != "" {
		msg = strings.ReplaceAll(msg, password, "xxxxx")
	}
	if dsn != "" && strings.Contains(msg, dsn) {
		msg = strings.ReplaceAll(msg, dsn, redact(dsn, "", ""))
	}
	msg = passwordKV.ReplaceAllString(msg, "${1}xxxxx")
	return passwordURL.ReplaceAllString(msg, "${1}xxxxx@")
}
