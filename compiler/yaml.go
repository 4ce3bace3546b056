package compiler

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/kiln-sql/kiln/compiler/suggest"
	"github.com/kiln-sql/kiln/models"
)

// decodeStrict decodes node into v after checking that every mapping key is
// one that v's type declares (through its yaml tags). Unknown keys and type
// mismatches come back as diagnostics at the key's position, with a hint.
func decodeStrict(file string, node *yaml.Node, v any) models.Diagnostics {
	var diags models.Diagnostics
	checkKeys(file, node, reflect.TypeOf(v), &diags)
	// Decode even after unknown keys (they are ignored): the rest of the
	// file still counts, so that it causes no follow-on errors.
	if err := node.Decode(v); err != nil {
		diags = append(diags, yamlErrors(file, node, err)...)
	}
	return diags
}

// checkKeys walks node alongside the Go type t it will be decoded into.
func checkKeys(file string, node *yaml.Node, t reflect.Type, diags *models.Diagnostics) {
	if node == nil {
		return
	}
	if node.Kind == yaml.DocumentNode && len(node.Content) > 0 {
		checkKeys(file, node.Content[0], t, diags)
		return
	}
	if node.Kind == yaml.AliasNode {
		checkKeys(file, node.Alias, t, diags)
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[yaml.Node]() || reflect.PointerTo(t).Implements(reflect.TypeFor[yaml.Unmarshaler]()) {
		return // the type checks its own shape
	}
	switch t.Kind() {
	case reflect.Struct:
		if node.Kind != yaml.MappingNode {
			return // Decode reports the type mismatch
		}
		fields := yamlFields(t)
		names := make([]string, 0, len(fields))
		for name := range fields {
			names = append(names, name)
		}
		slices.Sort(names)
		for i := 0; i+1 < len(node.Content); i += 2 {
			k, val := node.Content[i], node.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				*diags = append(*diags, models.Diagnostic{
					Pos:      posOf(file, k),
					Severity: models.Error,
					Message:  fmt.Sprintf("unknown key %q", k.Value),
					Hint:     cmpHint(suggest.Hint(k.Value, names), "valid keys here: "+strings.Join(names, ", ")),
				})
				continue
			}
			checkKeys(file, val, ft, diags)
		}
	case reflect.Slice:
		if node.Kind == yaml.SequenceNode {
			for _, item := range node.Content {
				checkKeys(file, item, t.Elem(), diags)
			}
		}
	case reflect.Map:
		if node.Kind == yaml.MappingNode {
			for i := 1; i < len(node.Content); i += 2 {
				checkKeys(file, node.Content[i], t.Elem(), diags)
			}
		}
	}
}

// yamlFields maps the yaml names of t's fields to their types, following
// inlined structs.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlErrors turns an error of yaml.v3 into diagnostics with positions.
func yamlErrors(file string, node *yaml.Node, err error) models.Diagnostics {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	var diags models.Diagnostics
	for _, m := range msgs {
		pos := models.Pos{File: file}
		if node != nil {
			pos = posOf(file, node)
		}
		if sub := yamlLineRE.FindStringSubmatch(m); sub != nil {
			line, _ := strconv.Atoi(sub[1])
			pos = models.Pos{File: file, Line: line}
			m = sub[2]
		}
		m = strings.TrimPrefix(m, "yaml: ")
		diags = append(diags, models.Diagnostic{Pos: pos, Severity: models.Error, Message: m})
	}
	return diags
}

func posOf(file string, n *yaml.Node) models.Pos {
	return models.Pos{File: file, Line: n.Line, Col: n.Column}
}

// parseYAML parses a whole file into a node tree, reporting a syntax error
// with its line.
func parseYAML(file string, data []byte) (*yaml.Node, models.Diagnostics) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlErrors(file, nil, err)
	}
	if doc.Kind == 0 {
		return nil, nil // empty file
	}
	return &doc, nil
}

// mapGet returns the value node of key in a mapping node, or nil.
func mapGet(n *yaml.Node, key string) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func cmpHint(hints ...string) string {
	for _, h := range hints {
		if h != "" {
			return h
		}
	}
	return ""
}
