package compiler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/kiln-sql/kiln/compiler/sqlast"
	"github.com/kiln-sql/kiln/compiler/suggest"
	"github.com/kiln-sql/kiln/dialects"
	"github.com/kiln-sql/kiln/models"
)

// Analyzer parses and binds SQL for the compiler. It is DuckDB's parser
// run in an in-memory database (dialects/duckdb.Parser); cmd wires it in
// through Options. Without one, kiln compiles without understanding the
// SQL.
type Analyzer interface {
	// Serialize returns, for each query, the output of DuckDB's
	// json_serialize_sql: the parse tree, or the parser's error.
	Serialize(ctx context.Context, queries []string) ([]string, error)
	// Bind runs setup in a scratch database, then creates an empty table
	// for each step that next returns, in order: from the step's query,
	// or with its columns when it has no query. It returns each table's
	// columns or why it could not be bound, in the same order. next blocks
	// until the following step is known, and reports false after the
	// last. A step's Reads are schema-qualified relations its query
	// certainly reads; when one does not exist by then, the query is not
	// tried.
	Bind(ctx context.Context, setup []string, next func() (models.BindStep, bool)) ([][]models.Column, []string, error)
}

// ModelAnalysis is what kiln understood of one model's SQL.
type ModelAnalysis struct {
	// Columns are the model's output columns, with DuckDB's types where it
	// could bind the query. Nil when they are not known.
	Columns []models.Column
	// Lineage maps each output column to the upstream columns it is
	// computed from.
	Lineage map[string][]sqlast.ColumnSource
	// Reads are the ids of the nodes the SQL reads, in order of appearance.
	Reads []string
	// NotAnalysed holds the parser's message when it could not read the
	// model; the model then runs as written.
	NotAnalysed string
	// Key identifies the inputs the analysis was made from, for the cache.
	Key string
	// diagnostics found, relative to the rendered SQL
	Problems []problem
	// Transpiled is the SQL printed for the target's dialect, if it differs.
	Transpiled string
	// TypesBound says the columns' types are DuckDB's: bound by DuckDB,
	// or inferred by kiln exactly as DuckDB would bind them
	// (TypesInferred).
	TypesBound    bool
	TypesInferred bool
}

// problem is a diagnostic positioned by a byte offset in the rendered SQL.
type problem struct {
	Offset   int
	Severity models.Severity
	Message  string
	Hint     string
	Token    string // the text at Offset, to find it in the template
	Column   bool   // an unknown column, dropped when DuckDB binds the query
}

