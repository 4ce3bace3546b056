package compiler

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/kiln-sql/kiln/models"
)

// TestMetadata names a generic test and its arguments, as dbt writes them
// in the manifest.
type TestMetadata struct {
	Name   string         `json:"name"`
	Kwargs map[string]any `json:"kwargs"`
}

// ManifestUnitTest is one unit test in the manifest.
type ManifestUnitTest struct {
	UniqueID     string             `json:"unique_id"`
	ResourceType string             `json:"resource_type"`
	Name         string             `json:"name"`
	Model        string             `json:"model"`
	Package      string             `json:"package_name"`
	Path         string             `json:"original_file_path"`
	Description  string             `json:"description"`
	Config       models.Config      `json:"config"`
	Given        []models.UnitInput `json:"given"`
	Expect       models.UnitRows    `json:"expect"`
	DependsOn    DependsOn          `json:"depends_on"`
	CompiledCode string             `json:"compiled_code"`
	CompiledPath string             `json:"compiled_path"`
}

// manifestTests adds the data tests to the manifest's nodes and the unit
// tests to its unit_tests.
func (res *Result) manifestTests(mf *Manifest) {
	p := res.Project
	mf.UnitTests = map[string]ManifestUnitTest{}
	for _, t := range p.Tests {
		id := t.UniqueID(p.Name)
		refs := make([]string, 0, len(t.Refs))
		for _, r := range t.Refs {
			refs = append(refs, r.Name)
		}
		srcs := make([][]string, 0, len(t.Sources))
		for _, s := range t.Sources {
			srcs = append(srcs, []string{s.Source, s.Table})
		}
		compiled := res.CompiledTests[id]
		n := ManifestNode{
			UniqueID: id, ResourceType: string(models.ResourceTest), Name: t.Name, Package: p.Name, Path: t.Path,
			FQN: testFQN(p.Name, t), Description: t.Description, Config: t.Config, Tags: nonNil(t.Config.Tags), Columns: []models.Column{},
			DependsOn: DependsOn{Nodes: nonNil(res.Graph.Parents(id)), Macros: nonNil(t.Macros)},
			Refs:      refs, Sources: srcs, CompiledChecksum: sha(compiled), CompiledCode: compiled,
			CompiledPath: "target/compiled/" + t.CompiledPath, ColumnName: t.Column, AttachedNode: t.AttachedTo,
		}
		if t.Type == models.GenericTest {
			n.TestMetadata = &TestMetadata{Name: t.TestName, Kwargs: t.Kwargs}
			n.Checksum = Checksum{Name: "none"}
		} else {
			n.Checksum = sha(t.Raw)
		}
		mf.Nodes[id] = n
	}
	for _, u := range p.UnitTests {
		id := u.UniqueID(p.Name)
		mf.UnitTests[id] = ManifestUnitTest{
			UniqueID: id, ResourceType: "unit_test", Name: u.Name, Model: u.Model, Package: p.Name, Path: u.Path,
			Description: u.Description, Config: u.Config, Given: nonNil(u.Given), Expect: u.Expect,
			DependsOn:    DependsOn{Nodes: nonNil(res.Graph.Parents(id)), Macros: []string{}},
			CompiledCode: res.CompiledTests[id], CompiledPath: "target/compiled/" + unitCompiledPath(u),
		}
	}
}

func unitCompiledPath(u *models.UnitTest) string {
	return u.Path + "/" + u.Model + "__" + u.Name + ".sql"
}

// WriteTestArtifacts writes target/compiled/<path> for the data tests and
// unit tests among ids: a generic test's SQL goes under its properties
// file (models/schema.yml/not_null_orders_id.sql), a singular test's under
// its own path. Files that already hold the SQL are left alone.
func (res *Result) WriteTestArtifacts(targetDir string, ids []string) error {
	errs := make([]error, len(ids))
	parallelN(len(ids), ioWorkers, func(i int) {
		var rel string
		switch n := res.byID[ids[i]].(type) {
		case *models.Test:
			rel = n.CompiledPath
		case *models.UnitTest:
			rel = unitCompiledPath(n)
		default:
			return
		}
		sql := res.CompiledTests[ids[i]]
		file := filepath.Join(targetDir, "compiled", filepath.FromSlash(rel))
		res.wrote("compiled/" + rel)
		if old, err := os.ReadFile(file); err == nil && string(old) == sql {
			return
		}
		errs[i] = writeCompiled(file, sql)
	})
	return errors.Join(errs...)
}
