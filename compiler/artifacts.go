package compiler

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unsafe"

	gojson "github.com/goccy/go-json"

	"github.com/kiln-sql/kiln/compiler/sqlast"
	"github.com/kiln-sql/kiln/models"
)

// Version is kiln's version, written into artifacts.
var Version = "0.1.0-dev"

// Manifest is target/manifest.json: every node with its config, checksums,
// dependencies and columns. It holds no timestamps and no absolute paths,
// and its maps marshal with sorted keys, so the same project gives the same
// bytes on every run and machine.
type Manifest struct {
	Metadata  ManifestMetadata          `json:"metadata"`
	Nodes     map[string]ManifestNode   `json:"nodes"`
	Sources   map[string]ManifestSource `json:"sources"`
	Macros    map[string]ManifestMacro  `json:"macros"`
	ParentMap map[string][]string       `json:"parent_map"`
	ChildMap  map[string][]string       `json:"child_map"`
	// UnitTests are the unit_tests: of the properties files (testartifacts.go).
	UnitTests map[string]ManifestUnitTest `json:"unit_tests"`
}

// ManifestMetadata describes the project and target the manifest is for.
type ManifestMetadata struct {
	KilnVersion string `json:"kiln_version"`
	ProjectName string `json:"project_name"`
	Dialect     string `json:"dialect"`
	TargetName  string `json:"target_name"`
	TargetType  string `json:"target_type"`
	// TargetSchema is the target's schema, so that a comparison with
	// another target's manifest can tell it from the author's changes.
	TargetSchema string `json:"target_schema"`
}

// ManifestNode is a model or seed.
type ManifestNode struct {
	UniqueID         string          `json:"unique_id"`
	ResourceType     string          `json:"resource_type"`
	Name             string          `json:"name"`
	Package          string          `json:"package_name"`
	Path             string          `json:"original_file_path"`
	FQN              []string        `json:"fqn"`
	Description      string          `json:"description"`
	Config           models.Config   `json:"config"`
	Tags             []string        `json:"tags"`
	Columns          []models.Column `json:"columns"`
	DependsOn        DependsOn       `json:"depends_on"`
	Refs             []string        `json:"refs"`
	Sources          [][]string      `json:"sources"`
	Relation         models.Relation `json:"relation"`
	RelationName     string          `json:"relation_name"`
	Checksum         Checksum        `json:"checksum"`
	CompiledChecksum Checksum        `json:"compiled_checksum"`
	CompiledCode     string          `json:"compiled_code"`
	CompiledPath     string          `json:"compiled_path,omitempty"`
	// What kiln understood of the SQL (analyze.go): the upstream columns
	// each output column is computed from, and why a model was not
	// analysed.
	ColumnLineage map[string][]sqlast.ColumnSource `json:"column_lineage,omitempty"`
	NotAnalysed   string                           `json:"not_analysed,omitempty"`
	// Data tests only (testartifacts.go): the generic test and its
	// arguments, the column it checks and the node it is declared on.
	TestMetadata *TestMetadata `json:"test_metadata,omitempty"`
	ColumnName   string        `json:"column_name,omitempty"`
	AttachedNode string        `json:"attached_node,omitempty"`
}

// DependsOn lists a node's direct parents and the macros it calls.
type DependsOn struct {
	Nodes  []string `json:"nodes"`
	Macros []string `json:"macros"`
}

// Checksum is a content hash, as dbt writes it.
type Checksum struct {
	Name     string `json:"name"`
	Checksum string `json:"checksum"`
}

// ManifestSource is one source table.
type ManifestSource struct {
	UniqueID     string          `json:"unique_id"`
	SourceName   string          `json:"source_name"`
	Name         string          `json:"name"`
	Identifier   string          `json:"identifier"`
	Path         string          `json:"original_file_path"`
	Description  string          `json:"description"`
	Columns      []models.Column `json:"columns"`
	Relation     models.Relation `json:"relation"`
	RelationName string          `json:"relation_name"`
	// SourceDescription and Tags come from the source and its table.
	SourceDescription string   `json:"source_description"`
	Tags              []string `json:"tags"`
}