// analysisVersion changes whenever the cached analysis would change: with
// kiln's version, and with the executable itself (its size and time), so
// that a rebuilt kiln never trusts an older kiln's cache.
var analysisVersion = func() string {
	v := "kiln-analysis-1 " + Version
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			v += fmt.Sprintf(" %d %d", fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return v
}()

// analysisState is the part of a compile that analysis needs later (for
// Render of incremental models and for lineage).
type analysisState struct {
	analyzer Analyzer
	catalog  *catalog
	target   sqlast.Dialect // "" when no transpiling is needed
	bindAll  bool           // Options.BindAll
}

// targetDialect says which dialect the compiled SQL must be printed in, ""
// when it is the project's own.
func targetDialect(p *models.Project) (sqlast.Dialect, error) {
	if p.Dialect == "" || p.Dialect == p.Target.Type {
		return "", nil
	}
	if p.Dialect == "duckdb" && p.Target.Type == "postgres" {
		return sqlast.Postgres, nil
	}
	return "", fmt.Errorf("kiln cannot transpile models written in %s to %s", p.Dialect, p.Target.Type)
}

// analyze parses every rendered model, infers its columns and lineage,
// checks its column references and, when the target's dialect differs from
// the project's, replaces raw[name] with the transpiled SQL. Models whose
// key is in the cache under target/ are not parsed again.
func (res *Result) analyze(opts Options, raw map[string]string) models.Diagnostics {
	az := opts.Analyzer
	if az == nil {
		return nil
	}
	p := res.Project
	ctx := context.Background()
	var diags models.Diagnostics
	target, err := targetDialect(p)
	if err != nil {
		return models.Diagnostics{{Pos: models.Pos{File: ProjectFile}, Severity: models.Error, Message: err.Error(),
			Hint: "write the models in the target's dialect, or set dialect: to it in kiln.yml"}}
	}
	cat := newCatalog(res)
	res.analysis = map[string]*ModelAnalysis{}
	res.state = &analysisState{analyzer: az, catalog: cat, target: target, bindAll: opts.BindAll}

	order, err := res.Graph.Sort()
	if err != nil {
		return nil // cycles are reported by the graph check
	}
	cacheFile := filepath.Join(p.Dir, "target", ".kiln", "analysis.bin")
	cache := loadAnalysisCache(cacheFile)

	// Keys: the model's SQL and the keys of what it reads (a Merkle
	// chain), the target dialect, and the declared columns of sources and
	// seeds' files.
	keys := map[string]string{}
	for _, s := range p.Sources {
		var b strings.Builder
		if sourceDescribed(s) {
			for _, c := range s.Columns {
				b.WriteString(c.Name + " " + c.DataType + "\x00")
			}
		}
		keys[s.UniqueID(p.Name)] = b.String()
	}
	for _, s := range p.Seeds {
		key := fileChecksum(filepath.Join(p.Dir, s.Path)).Checksum
		for _, k := range slices.Sorted(maps.Keys(s.Config.ColumnTypes)) {
			key += "\x00" + k + " " + s.Config.ColumnTypes[k]
		}
		keys[s.UniqueID(p.Name)] = key
	}
	prefix := fmt.Sprintf("%s\x00%s\x00%s\x00%t\x00%t\x00", analysisVersion, p.Dialect, target, opts.Strict, opts.BindAll)
	var todo []*models.Model
	var modelsInOrder []*models.Model
	for _, id := range order {
		m, ok := res.byID[id].(*models.Model)
		if !ok {
			continue
		}
		sql, ok := raw[m.Name]
		if !ok {
			continue
		}
		h := sha256.New()
		h.Write(stringBytes(prefix))
		h.Write(stringBytes(sql))
		for _, parent := range res.Graph.Parents(id) {
			h.Write(stringBytes("\x00" + parent + "=" + keys[parent]))
		}
		keys[id] = hex.EncodeToString(h.Sum(nil))
		modelsInOrder = append(modelsInOrder, m)
		if c, ok := cache[keys[id]]; ok {
			res.analysis[m.Name] = c
			continue
		}
		todo = append(todo, m)
	}

	// Parse what the cache does not have and analyse each model as its
	// tree arrives, in order, so that it sees its parents' columns. Trees
	// are dropped once analysed unless they are to be transpiled: holding
	// all of them would take most of a gigabyte for 10,000 models.
	fresh := map[string]bool{}
	inferred := 0                          // fresh models whose every column kiln typed itself
	var trees map[string]*sqlast.Statement // kept for transpiling
	if target != "" {
		trees = map[string]*sqlast.Statement{}
	}
	names := interner{}
	// Types: DuckDB binds each freshly analysed model against empty
	// relations (cached models contribute their columns as tables), on
	// its own goroutine while the next models are parsed.
	var bind *binding
	if p.Dialect == "duckdb" && len(todo) > 0 {
		if err := res.bindSeeds(ctx, az, cat, res.badSeeds); err != nil {
			diags = append(diags, models.Diagnostic{Pos: models.Pos{File: ProjectFile}, Severity: models.Warning, Message: "seed column types are unknown: " + err.Error()})
		}
		bind = res.startBind(ctx, az, modelsInOrder, len(todo))
	}
	next := 0 // in modelsInOrder
	// upTo adds the cached models before stop (all when nil) to the catalog.
	upTo := func(stop *models.Model) {
		for ; next < len(modelsInOrder) && modelsInOrder[next] != stop; next++ {
			cat.setModel(modelsInOrder[next], res.analysis[modelsInOrder[next].Name])
		}
	}
	if len(todo) >= 1000 {
		// Parsing thousands of models makes about 150 KB of short-lived
		// trees per model: collecting half as often while it lasts saves
		// a tenth of the time, for memory that is given back after.
		defer bulkAnalysis()()
	}
	analysed := 0
	perr := parseModels(ctx, az, todo, raw, func(m *models.Model, t parsed) {
		upTo(m)
		next++
		if analysed++; analysed%64 == 0 {
			boundHeap() // what the analysis keeps grows with every model
		}
		a := &ModelAnalysis{Key: keys[m.UniqueID(p.Name)]}
		switch {
		case t.err != nil:
			a.NotAnalysed = t.err.Message
			sev := models.Warning
			msg := "not analysed: " + t.err.Message
			if t.err.Syntax() && p.Dialect == "duckdb" || opts.Strict || target != "" {
				sev = models.Error
			}
			if t.err.Syntax() && p.Dialect == "duckdb" {
				msg = "syntax error: " + strings.TrimPrefix(t.err.Message, "syntax error ")
			}
			off := t.err.Position
			if off < 0 {
				off = 0
			}
			a.Problems = append(a.Problems, problem{Offset: off, Severity: sev, Message: msg, Token: tokenAt(raw[m.Name], off)})
		case t.stmt != nil:
			fresh[m.Name] = true
			if trees != nil {
				trees[m.Name] = t.stmt
			}
			reads := res.analyseOne(m, t.stmt, a, raw[m.Name], cat, names)
			switch {
			case a.TypesBound:
				inferred++
			case bind != nil:
				bind.add(res, m, a, TrimStatement(raw[m.Name]), reads)
			}
		}
		res.analysis[m.Name] = a
		cat.setModel(m, a)
	})
	if perr != nil {
		if bind != nil {
			bind.stop()
		}
		// As if nothing had been analysed: only the cache's answers stay.
		res.analysis = map[string]*ModelAnalysis{}
		for _, m := range modelsInOrder {
			if c, ok := cache[keys[m.UniqueID(p.Name)]]; ok {
				res.analysis[m.Name] = c
			}
		}
		res.state.catalog = newCatalog(res)
		return models.Diagnostics{{Pos: models.Pos{File: ProjectFile}, Severity: models.Error, Message: "analysing the SQL: " + perr.Error()}}
	}
	upTo(nil)
	if PhaseTimes {
		fmt.Fprintf(os.Stderr, "analysis: %d models from the cache, %d analysed, %d of them typed without DuckDB\n", len(modelsInOrder)-len(todo), len(todo), inferred)
	}

	if bind != nil {
		if len(fresh) == 0 {
			bind.stop() // nothing of this compile's own to bind
		} else if err := res.finishBind(bind, cat); err != nil {
			diags = append(diags, models.Diagnostic{Pos: models.Pos{File: ProjectFile}, Severity: models.Warning, Message: "column types are unknown: " + err.Error()})
		}
	}

	// Transpile with the types that binding found.
	if target != "" {
		for _, m := range modelsInOrder {
			st := trees[m.Name]
			a := res.analysis[m.Name]
			if st == nil {
				continue
			}
			an := sqlast.Analyze(st, cat)
			out, err := sqlast.Print(st, sqlast.PrintOptions{Dialect: target, Analysis: an})
			var ue *sqlast.UnsupportedError
			switch {
			case errors.As(err, &ue):
				off := 0
				if ue.Location != sqlast.NoLocation {
					off = int(ue.Location)
				}
				a.Problems = append(a.Problems, problem{Offset: off, Severity: models.Error, Token: tokenAt(raw[m.Name], off),
					Message: fmt.Sprintf("%s cannot be carried over to %s", ue.Construct, target), Hint: ue.Hint})
			case err != nil:
				a.Problems = append(a.Problems, problem{Severity: models.Error, Message: err.Error()})
			default:
				a.Transpiled = out + "\n"
			}
		}
	}

	for _, m := range modelsInOrder {
		a := res.analysis[m.Name]
		if a.Transpiled != "" {
			raw[m.Name] = a.Transpiled
		}
		diags = append(diags, res.positionProblems(m, a)...)
	}

	// Keep the cache to what this project has now. When every model was
	// found in it and it holds no others, it already is that.
	keep := make(map[string]*ModelAnalysis, len(res.analysis))
	for _, a := range res.analysis {
		keep[a.Key] = a
	}
	if len(todo) > 0 || len(keep) != len(cache) {
		saveAnalysisCache(cacheFile, keep)
	}
	return diags
}

type parsed struct {
	stmt *sqlast.Statement
	err  *sqlast.ParseError
}

// parseModels parses the rendered SQL of ms and calls each with every
// model's tree or error, in the order of ms, on the calling goroutine.
// Queries go to DuckDB in batches joined by semicolons, on several
// goroutines that serialize and decode a few batches ahead of each and no
// further, so that only those batches' JSON and trees are held at once.
// A batch that fails, or does not give one statement per query, is parsed
// again one query at a time so that each error belongs to its model.
func parseModels(ctx context.Context, az Analyzer, ms []*models.Model, raw map[string]string, each func(*models.Model, parsed)) error {
	// 32 models (≈ 50 KB of SQL) per call: fewer round trips than one by
	// one, and a failed batch costs little to parse again.
	const batchSize = 32
	type batch struct {
		out  []parsed
		err  error
		done chan struct{}
	}
	batches := make([]batch, (len(ms)+batchSize-1)/batchSize)
	for i := range batches {
		batches[i].done = make(chan struct{})
	}
	workers := min(runtime.GOMAXPROCS(0), len(batches))
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	// A worker takes a token before it starts a batch; each gives its
	// token back once consumed. Batches start in order, so the next one to
	// consume is always under way or done.
	tokens := make(chan struct{}, 2*workers)
	var taken atomic.Int64
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case tokens <- struct{}{}:
				case <-ctx.Done():
					return
				}
				i := int(taken.Add(1)) - 1
				if i >= len(batches) {
					return
				}
				lo := i * batchSize
				b := &batches[i]
				b.out, b.err = parseBatch(ctx, az, ms[lo:min(lo+batchSize, len(ms))], raw)
				close(b.done)
			}
		}()
	}
	for i := range batches {
		b := &batches[i]
		<-b.done
		if b.err != nil {
			return b.err
		}
		for j, t := range b.out {
			each(ms[i*batchSize+j], t)
		}
		b.out = nil
		<-tokens
	}
	return nil
}

