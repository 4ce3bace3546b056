package postgres_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/kiln-sql/kiln/dialects/postgres"
	"github.com/kiln-sql/kiln/internal/pgtest"
	"github.com/kiln-sql/kiln/models"
)

func TestDescribeHidesPassword(t *testing.T) {
	tests := []struct{ name, dsn, want string }{
		{"url", "postgres://kiln:s3cret@db.example.com:6543/shop?sslmode=disable", "postgres host=db.example.com port=6543 dbname=shop user=kiln"},
		{"key-value", "host=10.0.0.7 port=5433 dbname=analytics user=etl password='s3cret' sslmode=disable", "postgres host=10.0.0.7 port=5433 dbname=analytics user=etl"},
		{"invalid", "postgres://kiln:s3cret@db:notaport/shop", "postgres (invalid dsn)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := postgres.New().Describe("", models.Target{DSN: tt.dsn})
			if got != tt.want {
				t.Errorf("Describe = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ msg, dsn, password, want string }{
		{`bad dsn "host=h password=s3cret port=x"`, "", "", `bad dsn "host=h password=xxxxx port=x"`},
		{`parse "postgres://u:s3cret@h:x/db": invalid port`, "", "", `parse "postgres://u:xxxxx@h:x/db": invalid port`},
		{`auth failed for s3cret`, "", "s3cret", `auth failed for xxxxx`},
		{`quoted password='a b\'c' here`, "", "", `quoted password=xxxxx here`},
	}
	for _, tt := range tests {
		if got := postgres.Redact(tt.msg, tt.dsn, tt.password); got != tt.want {
			t.Errorf("redact(%q) = %q, want %q", tt.msg, got, tt.want)
		}
	}
}

// freePort returns a port on 127.0.0.1 that nothing listens on.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

func TestOpenErrorNamesServerNotPassword(t *testing.T) {
	defer postgres.SetRetry(50*time.Millisecond, 500*time.Millisecond)()
	port := freePort(t)
	dsn := fmt.Sprintf("postgres://kiln:s3cret@127.0.0.1:%d/shop?sslmode=disable", port)
	start := time.Now()
	_, err := postgres.New().Open(context.Background(), "", models.Target{DSN: dsn})
	if err == nil {
		t.Fatal("Open succeeded on a port nothing listens on")
	}
	want := fmt.Sprintf("connecting to postgres host=127.0.0.1 port=%d dbname=shop: ", port)
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %q, want it to start with %q", err, want)
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error shows the password: %q", err)
	}
	if d := time.Since(start); d < 300*time.Millisecond || d > 5*time.Second {
		t.Errorf("Open gave up after %v; want retries for about 500ms", d)
	}
}

func TestOpenInvalidDSN(t *testing.T) {
	_, err := postgres.New().Open(context.Background(), "", models.Target{DSN: "postgres://kiln:s3cret@db:notaport/shop"})
	if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.HasPrefix(err.Error(), "connecting to postgres: ") {
		t.Errorf("error = %v, want a dsn error without the password", err)
	}
}

// TestOpenRetriesWhileServerStarts opens through a proxy that starts
// listening only after a while, as a server does when it starts.
func TestOpenRetriesWhileServerStarts(t *testing.T) {
	dsn := pgtest.DSN(t)
	cfg, err := pq.NewConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	upstream := net.JoinHostPort(cfg.Host, fmt.Sprint(cfg.Port))
	port := freePort(t)

	var wg sync.WaitGroup
	stop := make(chan struct{})
	defer func() { close(stop); wg.Wait() }()
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-time.After(700 * time.Millisecond):
		case <-stop:
			return
		}
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			t.Errorf("listen: %v", err)
			return
		}
		go func() { <-stop; l.Close() }()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", upstream)
			if err != nil {
				c.Close()
				continue
			}
			go func() { io.Copy(u, c); u.Close() }()
			go func() { io.Copy(c, u); c.Close() }()
		}
	}()

	proxied := fmt.Sprintf("host=127.0.0.1 port=%d dbname='%s' user='%s' password='%s' sslmode=disable",
		port, cfg.Database, cfg.User, strings.ReplaceAll(cfg.Password, "'", `\'`))
	start := time.Now()
	eng := postgres.New()
	db, err := eng.Open(context.Background(), "", models.Target{DSN: proxied})
	if err != nil {
		t.Fatalf("Open through a late proxy: %v", err)
	}
	defer db.Close()
	if d := time.Since(start); d < 600*time.Millisecond {
		t.Errorf("Open returned after %v, before the proxy listened", d)
	}
	if eng.ServerVersion() == 0 {
		t.Error("Open did not read the server version")
	}
}

func TestCapabilitiesFollowServerVersion(t *testing.T) {
	eng := postgres.New()
	caps := eng.Capabilities()
	if !caps.MaterializedViews || !caps.ViewsBindToTables || caps.Merge {
		t.Errorf("before Open: %+v, want materialized views, views bound to tables, no merge", caps)
	}
	eng.SetServerVersion(140010)
	if eng.Capabilities().Merge {
		t.Error("PostgreSQL 14 has no MERGE")
	}
	eng.SetServerVersion(150004)
	if !eng.Capabilities().Merge {
		t.Error("PostgreSQL 15 has MERGE")
	}

	eng, db, _ := pgtest.Open(t)
	var v int
	if err := db.QueryRow("select current_setting('server_version_num')::int").Scan(&v); err != nil {
		t.Fatal(err)
	}
	if eng.ServerVersion() != v || eng.Capabilities().Merge != (v >= 150000) {
		t.Errorf("after Open: version %d, merge %v; server says %d", eng.ServerVersion(), eng.Capabilities().Merge, v)
	}
}