// ManifestMacro is one macro.
type ManifestMacro struct {
	Name string `json:"name"`
	Path string `json:"original_file_path"`
}

func sha(s string) Checksum {
	h := sha256.Sum256(stringBytes(s))
	return Checksum{Name: "sha256", Checksum: hex.EncodeToString(h[:])}
}

// stringBytes views s as bytes without copying it, for functions that only
// read their argument (hashing): []byte(s) would copy every model's SQL.
func stringBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// bytesString views b as a string without copying it; b must never change
// afterwards.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// Manifest builds the manifest of a compiled project.
// It is built once per Result; callers must not modify it.
func (res *Result) Manifest() *Manifest {
	res.manifestOnce.Do(func() { res.manifest = res.buildManifest() })
	return res.manifest
}

func (res *Result) buildManifest() *Manifest {
	p := res.Project
	mf := &Manifest{
		Metadata: ManifestMetadata{KilnVersion: Version, ProjectName: p.Name, Dialect: p.Dialect, TargetName: p.Target.Name, TargetType: p.Target.Type, TargetSchema: p.Target.Schema},
		Nodes:    map[string]ManifestNode{}, Sources: map[string]ManifestSource{}, Macros: map[string]ManifestMacro{},
		ParentMap: map[string][]string{}, ChildMap: map[string][]string{},
	}
	quote := res.renderer.quote
	nodes := make([]ManifestNode, len(p.Models))
	parallel(len(p.Models), func(i int) {
		m := p.Models[i]
		id := m.UniqueID(p.Name)
		refs := make([]string, 0, len(m.Refs))
		for _, r := range m.Refs {
			refs = append(refs, r.Name)
		}
		srcs := make([][]string, 0, len(m.Sources))
		for _, s := range m.Sources {
			srcs = append(srcs, []string{s.Source, s.Table})
		}
		compiled := res.Compiled[m.Name]
		n := ManifestNode{
			UniqueID: id, ResourceType: string(models.ResourceModel), Name: m.Name, Package: p.Name, Path: m.Path,
			FQN: fqn(p.Name, m.Path, "models"), Description: m.Description,
			Config: m.Config, Tags: m.Config.Tags, Columns: nonNil(m.Columns),
			DependsOn: DependsOn{Nodes: nonNil(res.Graph.Parents(id)), Macros: nonNil(m.Macros)},
			Refs:      refs, Sources: srcs, Relation: m.Relation, RelationName: quote(m.Relation),
			Checksum: Checksum{Name: "sha256", Checksum: m.Checksum}, CompiledChecksum: sha(compiled), CompiledCode: compiled,
			CompiledPath: "target/compiled/" + m.Path,
		}
		if m.Config.Materialized == models.Ephemeral {
			n.RelationName = ""
		}
		res.annotate(&n, m)
		nodes[i] = n
	})
	for _, n := range nodes {
		mf.Nodes[n.UniqueID] = n
	}
	for _, s := range p.Seeds {
		id := s.UniqueID(p.Name)
		mf.Nodes[id] = ManifestNode{
			UniqueID: id, ResourceType: string(models.ResourceSeed), Name: s.Name, Package: p.Name, Path: s.Path,
			FQN: fqn(p.Name, s.Path, "seeds"), Description: s.Description,
			Config: s.Config, Tags: s.Config.Tags, Columns: nonNil(s.Columns),
			DependsOn: DependsOn{Nodes: []string{}, Macros: []string{}}, Refs: []string{}, Sources: [][]string{},
			Relation: s.Relation, RelationName: quote(s.Relation), Checksum: fileChecksum(filepath.Join(p.Dir, s.Path)),
		}
	}
	for _, s := range p.Sources {
		id := s.UniqueID(p.Name)
		mf.Sources[id] = ManifestSource{UniqueID: id, SourceName: s.SourceName, Name: s.Name, Identifier: s.Identifier,
			Path: s.Path, Description: s.Description, Columns: nonNil(s.Columns), Relation: s.Relation, RelationName: quote(s.Relation),
			SourceDescription: s.SourceDescription, Tags: nonNil(s.Tags)}
	}
	for _, m := range p.Macros {
		mf.Macros["macro."+p.Name+"."+m.Name] = ManifestMacro{Name: m.Name, Path: m.Pos.File}
	}
	res.manifestTests(mf)
	for _, v := range res.Graph.Vertices() {
		mf.ParentMap[v] = nonNil(res.Graph.Parents(v))
		mf.ChildMap[v] = nonNil(res.Graph.Children(v))
	}
	return mf
}