// parseBatch parses ms joined into one string, or one by one when that
// fails.
func parseBatch(ctx context.Context, az Analyzer, ms []*models.Model, raw map[string]string) ([]parsed, error) {
	out := make([]parsed, len(ms))
	var sb strings.Builder
	offsets := make([]int, len(ms))
	for i, m := range ms {
		if i > 0 {
			sb.WriteString(";\n")
		}
		offsets[i] = sb.Len()
		sb.WriteString(TrimStatement(raw[m.Name]))
	}
	jsons, err := az.Serialize(ctx, []string{sb.String()})
	if err != nil {
		return nil, err
	}
	if stmts, err := sqlast.Decode([]byte(jsons[0])); err == nil && len(stmts) == len(ms) {
		for i, st := range stmts {
			if offsets[i] > 0 {
				sqlast.Shift(st, -int64(offsets[i]))
			}
			out[i] = parsed{stmt: st}
		}
		return out, nil
	}
	texts := make([]string, len(ms))
	for i, m := range ms {
		texts[i] = TrimStatement(raw[m.Name])
	}
	jsons, err = az.Serialize(ctx, texts)
	if err != nil {
		return nil, err
	}
	for i := range ms {
		stmts, err := sqlast.Decode([]byte(jsons[i]))
		var pe *sqlast.ParseError
		switch {
		case errors.As(err, &pe):
			out[i] = parsed{err: pe}
		case err != nil:
			out[i] = parsed{err: &sqlast.ParseError{Message: err.Error(), Position: -1}}
		case len(stmts) != 1:
			out[i] = parsed{err: &sqlast.ParseError{Message: fmt.Sprintf("a model is one SELECT statement; this one has %d", len(stmts)), Position: -1, Type: "kiln"}}
		default:
			out[i] = parsed{stmt: stmts[0]}
		}
	}
	return out, nil
}

