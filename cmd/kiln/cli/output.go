package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/kiln-sql/kiln/materialize"
	"github.com/kiln-sql/kiln/models"
)

// printer writes what a command has to say: progress and results to
// stdout, diagnostics to stderr, everything to the log file. It keeps
// secrets out of all of them.
type printer struct {
	mu      sync.Mutex
	out     io.Writer
	errOut  io.Writer
	log     io.Writer // target/kiln.log, or nil
	color   bool
	json    bool
	quiet   bool
	secrets []string
	start   time.Time
	numbers map[string]int // step id → its number in the run (number)
}

func (a *app) newPrinter() *printer {
	p := &printer{out: a.stdout, errOut: a.stderr, json: a.g.logFormat == "json", quiet: a.g.quiet, start: time.Now()}
	if f, ok := a.stdout.(*os.File); ok && !a.g.noColor && os.Getenv("NO_COLOR") == "" && term.IsTerminal(int(f.Fd())) {
		p.color = true
	}
	return p
}

// redact replaces every secret in s.
func (p *printer) redact(s string) string {
	for _, sec := range p.secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "****")
		}
	}
	return s
}

const (
	green  = "\x1b[32m"
	red    = "\x1b[31m"
	yellow = "\x1b[33m"
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
)

func (p *printer) paint(color, s string) string {
	if !p.color {
		return s
	}
	return color + s + reset
}

// emit writes one message. level is info, warn or error; fields go into
// JSON lines.
func (p *printer) emit(level, msg string, fields map[string]any) { p.write(level, msg, fields, false) }

// progressLine emits a step's line: on stdout whatever its level, so that
// the progress of a run reads whole there (and in the log).
func (p *printer) progressLine(level, msg string, fields map[string]any) {
	p.write(level, msg, fields, true)
}

func (p *printer) write(level, msg string, fields map[string]any, progress bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	msg = p.redact(msg)
	now := time.Now()
	if p.log != nil {
		fmt.Fprintf(p.log, "%s %-5s %s\n", now.UTC().Format("2006-01-02T15:04:05.000Z"), level, msg)
	}
	if p.json {
		rec := map[string]any{"ts": now.UTC().Format(time.RFC3339Nano), "level": level, "msg": msg}
		for k, v := range fields {
			if s, ok := v.(string); ok {
				v = p.redact(s)
			}
			rec[k] = v
		}
		data, _ := json.Marshal(rec)
		w := p.out
		if level == "error" && !progress {
			w = p.errOut
		}
		fmt.Fprintln(w, string(data))
		return
	}
	switch {
	case progress && (level != "info" || !p.quiet):
		fmt.Fprintln(p.out, msg)
	case level == "error":
		fmt.Fprintln(p.errOut, msg)
	case level == "warn":
		fmt.Fprintln(p.errOut, msg)
	case !p.quiet:
		fmt.Fprintln(p.out, msg)
	}
}

func (p *printer) info(format string, args ...any) { p.emit("info", fmt.Sprintf(format, args...), nil) }

// summaryLine is printed even with --quiet.
func (p *printer) summaryLine(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if p.quiet && !p.json {
		p.mu.Lock()
		fmt.Fprintln(p.out, p.redact(msg))
		if p.log != nil {
			fmt.Fprintf(p.log, "%s info  %s\n", time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), p.redact(msg))
		}
		p.mu.Unlock()
		return
	}
	p.emit("info", msg, nil)
}

// diagnostics prints every diagnostic, errors and warnings, with hints.
func (p *printer) diagnostics(ds models.Diagnostics) {
	for _, d := range ds {
		level := "error"
		if d.Severity == models.Warning {
			level = "warn"
		}
		text := d.Error()
		if p.color && !p.json {
			pos, rest, _ := strings.Cut(text, ": ")
			c := red
			if level == "warn" {
				c = yellow
			}
			text = bold + pos + reset + ": " + c + rest + reset
		}
		p.emit(level, text, map[string]any{"file": d.Pos.File, "line": d.Pos.Line, "col": d.Pos.Col, "hint": d.Hint, "message": d.Message})
	}
}

// event prints a step starting or finishing, with the run's progress.
func (p *printer) event(e materialize.Event) {
	if e.Step.ResourceType == models.ResourceTest {
		p.testEvent(e) // test.go
		return
	}
	st := e.Step
	elapsed := time.Since(p.start).Seconds()
	fields := map[string]any{"node": st.ID, "done": e.Finished, "total": e.Total, "running": e.Running, "elapsed": elapsed}
	rel := st.Relation.String()
	if st.Materialized == models.Ephemeral {
		rel = st.Name + " (inlined)"
	}
	if e.Result == nil {
		fields["event"] = "start"
		p.progressLine("info", fmt.Sprintf("%s  START  %-24s %s", p.number(e), st.Describe(), rel), fields)
		return
	}
	r := e.Result
	fields["event"] = "finish"
	fields["status"] = r.Status
	fields["execution_time"] = r.Duration.Seconds()
	fields["rows_affected"] = r.RowsAffected
	status := p.paint(green, "OK   ")
	what := r.Message
	if r.RowsAffected > 0 {
		what += fmt.Sprintf(", %d %s", r.RowsAffected, plural(int(r.RowsAffected), "row", "rows"))
	}
	detail := fmt.Sprintf("[%s in %.2fs]", what, r.Duration.Seconds())
	level := "info"
	if r.Status == materialize.StatusError {
		status = p.paint(red, "ERROR")
		detail = "[error in " + fmt.Sprintf("%.2fs", r.Duration.Seconds()) + "]"
		level = "error"
	}
	msg := fmt.Sprintf("%s  %s  %-24s %s %s  (%s)", p.number(e), status, st.Describe(), rel, detail, progress(e, elapsed))
	if r.Status == materialize.StatusError {
		msg += "\n        " + strings.ReplaceAll(r.Message, "\n", "\n        ")
	}
	p.progressLine(level, msg, fields)
	for _, n := range r.Notices {
		p.emit("warn", p.paint(yellow, "        notice: "+n), map[string]any{"node": st.ID})
	}
}

// number is a step's place in the run, "3 of 9": the order it started
// in, on its START line and again on its result line, as dbt prints them.
func (p *printer) number(e materialize.Event) string {
	p.mu.Lock()
	if p.numbers == nil {
		p.numbers = map[string]int{}
	}
	n, ok := p.numbers[e.Step.ID]
	if !ok {
		n = len(p.numbers) + 1
		p.numbers[e.Step.ID] = n
	}
	p.mu.Unlock()
	return fmt.Sprintf("%*d of %d", len(fmt.Sprint(e.Total)), n, e.Total)
}

// progress is where the run stands once a step finished.
func progress(e materialize.Event, elapsed float64) string {
	return fmt.Sprintf("%d/%d done, %d running, %.1fs elapsed", e.Finished, e.Total, e.Running, elapsed)
}