func fileChecksum(path string) Checksum {
	data, err := os.ReadFile(path)
	if err != nil {
		return Checksum{Name: "none"}
	}
	return sha(string(data))
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// WriteArtifacts writes target/manifest.json and target/compiled/<path>
// for the named models. An index of what was written last time
// (target/compiled/.kiln-index) lets unchanged files be left alone without
// reading them, so that a second compile writes almost nothing.
func (res *Result) WriteArtifacts(targetDir string, names []string) error {
	mf := res.Manifest()
	Phase("build manifest")
	manifestDone := make(chan error, 1)
	go func() { manifestDone <- mf.WriteFile(filepath.Join(targetDir, "manifest.json")) }()

	compiledDir := filepath.Join(targetDir, "compiled")
	index := readIndex(compiledDir)
	next := make(map[string]string, len(index)+len(names))
	for k, v := range index {
		next[k] = v
	}
	sums := make([]string, len(names))
	errs := make([]error, len(names))
	parallelN(len(names), ioWorkers, func(i int) {
		m := res.renderer.models[names[i]]
		sql, ok := res.Compiled[names[i]]
		if m == nil || !ok {
			return
		}
		sums[i] = mf.Nodes[m.UniqueID(res.Project.Name)].CompiledChecksum.Checksum
		file := filepath.Join(compiledDir, filepath.FromSlash(m.Path))
		res.wrote("compiled/" + m.Path)
		if index[m.Path] == sums[i] {
			if fi, err := os.Stat(file); err == nil && fi.Size() == int64(len(sql)) {
				return
			}
		}
		errs[i] = writeCompiled(file, sql)
	})
	for i, name := range names {
		if m := res.renderer.models[name]; m != nil && sums[i] != "" && errs[i] == nil {
			next[m.Path] = sums[i]
		}
	}
	if err := errors.Join(errs...); err != nil {
		<-manifestDone
		return err
	}
	Phase("compiled files")
	if err := writeIndex(compiledDir, index, next); err != nil {
		<-manifestDone
		return err
	}
	defer Phase("wait manifest")
	if err := <-manifestDone; err != nil {
		return err
	}
	res.wrote("manifest.json")
	return nil
}

// indexFile records the checksum of every compiled file kiln wrote.
const indexFile = ".kiln-index"

func readIndex(dir string) map[string]string {
	data, err := os.ReadFile(filepath.Join(dir, indexFile))
	if err != nil {
		return map[string]string{}
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if sum, path, ok := strings.Cut(line, " "); ok {
			out[path] = sum
		}
	}
	return out
}

func writeIndex(dir string, old, next map[string]string) error {
	if maps.Equal(old, next) {
		return nil
	}
	paths := make([]string, 0, len(next))
	for p := range next {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var b strings.Builder
	for _, p := range paths {
		b.WriteString(next[p])
		b.WriteByte(' ')
		b.WriteString(p)
		b.WriteByte('\n')
	}
	return WriteFileAtomic(filepath.Join(dir, indexFile), []byte(b.String()))
}

// writeCompiled writes a compiled model unless the file already holds it.
// Compiled SQL is for reading, not for running, so it is written in place
// rather than through a temporary file: thousands of renames cost more
// than the compile itself.
func writeCompiled(file, sql string) error {
	err := os.WriteFile(file, []byte(sql), 0o644)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return err
		}
		err = os.WriteFile(file, []byte(sql), 0o644)
	}
	return err
}