// interner makes one copy of each name kept after analysis. A decoded
// tree's strings point into the JSON of its whole batch, which a single
// kept column name would otherwise hold in memory; and 10,000 models
// repeat the same few thousand names.
type interner map[string]string

func (in interner) get(s string) string {
	if v, ok := in[s]; ok {
		return v
	}
	s = strings.Clone(s)
	in[s] = s
	return s
}

// analyseOne runs the column analysis of one model. It returns the
// schema-qualified relations that DuckDB must find to bind the model.
func (res *Result) analyseOne(m *models.Model, st *sqlast.Statement, a *ModelAnalysis, sql string, cat *catalog, names interner) []models.Relation {
	an := sqlast.Analyze(st, cat)
	seen := map[string]bool{}
	var needs []models.Relation
	for _, r := range an.Reads {
		if r.Function {
			continue
		}
		if !r.Unused && r.Schema != "" && r.Catalog == "" {
			needs = append(needs, models.Relation{Schema: names.get(r.Schema), Name: names.get(r.Name)})
		}
		if r.ID == "" {
			name := r.Name
			if r.Schema != "" {
				name = r.Schema + "." + r.Name
			}
			off := int(r.Location)
			if r.Location == sqlast.NoLocation {
				off = 0
			}
			a.Problems = append(a.Problems, problem{Offset: off, Severity: models.Warning, Token: tokenAt(sql, off),
				Message: fmt.Sprintf("table %s is read directly, not through ref or source", name),
				Hint:    "use {{ ref \"…\" }} or declare it as a source and use {{ source \"…\" \"…\" }}, so that kiln knows the dependency"})
			continue
		}
		if !seen[r.ID] {
			seen[r.ID] = true
			a.Reads = append(a.Reads, r.ID)
		}
	}
	for _, pr := range an.Problems {
		off := int(pr.Location)
		if pr.Location == sqlast.NoLocation {
			off = 0
		}
		last := pr.Name
		if i := strings.LastIndexByte(last, '.'); i >= 0 {
			last = last[i+1:]
		}
		a.Problems = append(a.Problems, problem{Offset: off, Severity: models.Error, Token: tokenAt(sql, off), Column: true,
			Message: fmt.Sprintf("column %q is not produced by any upstream model or source", pr.Name),
			Hint:    suggest.Hint(last, pr.Candidates)})
	}
	if an.ColumnsKnown {
		a.Columns = make([]models.Column, len(an.Columns))
		a.Lineage = map[string][]sqlast.ColumnSource{}
		// When kiln knows every column's type exactly as DuckDB would bind
		// it, and every column reference resolved, DuckDB need not bind
		// the model: that saves about a millisecond per model.
		typed := res.Project.Dialect == "duckdb" && !res.state.bindAll && len(an.Problems) == 0 && len(an.Columns) > 0
		for i, c := range an.Columns {
			name := names.get(c.Name)
			src := nonNil(c.Sources)
			for j := range src {
				src[j] = sqlast.ColumnSource{Relation: names.get(src[j].Relation), Column: names.get(src[j].Column)}
			}
			t := c.Exact // "" unless kiln knows the type as DuckDB binds it
			typed = typed && t != ""
			a.Columns[i] = models.Column{Name: name, DataType: names.get(t)}
			a.Lineage[name] = src
		}
		if typed && !duplicateNames(a.Columns) {
			a.TypesBound, a.TypesInferred = true, true
		} else {
			for i := range a.Columns {
				a.Columns[i].DataType = ""
			}
		}
	}
	return needs
}

