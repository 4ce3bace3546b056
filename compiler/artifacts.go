package compiler

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"

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
}

// ManifestMetadata describes the project and target the manifest is for.
type ManifestMetadata struct {
	KilnVersion string `json:"kiln_version"`
	ProjectName string `json:"project_name"`
	Dialect     string `json:"dialect"`
	TargetName  string `json:"target_name"`
	TargetType  string `json:"target_type"`
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
	RawCode          string          `json:"raw_code"`
	CompiledCode     string          `json:"compiled_code"`
	CompiledPath     string          `json:"compiled_path,omitempty"`
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
}

// ManifestMacro is one macro.
type ManifestMacro struct {
	Name string `json:"name"`
	Path string `json:"original_file_path"`
}

func sha(s string) Checksum {
	h := sha256.Sum256([]byte(s))
	return Checksum{Name: "sha256", Checksum: hex.EncodeToString(h[:])}
}

// Manifest builds the manifest of a compiled project.
func (res *Result) Manifest() *Manifest {
	p := res.Project
	mf := &Manifest{
		Metadata: ManifestMetadata{KilnVersion: Version, ProjectName: p.Name, Dialect: p.Dialect, TargetName: p.Target.Name, TargetType: p.Target.Type},
		Nodes:    map[string]ManifestNode{}, Sources: map[string]ManifestSource{}, Macros: map[string]ManifestMacro{},
		ParentMap: map[string][]string{}, ChildMap: map[string][]string{},
	}
	quote := res.renderer.quote
	for _, m := range p.Models {
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
			FQN: append([]string{p.Name}, fqnParts(m.Path, "models")...), Description: m.Description,
			Config: m.Config, Tags: m.Config.Tags, Columns: nonNil(m.Columns),
			DependsOn: DependsOn{Nodes: nonNil(res.Graph.Parents(id)), Macros: nonNil(m.Macros)},
			Refs:      refs, Sources: srcs, Relation: m.Relation, RelationName: quote(m.Relation),
			Checksum: sha(m.Raw), CompiledChecksum: sha(compiled), RawCode: m.Raw, CompiledCode: compiled,
			CompiledPath: "target/compiled/" + m.Path,
		}
		if m.Config.Materialized == models.Ephemeral {
			n.RelationName = ""
		}
		mf.Nodes[id] = n
	}
	for _, s := range p.Seeds {
		id := s.UniqueID(p.Name)
		mf.Nodes[id] = ManifestNode{
			UniqueID: id, ResourceType: string(models.ResourceSeed), Name: s.Name, Package: p.Name, Path: s.Path,
			FQN: append([]string{p.Name}, fqnParts(s.Path, "seeds")...), Description: s.Description,
			Config: s.Config, Tags: s.Config.Tags, Columns: nonNil(s.Columns),
			DependsOn: DependsOn{Nodes: []string{}, Macros: []string{}}, Refs: []string{}, Sources: [][]string{},
			Relation: s.Relation, RelationName: quote(s.Relation), Checksum: fileChecksum(filepath.Join(p.Dir, s.Path)),
		}
	}
	for _, s := range p.Sources {
		id := s.UniqueID(p.Name)
		mf.Sources[id] = ManifestSource{UniqueID: id, SourceName: s.SourceName, Name: s.Name, Identifier: s.Identifier,
			Path: s.Path, Description: s.Description, Columns: nonNil(s.Columns), Relation: s.Relation, RelationName: quote(s.Relation)}
	}
	for _, m := range p.Macros {
		mf.Macros["macro."+p.Name+"."+m.Name] = ManifestMacro{Name: m.Name, Path: m.Pos.File}
	}
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
// for the named models. Files whose content has not changed are left
// alone, so that a second compile writes almost nothing.
func (res *Result) WriteArtifacts(targetDir string, names []string) error {
	data, err := json.MarshalIndent(res.Manifest(), "", "  ")
	if err != nil {
		return err
	}
	if err := writeIfChanged(filepath.Join(targetDir, "manifest.json"), append(data, '\n')); err != nil {
		return err
	}
	errs := make([]error, len(names))
	parallel(len(names), func(i int) {
		m := res.renderer.models[names[i]]
		sql, ok := res.Compiled[names[i]]
		if m == nil || !ok {
			return
		}
		errs[i] = writeIfChanged(filepath.Join(targetDir, "compiled", filepath.FromSlash(m.Path)), []byte(sql))
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// writeIfChanged writes data atomically unless the file already holds it.
func writeIfChanged(file string, data []byte) error {
	if old, err := os.ReadFile(file); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return WriteFileAtomic(file, data)
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