// WriteFileAtomic writes data to a temporary file beside path and renames
// it into place, so that a reader never sees half a file.
func WriteFileAtomic(file string, data []byte) error {
	dir := filepath.Dir(file)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(file)+"-*")
	if err != nil {
		return err
	}
	// CreateTemp makes the file private (0600); artifacts are read like the
	// compiled SQL beside them.
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), file)
}

// Encode writes the manifest as JSON: the top level indented, and each
// node, source and macro on a line of its own, so that a review diff shows
// which node changed without paying to indent every model's SQL. Keys are
// sorted; SQL's < and > are not escaped.
func (m *Manifest) Encode(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintf(bw, "{\n  \"metadata\": ")
	var meta bytes.Buffer
	if err := encodeCompact(&meta, m.Metadata); err != nil {
		return err
	}
	bw.Write(meta.Bytes())
	sections := []struct {
		name string
		enc  func(io.Writer) error
	}{
		{"nodes", func(w io.Writer) error { return encodeLines(w, m.Nodes) }},
		{"sources", func(w io.Writer) error { return encodeLines(w, m.Sources) }},
		{"macros", func(w io.Writer) error { return encodeLines(w, m.Macros) }},
		{"parent_map", func(w io.Writer) error { return encodeLines(w, m.ParentMap) }},
		{"child_map", func(w io.Writer) error { return encodeLines(w, m.ChildMap) }},
		{"unit_tests", func(w io.Writer) error { return encodeLines(w, m.UnitTests) }},
	}
	for _, s := range sections {
		fmt.Fprintf(bw, ",\n  %q: ", s.name)
		if err := s.enc(bw); err != nil {
			return err
		}
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// WriteFile writes the manifest to file atomically.
func (m *Manifest) WriteFile(file string) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(file), ".tmp-manifest-*")
	if err != nil {
		return err
	}
	if err := f.Chmod(0o644); err != nil { // as WriteFileAtomic
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := m.Encode(f); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), file)
}

// encodeCompact appends v to buf as one line of JSON without HTML
// escaping and with map keys sorted: the bytes encoding/json writes, in
// less time (github.com/goccy/go-json).
func encodeCompact(buf *bytes.Buffer, v any) error {
	enc := gojson.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1) // Encode's newline
	return nil
}

// encodeLines writes a map with one entry per line, keys sorted, values
// encoded in parallel batches.
func encodeLines[V any](w io.Writer, m map[string]V) error {
	if len(m) == 0 {
		_, err := io.WriteString(w, "{}")
		return err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	io.WriteString(w, "{")
	// Each batch is encoded into the same buffers as the one before: the
	// manifest of 10,000 models is tens of megabytes, which would
	// otherwise all be garbage.
	const batch = 256
	parts := make([]bytes.Buffer, batch)
	for start := 0; start < len(keys); start += batch {
		n := min(batch, len(keys)-start)
		errs := make([]error, n)
		parallel(n, func(i int) {
			parts[i].Reset()
			errs[i] = encodeCompact(&parts[i], m[keys[start+i]])
		})
		for i := range n {
			if errs[i] != nil {
				return errs[i]
			}
			if start+i > 0 {
				io.WriteString(w, ",")
			}
			key, _ := json.Marshal(keys[start+i])
			io.WriteString(w, "\n    ")
			w.Write(key)
			io.WriteString(w, ": ")
			w.Write(parts[i].Bytes())
		}
	}
	_, err := io.WriteString(w, "\n  }")
	return err
}