// duplicateNames says whether two columns share a name: DuckDB renames
// the second when it creates a table (a → a_1), which only binding shows.
func duplicateNames(cols []models.Column) bool {
	seen := make(map[string]bool, len(cols))
	for _, c := range cols {
		k := strings.ToLower(c.Name)
		if seen[k] {
			return true
		}
		seen[k] = true
	}
	return false
}

// binding is a run of Analyzer.Bind fed with models as they are analysed.
type binding struct {
	cancel context.CancelFunc
	queue  chan bindQuery
	done   chan struct{}
	// created holds the relations sent to DuckDB, by unique id; only the
	// analysis goroutine touches it.
	created map[string]bool
	// Set by the goroutine running Bind, read after done.
	given []bindQuery // in the order Bind received them
	cols  [][]models.Column
	errs  []string
	err   error
}

type bindQuery struct {
	name string // the model's; "" when the step only creates a known relation
	step models.BindStep
}

// bindSeeds reads the seeds' CSV headers and types as kiln's DuckDB engine
// would load them, before any model is analysed, so that the models that
// read seeds can be typed without DuckDB.
func (res *Result) bindSeeds(ctx context.Context, az Analyzer, cat *catalog, bad map[string]bool) error {
	p := res.Project
	var seeds []*models.Seed
	for _, s := range p.Seeds {
		if !bad[s.Name] {
			seeds = append(seeds, s)
		}
	}
	if len(seeds) == 0 {
		return nil
	}
	var rels []models.Relation
	for _, s := range seeds {
		rels = append(rels, s.Relation)
	}
	i := 0
	cols, errs, err := az.Bind(ctx, createSchemas(rels), func() (models.BindStep, bool) {
		if i == len(seeds) {
			return models.BindStep{}, false
		}
		s := seeds[i]
		i++
		return models.BindStep{Relation: s.Relation, Query: seedQuery(filepath.Join(p.Dir, s.Path), s.Config.ColumnTypes)}, true
	})
	if err != nil {
		return err
	}
	for i, s := range seeds {
		if errs[i] == "" {
			cat.setSeed(s, cols[i])
		}
	}
	return nil
}

// checkSeeds reads every seed file as the engines load it. A file that is
// not well-formed CSV is an error at its line, on every compile (not only
// when the analysis is not cached): DuckDB's sniffer would read it as other
// columns, and the models that read it would report missing columns. The
// error stops loading that seed only (Diagnostic.Node).
func (res *Result) checkSeeds() (models.Diagnostics, map[string]bool) {
	p := res.Project
	errs := make([]*dialects.SeedError, len(p.Seeds))
	parallel(len(p.Seeds), func(i int) {
		err := dialects.ReadSeedCSV(filepath.Join(p.Dir, p.Seeds[i].Path), nil, func(int, []string) error { return nil })
		errors.As(err, &errs[i])
	})
	var diags models.Diagnostics
	bad := map[string]bool{}
	for i, se := range errs {
		if se == nil {
			continue
		}
		s := p.Seeds[i]
		bad[s.Name] = true
		diags = append(diags, models.Diagnostic{Pos: models.Pos{File: s.Path, Line: se.Line, Col: se.Col}, Severity: models.Error,
			Message: se.Msg, Hint: "a seed is CSV with a header row: one field per column on every row, fields that hold commas, quotes or line breaks in double quotes, quotes doubled",
			Node: s.UniqueID(p.Name)})
	}
	return diags, bad
}

