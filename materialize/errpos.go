package materialize

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kiln-sql/kiln/compiler"
	"github.com/kiln-sql/kiln/models"
)

// ModelError is a model that the database rejected, placed in the model's
// file: "models/orders.sql:10:5: Conversion Error: …". The database counts
// lines in the statement kiln ran, which wraps the model's SQL (and the
// ephemeral models it inlines) in DDL; ModelError counts them in the file
// the person wrote.
type ModelError struct {
	// Pos is the model's file, or the file of an ephemeral model it
	// inlines; Line is 0 when the place in it is not known.
	Pos models.Pos
	// Msg is the error's text without the database's own position.
	Msg string
	// Err is the error as the database and the executor reported it.
	Err error
}

func (e *ModelError) Error() string { return e.Pos.String() + ": " + e.Msg }

func (e *ModelError) Unwrap() error { return e.Err }

// statementError is a statement the database rejected; its text is the
// database's.
type statementError struct {
	stmt string
	err  error
}

func (e *statementError) Error() string { return e.err.Error() }

func (e *statementError) Unwrap() error { return e.err }

// locate turns a database error of a model's step into a *ModelError that
// names the model's file, and the line and column there when the database
// gave a position that falls in the model's SQL. Other errors are returned
// as they are.
func (x *Executor) locate(st *Step, err error) error {
	var se *statementError
	if st.model == nil || x.Compiled == nil || !errors.As(err, &se) {
		return err
	}
	dbMsg := se.err.Error()
	pos := models.Pos{File: st.model.Path}
	off, msg, ok := statementOffset(dbMsg, se.stmt)
	if ok {
		if query, qerr := x.Compiled.Render(st.model.Name, st.Incremental); qerr == nil {
			query = compiler.TrimStatement(query)
			if i := strings.Index(se.stmt, query); i >= 0 && off >= i && off <= i+len(query) {
				if p, ok := x.Compiled.QueryPos(st.model.Name, query, off-i); ok || p.File != "" {
					pos = p
				}
			}
		}
	}
	full := err.Error()
	if i := strings.Index(full, dbMsg); i >= 0 {
		full = full[:i] + msg + full[i+len(dbMsg):]
	}
	if seed := x.missingSeed(msg); seed != "" {
		// DuckDB's own guess (a system table) only misleads here.
		full = duckdbGuess.ReplaceAllString(full, "")
		full += "\n\thint: " + seed + " is a seed: load it with kiln seed, or run kiln build, which loads seeds first"
	}
	return &ModelError{Pos: pos, Msg: full, Err: err}
}

// missingTableRE finds the relation a database says does not exist:
// DuckDB's "Table with name x does not exist", PostgreSQL's `relation "s.x"
// does not exist`.
var missingTableRE = regexp.MustCompile(`(?:Table with name (\S+) does not exist|relation "([^"]+)" does not exist)`)

var duckdbGuess = regexp.MustCompile(`\nDid you mean "[^"\n]*"\?`)

// missingSeed names the seed whose table an error says is missing, or "".
func (x *Executor) missingSeed(msg string) string {
	m := missingTableRE.FindStringSubmatch(msg)
	if m == nil {
		return ""
	}
	name := m[1] + m[2]
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Trim(name, `"!`)
	for _, s := range x.Compiled.Project.Seeds {
		if strings.EqualFold(s.Relation.Name, name) {
			return s.Name
		}
	}
	return ""
}

// statementOffset finds where in stmt the database places its error, from
// the error's text, and returns the text without that position, which
// counts in stmt and not in any file a person has; ok is false when the
// text holds no position that stmt has. It knows DuckDB's context
// ("\n\nLINE 24: <the line>\n<spaces>^") and lib/pq's suffix (" at
// position 24:5", " at column 5", before the SQLSTATE). The drivers give
// the position in no other form here: DuckDB's C API has only the text,
// and *pq.Error's Position field needs lib/pq, which only
// dialects/postgres imports.
func statementOffset(msg, stmt string) (off int, clean string, ok bool) {
	if off, clean, ok := duckdbOffset(msg, stmt); ok || clean != msg {
		return off, clean, ok
	}
	return pqOffset(msg, stmt)
}

// duckdbLine is DuckDB's error context: the line of the statement, shown
// whole or cut around the error with "...", then a caret under the error.
var duckdbLine = regexp.MustCompile(`\n\nLINE (\d+): ([^\n]*)\n( *)\^[ \t]*$`)

func duckdbOffset(msg, stmt string) (int, string, bool) {
	m := duckdbLine.FindStringSubmatchIndex(msg)
	if m == nil {
		return 0, msg, false
	}
	clean := msg[:m[0]]
	line, _ := strconv.Atoi(msg[m[2]:m[3]])
	start, text, ok := lineAt(stmt, line)
	if !ok {
		return 0, clean, false
	}
	shown := msg[m[4]:m[5]]
	// The caret's column, counted in the shown text as DuckDB renders it.
	col := (m[7] - m[6]) - len("LINE : ") - (m[3] - m[2])
	from := 0 // where the shown text starts in the line
	if cut, found := strings.CutPrefix(shown, "..."); found {
		cut = strings.TrimSuffix(cut, "...")
		i := strings.Index(text, cut)
		if i < 0 { // the line is known, not the column: its first word
			return start + len(text) - len(strings.TrimLeft(text, " \t")), clean, true
		}
		from, col = i, col-len("...")
	}
	return start + from + displayIndex(text[from:], col), clean, true
}

// displayIndex returns the byte index in s of the character at display
// column col, as DuckDB counts them to place its caret: one per character,
// none for a tab.
func displayIndex(s string, col int) int {
	w := 0
	for i, r := range s {
		if r == '\t' {
			continue
		}
		if w >= col {
			return i
		}
		w++
	}
	return len(s)
}

// pqPosition is what lib/pq adds to a message when the server placed the
// error: the statement's line and column (in characters), or the column
// alone for a statement of one line.
var pqPosition = regexp.MustCompile(` at (?:position (\d+):(\d+)|column (\d+))( \([0-9A-Z]{5}\))?$`)

func pqOffset(msg, stmt string) (int, string, bool) {
	if !strings.HasPrefix(msg, "pq: ") {
		return 0, msg, false
	}
	m := pqPosition.FindStringSubmatchIndex(msg)
	if m == nil {
		return 0, msg, false
	}
	clean := msg[:m[0]]
	if m[8] >= 0 {
		clean += msg[m[8]:m[9]]
	}
	line, col := 1, 0
	if m[2] >= 0 {
		line, _ = strconv.Atoi(msg[m[2]:m[3]])
		col, _ = strconv.Atoi(msg[m[4]:m[5]])
	} else {
		col, _ = strconv.Atoi(msg[m[6]:m[7]])
	}
	start, text, ok := lineAt(stmt, line)
	if !ok {
		return 0, clean, false
	}
	i := 0
	for n := 1; n < col && i < len(text); n++ {
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	return start + i, clean, true
}

// lineAt returns the byte offset and text of line n (from 1) of s.
func lineAt(s string, n int) (int, string, bool) {
	start := 0
	for ; n > 1; n-- {
		i := strings.IndexByte(s[start:], '\n')
		if i < 0 {
			return 0, "", false
		}
		start += i + 1
	}
	if n < 1 {
		return 0, "", false
	}
	text, _, _ := strings.Cut(s[start:], "\n")
	return start, text, true
}
