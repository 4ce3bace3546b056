package compiler_test

import (
	"slices"
	"testing"

	"github.com/kiln-sql/kiln/compiler"
)

// Values read from the environment for credentials are secrets; a schema
// name read from it is not (masking it would hide every relation name).
func TestEnvSecrets(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"kiln.yml": `name: shop
profile:
  target: prod
  targets:
    prod: { type: postgres, dsn: "${env:TEST_DSN}", schema: "${env:TEST_SCHEMA}" }
`,
		"models/a.sql": "select 1 as one\n",
	})
	env := map[string]string{"TEST_DSN": "postgres://u:pw@db/x", "TEST_SCHEMA": "analytics"}
	res, err := compiler.Compile(compiler.Options{Dir: dir, Env: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Diagnostics.HasErrors() {
		t.Fatal(res.Diagnostics)
	}
	if !slices.Contains(res.Secrets, env["TEST_DSN"]) {
		t.Errorf("the DSN is not a secret: %q", res.Secrets)
	}
	if slices.Contains(res.Secrets, "analytics") {
		t.Errorf("the schema is a secret: %q", res.Secrets)
	}
}