// startBind starts binding in a scratch database that has the project's
// schemas. Fresh models follow as add hands them over (at most fresh of
// them), each after the relations it reads whose columns kiln knows.
func (res *Result) startBind(ctx context.Context, az Analyzer, ordered []*models.Model, fresh int) *binding {
	p := res.Project
	var rels []models.Relation
	for _, s := range p.Sources {
		rels = append(rels, s.Relation)
	}
	for _, s := range p.Seeds {
		rels = append(rels, s.Relation)
	}
	for _, m := range ordered {
		if m.Config.Materialized != models.Ephemeral {
			rels = append(rels, m.Relation)
		}
	}
	setup := createSchemas(rels)
	b := &binding{done: make(chan struct{}), created: map[string]bool{}}
	// Each model is bound once and may first need each relation it reads
	// created once: the queue never blocks the analysis.
	b.queue = make(chan bindQuery, 2*fresh+len(ordered)+len(p.Seeds)+len(p.Sources))
	ctx, b.cancel = context.WithCancel(ctx)
	go func() {
		defer close(b.done)
		b.cols, b.errs, b.err = az.Bind(ctx, setup, func() (models.BindStep, bool) {
			q, ok := <-b.queue
			if !ok {
				return models.BindStep{}, false
			}
			b.given = append(b.given, q)
			return q.step, true
		})
	}()
	return b
}

// createSchemas is the statements that create the schemas of rels.
func createSchemas(rels []models.Relation) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range rels {
		if r.Schema != "" && !seen[r.Schema] {
			seen[r.Schema] = true
			out = append(out, "create schema if not exists "+quoteIdent(r.Schema))
		}
	}
	return out
}

// bindRelation is where Bind creates a model's table.
func bindRelation(m *models.Model) models.Relation {
	if m.Config.Materialized == models.Ephemeral {
		return models.Relation{Name: cteName(m.Name)}
	}
	return m.Relation
}

// add hands a freshly analysed model over to DuckDB, after creating the
// models, seeds and sources it reads whose columns and types are known and
// that DuckDB does not have yet.
func (b *binding) add(res *Result, m *models.Model, a *ModelAnalysis, query string, reads []models.Relation) {
	for _, id := range a.Reads {
		if b.created[id] {
			continue
		}
		var step models.BindStep
		switch n := res.byID[id].(type) {
		case *models.Model:
			pa := res.analysis[n.Name]
			if pa == nil || !pa.TypesBound || len(pa.Columns) == 0 {
				continue
			}
			step = models.BindStep{Relation: bindRelation(n), Columns: pa.Columns}
		case *models.Seed:
			step = catalogStep(res.state.catalog, n.Relation)
		case *models.Source:
			step = catalogStep(res.state.catalog, n.Relation)
		}
		if step.Columns == nil {
			continue
		}
		b.created[id] = true
		b.queue <- bindQuery{step: step}
	}
	b.created[m.UniqueID(res.Project.Name)] = true
	b.queue <- bindQuery{name: m.Name, step: models.BindStep{Relation: bindRelation(m), Query: query, Reads: reads}}
}

// catalogStep creates rel with the columns the catalog knows, when it
// knows all their types (a described source, a seed DuckDB has read).
func catalogStep(cat *catalog, rel models.Relation) models.BindStep {
	r := cat.Relation(rel.Schema, rel.Name)
	if r == nil || len(r.Columns) == 0 {
		return models.BindStep{}
	}
	cols := make([]models.Column, len(r.Columns))
	for i, c := range r.Columns {
		if c.Type == "" {
			return models.BindStep{}
		}
		cols[i] = models.Column{Name: c.Name, DataType: c.Type}
	}
	return models.BindStep{Relation: rel, Columns: cols}
}

// stop ends the binding and drops what it found.
func (b *binding) stop() {
	b.cancel()
	close(b.queue)
	<-b.done
}

