package compiler

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/kiln-sql/kiln/compiler/suggest"
	"github.com/kiln-sql/kiln/models"
)

// interpolationRE matches ${env:NAME}, ${env:NAME:-default} and ${var:name}.
var interpolationRE = regexp.MustCompile(`\$\{(env|var):([A-Za-z_][A-Za-z0-9_.]*)(:-([^}]*))?\}`)

// interpolator replaces ${env:…} and ${var:…} references in YAML scalars.
// Values read from the environment for a key that holds credentials (a
// DSN, a password, a token: secretKey) are remembered as secrets, so that
// they can be kept out of logs, artifacts and messages; a schema name read
// from the environment is no secret, and masking it would make every
// relation name unreadable.
type interpolator struct {
	file    string
	env     func(string) (string, bool)
	vars    map[string]any
	secrets map[string]bool
	changed int // scalars replaced, for resolving vars that name vars
	// untyped: the values land in a map of any (vars), not in typed
	// fields, so a value keeps the type it had: "${env:ZIP}" stays the
	// string "007", "${var:day}" the string "2024-01-01".
	untyped bool
}

// secretKeyRE matches the keys whose values are credentials.
var secretKeyRE = regexp.MustCompile(`(?i)(dsn|pass|secret|token|credential|private_key|api_key|auth)`)

// secretKey says whether the value at a path (e.g. "profile.targets.prod.dsn")
// is a credential.
func secretKey(path string) bool {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		path = path[i+1:]
	}
	return secretKeyRE.MatchString(path)
}

// node interpolates every scalar below n in place. path names the key for
// messages (e.g. "profile.targets.prod.dsn"); skip says which sub-paths to
// leave alone (targets that are not active).
func (in *interpolator) node(n *yaml.Node, path string, skip func(path string) bool) models.Diagnostics {
	if n == nil || skip(path) {
		return nil
	}
	var diags models.Diagnostics
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for i, c := range n.Content {
			p := path
			if n.Kind == yaml.SequenceNode {
				p = fmt.Sprintf("%s[%d]", path, i)
			}
			diags = append(diags, in.node(c, p, skip)...)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := n.Content[i].Value
			if path != "" {
				p = path + "." + p
			}
			diags = append(diags, in.node(n.Content[i+1], p, skip)...)
		}
	case yaml.ScalarNode:
		if !strings.Contains(n.Value, "${") {
			return nil
		}
		out, str, d := in.scalar(n, path)
		diags = append(diags, d...)
		if len(d) == 0 && out != n.Value {
			// Resolve the result as if written plainly, so that "${env:T:-8}"
			// can fill an integer; a string stays a string where types
			// are kept.
			n.Value, n.Tag, n.Style = out, "", 0
			if str && in.untyped {
				n.Tag = "!!str"
			}
			in.changed++
		}
	}
	return diags
}

// scalar returns n's value with its references replaced, and whether the
// result is a string: text around the references, an environment value, or
// a var that holds a string.
func (in *interpolator) scalar(n *yaml.Node, path string) (string, bool, models.Diagnostics) {
	var diags models.Diagnostics
	whole := interpolationRE.FindString(n.Value) == n.Value
	str := !whole
	out := interpolationRE.ReplaceAllStringFunc(n.Value, func(ref string) string {
		m := interpolationRE.FindStringSubmatch(ref)
		kind, name, hasDefault, def := m[1], m[2], m[3] != "", m[4]
		switch kind {
		case "env":
			if v, ok := in.env(name); ok && v != "" {
				if secretKey(path) {
					in.secrets[v] = true
				}
				str = true
				return v
			}
		case "var":
			if v, ok := lookupVar(in.vars, name); ok {
				if _, isString := v.(string); isString {
					str = true
				}
				return fmt.Sprint(v)
			}
		}
		if hasDefault {
			return def
		}
		what := "environment variable"
		hint := fmt.Sprintf("set %s, or give a default: ${env:%s:-value}", name, name)
		if kind == "var" {
			what = "variable"
			hint = fmt.Sprintf("define %s under vars: in kiln.yml or pass --vars '%s: value'", name, name)
			names := make([]string, 0, len(in.vars))
			for k := range in.vars {
				names = append(names, k)
			}
			sort.Strings(names)
			hint = cmpHint(suggest.Hint(name, names), hint)
		}
		diags = append(diags, models.Diagnostic{
			Pos:      posOf(in.file, n),
			Severity: models.Error,
			Message:  fmt.Sprintf("%s %s is not set (used by %s)", what, name, path),
			Hint:     hint,
		})
		return ref
	})
	return out, str, diags
}

// lookupVar finds a variable by name; a dotted name looks inside maps.
func lookupVar(vars map[string]any, name string) (any, bool) {
	if v, ok := vars[name]; ok {
		return v, true
	}
	head, rest, found := strings.Cut(name, ".")
	if !found {
		return nil, false
	}
	if sub, ok := vars[head].(map[string]any); ok {
		return lookupVar(sub, rest)
	}
	return nil, false
}

// ParseVars reads --vars: a YAML (or JSON) mapping. Dates stay the strings
// they were written as, so that '{{ var "d" }}' renders 2024-01-01 and not
// a Go time.
func ParseVars(text string) (map[string]any, error) {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(text), &n); err != nil {
		return nil, err
	}
	var vars map[string]any
	if n.Kind == 0 {
		return vars, nil
	}
	datesAsStrings(&n)
	if err := n.Decode(&vars); err != nil {
		return nil, err
	}
	return vars, nil
}

// datesAsStrings retags timestamps as strings below n.
func datesAsStrings(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!timestamp" {
		n.Tag = "!!str"
	}
	for _, c := range n.Content {
		datesAsStrings(c)
	}
}