// finishBind waits for the binding to end and records the column types
// it found in the analyses and the catalog.
func (res *Result) finishBind(b *binding, cat *catalog) error {
	close(b.queue)
	<-b.done
	b.cancel()
	if b.err != nil {
		return b.err
	}
	for i, q := range b.given {
		cols, failed := b.cols[i], b.errs[i] != ""
		if q.name == "" || failed {
			continue
		}
		a := res.analysis[q.name]
		// Binding succeeded, so every column reference resolved.
		kept := a.Problems[:0]
		for _, pr := range a.Problems {
			if !pr.Column {
				kept = append(kept, pr)
			}
		}
		a.Problems = kept
		if len(a.Columns) == len(cols) {
			lin := map[string][]sqlast.ColumnSource{}
			for j, c := range cols {
				lin[c.Name] = a.Lineage[a.Columns[j].Name]
				if lin[c.Name] == nil {
					lin[c.Name] = []sqlast.ColumnSource{}
				}
			}
			a.Lineage = lin
		} else {
			a.Lineage = nil
		}
		a.Columns = cols
		a.TypesBound = true
		m := res.renderer.models[q.name]
		cat.setModel(m, a)
	}
	return nil
}

func (res *Result) seedByRelation(r models.Relation) *models.Seed {
	for _, s := range res.Project.Seeds {
		if s.Relation == r {
			return s
		}
	}
	return nil
}

// seedQuery reads a seed's CSV as kiln's DuckDB engine loads it.
func seedQuery(path string, types map[string]string) string {
	opts := []string{"header = true", "auto_detect = true", "sample_size = -1"}
	if len(types) > 0 {
		keys := make([]string, 0, len(types))
		for k := range types {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var pairs []string
		for _, k := range keys {
			pairs = append(pairs, analysisLiteral(k)+": "+analysisLiteral(types[k]))
		}
		opts = append(opts, "types = {"+strings.Join(pairs, ", ")+"}")
	}
	return "select * from read_csv(" + analysisLiteral(path) + ", " + strings.Join(opts, ", ") + ")"
}

func analysisLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// positionProblems turns a model's problems into diagnostics in its file.
func (res *Result) positionProblems(m *models.Model, a *ModelAnalysis) models.Diagnostics {
	if len(a.Problems) == 0 {
		return nil
	}
	sql := res.renderedFor(m)
	var pm *posMap
	var out models.Diagnostics
	for _, pr := range a.Problems {
		if pm == nil {
			pm = newPosMap(m.Raw, sql)
		}
		out = append(out, models.Diagnostic{Pos: pm.pos(m.Path, pr.Offset, pr.Token), Severity: pr.Severity, Message: pr.Message, Hint: pr.Hint})
	}
	return out
}

// renderedFor is the model's SQL as it was rendered, before transpiling.
func (res *Result) renderedFor(m *models.Model) string {
	if s, ok := res.rendered[m.Name]; ok {
		return s
	}
	return ""
}

// tokenAt returns the identifier or word at byte offset off.
func tokenAt(s string, off int) string {
	if off < 0 || off >= len(s) {
		return ""
	}
	end := off
	if s[end] == '"' {
		if j := strings.IndexByte(s[end+1:], '"'); j >= 0 {
			return s[off : end+j+2]
		}
	}
	for end < len(s) && (isIdentByte(s[end]) || s[end] == '.') {
		end++
	}
	if end == off {
		end = min(off+1, len(s))
	}
	return s[off:end]
}

// Analysis returns what kiln understood of a model's SQL, or nil.
func (res *Result) Analysis(name string) *ModelAnalysis { return res.analysis[name] }

// transpile prints a model rendered outside of Compile (an incremental
// run) for the target's dialect.
func (res *Result) transpile(name, sql string) (string, error) {
	out, err := res.transpileSQL(sql)
	if err != nil {
		return "", fmt.Errorf("model %s: %w", name, err)
	}
	return out, nil
}

// transpileSQL prints one statement of the project's dialect in the
// target's; it returns sql as it is when they are the same.
func (res *Result) transpileSQL(sql string) (string, error) {
	st := res.state
	if st == nil || st.target == "" {
		return sql, nil
	}
	jsons, err := st.analyzer.Serialize(context.Background(), []string{TrimStatement(sql)})
	if err != nil {
		return "", err
	}
	stmts, err := sqlast.Decode([]byte(jsons[0]))
	if err != nil {
		return "", err
	}
	if len(stmts) != 1 {
		return "", fmt.Errorf("expected one statement, got %d", len(stmts))
	}
	an := sqlast.Analyze(stmts[0], st.catalog)
	out, err := sqlast.Print(stmts[0], sqlast.PrintOptions{Dialect: st.target, Analysis: an})
	if err != nil {
		return "", err
	}
	return out + "\n", nil
}

// ---------------------------------------------------------------- catalog

// catalog resolves the relations a model's SQL names to kiln's nodes.
type catalog struct {
	project string
	mu      sync.RWMutex
	rel     map[string]*sqlast.Relation // "schema.name" and "name" (unique), lower case
}

func relKey(schema, name string) string { return strings.ToLower(schema) + "." + strings.ToLower(name) }

// sourceDescribed says whether a source's declared columns describe its
// table: all of them with a data_type. Columns listed only to document or
// test them (as dbt projects do) say nothing about the others, so such a
// source's columns count as unknown.
func sourceDescribed(s *models.Source) bool {
	if len(s.Columns) == 0 {
		return false
	}
	for _, c := range s.Columns {
		if c.DataType == "" {
			return false
		}
	}
	return true
}

func newCatalog(res *Result) *catalog {
	p := res.Project
	c := &catalog{project: p.Name, rel: map[string]*sqlast.Relation{}}
	for _, s := range p.Sources {
		r := &sqlast.Relation{ID: s.UniqueID(p.Name)}
		if sourceDescribed(s) {
			for _, col := range s.Columns {
				r.Columns = append(r.Columns, sqlast.Column{Name: col.Name, Type: strings.ToUpper(col.DataType)})
			}
		}
		c.rel[relKey(s.Relation.Schema, s.Relation.Name)] = r
	}
	for _, s := range p.Seeds {
		r := &sqlast.Relation{ID: s.UniqueID(p.Name)}
		if cols := csvHeader(filepath.Join(p.Dir, s.Path)); cols != nil {
			for _, name := range cols {
				r.Columns = append(r.Columns, sqlast.Column{Name: name})
			}
		}
		c.rel[relKey(s.Relation.Schema, s.Relation.Name)] = r
	}
	for _, m := range p.Models {
		c.setModel(m, nil)
	}
	return c
}

func (c *catalog) setModel(m *models.Model, a *ModelAnalysis) {
	r := &sqlast.Relation{ID: m.UniqueID(c.project)}
	if a != nil && a.Columns != nil {
		r.Columns = make([]sqlast.Column, len(a.Columns))
		for i, col := range a.Columns {
			r.Columns[i] = sqlast.Column{Name: col.Name, Type: col.DataType}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if m.Config.Materialized == models.Ephemeral {
		c.rel[relKey("", cteName(m.Name))] = r
		return
	}
	c.rel[relKey(m.Relation.Schema, m.Relation.Name)] = r
}

func (c *catalog) setSeed(s *models.Seed, cols []models.Column) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.rel[relKey(s.Relation.Schema, s.Relation.Name)]
	if r == nil {
		return
	}
	r.Columns = make([]sqlast.Column, len(cols))
	for i, col := range cols {
		r.Columns[i] = sqlast.Column{Name: col.Name, Type: col.DataType}
	}
}

// Relation implements sqlast.Catalog.
func (c *catalog) Relation(schema, name string) *sqlast.Relation {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.rel[relKey(schema, name)]
}

// csvHeader reads the first line of a CSV file as column names.
func csvHeader(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	buf := make([]byte, 64*1024)
	n, _ := f.Read(buf)
	line, _, _ := strings.Cut(string(buf[:n]), "\n")
	line = strings.TrimRight(line, "\r")
	line = strings.TrimPrefix(line, "\ufeff")
	if line == "" {
		return nil
	}
	var cols []string
	for _, c := range strings.Split(line, ",") {
		c = strings.TrimSpace(c)
		c = strings.Trim(c, `"`)
		cols = append(cols, c)
	}
	return cols
}

// annotate adds a model's analysis to its manifest entry: the inferred
// columns (merged with the declared ones, whose descriptions and tests
// stay), their lineage, and why it was not analysed.
func (res *Result) annotate(n *ManifestNode, m *models.Model) {
	a := res.analysis[m.Name]
	if a == nil {
		return
	}
	n.NotAnalysed = a.NotAnalysed
	if a.Columns == nil {
		return
	}
	declared := map[string]models.Column{}
	for _, c := range m.Columns {
		declared[strings.ToLower(c.Name)] = c
	}
	cols := make([]models.Column, 0, len(a.Columns))
	seen := map[string]bool{}
	for _, c := range a.Columns {
		out := c
		if d, ok := declared[strings.ToLower(c.Name)]; ok {
			out = d
			if out.DataType == "" {
				out.DataType = strings.ToLower(c.DataType)
			}
			seen[strings.ToLower(c.Name)] = true
		} else {
			out.DataType = strings.ToLower(c.DataType)
		}
		cols = append(cols, out)
	}
	// Declared columns the SQL does not produce stay listed, after the rest.
	for _, c := range m.Columns {
		if !seen[strings.ToLower(c.Name)] {
			cols = append(cols, c)
		}
	}
	n.Columns = cols
	n.ColumnLineage = a.Lineage
}
