package compiler

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/kiln-sql/kiln/compiler/suggest"
	"github.com/kiln-sql/kiln/models"
)

// configValue is one key/value of config with where it was written, from any
// of the three places config comes from.
type configValue struct {
	Key   string
	Value any // string, bool, int, float64, []any, map[string]any
	Pos   models.Pos
}

// defaultConfig is the built-in configuration before any layer applies.
func defaultConfig() models.Config {
	return models.Config{Materialized: models.View, Enabled: true, Tags: []string{}}
}

// bad is an error about this value, at its position.
func (v configValue) bad(msg, hint string) *models.Diagnostic {
	return &models.Diagnostic{Pos: v.Pos, Severity: models.Error, Message: msg, Hint: hint}
}

// str reads the value as a string; numbers and booleans are spelt out.
func (v configValue) str() (string, *models.Diagnostic) {
	switch x := v.Value.(type) {
	case string:
		return x, nil
	case int, float64, bool:
		return fmt.Sprint(x), nil
	}
	return "", v.bad(fmt.Sprintf("config %q needs a string, not %s", v.Key, describe(v.Value)), "")
}

// applyConfig sets one key on c. Tags and hooks accumulate across layers, as
// in dbt; every other key overrides.
func applyConfig(c *models.Config, v configValue) *models.Diagnostic {
	oneOf := func(allowed []string) (string, *models.Diagnostic) {
		s, d := v.str()
		if d != nil {
			return "", d
		}
		if !slices.Contains(allowed, s) {
			return "", v.bad(fmt.Sprintf("config %q has unknown value %q", v.Key, s),
				cmpHint(suggest.Hint(s, allowed), "valid values: "+strings.Join(allowed, ", ")))
		}
		return s, nil
	}
	switch v.Key {
	case "materialized":
		names := make([]string, len(models.Materializations))
		for i, m := range models.Materializations {
			names[i] = string(m)
		}
		s, d := oneOf(names)
		if d != nil {
			return d
		}
		c.Materialized = models.Materialization(s)
	case "schema":
		s, d := v.str()
		if d != nil {
			return d
		}
		c.Schema = s
	case "alias":
		s, d := v.str()
		if d != nil {
			return d
		}
		c.Alias = s
	case "tags":
		tags, d := stringList(v, v.bad)
		if d != nil {
			return d
		}
		for _, t := range tags {
			if !slices.Contains(c.Tags, t) {
				c.Tags = append(c.Tags, t)
			}
		}
		sort.Strings(c.Tags)
	case "enabled":
		b, d := boolValue(v, v.bad)
		if d != nil {
			return d
		}
		c.Enabled = b
	case "full_refresh":
		b, d := boolValue(v, v.bad)
		if d != nil {
			return d
		}
		c.FullRefresh = &b
	case "unique_key":
		keys, d := stringList(v, v.bad)
		if d != nil {
			return d
		}
		c.UniqueKey = keys
	case "incremental_strategy":
		s, d := oneOf([]string{models.StrategyAppend, models.StrategyMerge, models.StrategyDeleteInsert})
		if d != nil {
			return d
		}
		c.IncrementalStrategy = s
	case "on_schema_change":
		s, d := oneOf([]string{models.SchemaChangeIgnore, models.SchemaChangeAppend, models.SchemaChangeFail})
		if d != nil {
			return d
		}
		c.OnSchemaChange = s
	case "pre_hook", "post_hook":
		hooks, d := stringList(v, v.bad)
		if d != nil {
			return d
		}
		if v.Key == "pre_hook" {
			c.PreHook = append(c.PreHook, hooks...)
		} else {
			c.PostHook = append(c.PostHook, hooks...)
		}
	case "contract":
		switch x := v.Value.(type) {
		case map[string]any:
			for k, val := range x {
				if k != "enforced" {
					return v.bad(fmt.Sprintf("unknown key %q in contract", k), `the only key is "enforced"`)
				}
				b, d := boolValue(configValue{Key: "contract.enforced", Value: val, Pos: v.Pos}, v.bad)
				if d != nil {
					return d
				}
				c.Contract.Enforced = b
			}
		case bool:
			c.Contract.Enforced = x
		default:
			return v.bad(fmt.Sprintf("config \"contract\" needs a mapping like {enforced: true}, not %s", describe(v.Value)), "")
		}
	case "persist_docs":
		m, ok := v.Value.(map[string]any)
		if !ok {
			return v.bad(fmt.Sprintf("config \"persist_docs\" needs a mapping like {relation: true, columns: true}, not %s", describe(v.Value)), "")
		}
		c.PersistDocs = map[string]bool{}
		for k, val := range m {
			b, d := boolValue(configValue{Key: "persist_docs." + k, Value: val, Pos: v.Pos}, v.bad)
			if d != nil {
				return d
			}
			c.PersistDocs[k] = b
		}
	case "column_types":
		m, ok := v.Value.(map[string]any)
		if !ok {
			return v.bad(fmt.Sprintf("config \"column_types\" needs a mapping of column to type, not %s", describe(v.Value)), "")
		}
		if c.ColumnTypes == nil {
			c.ColumnTypes = map[string]string{}
		}
		for k, val := range m {
			c.ColumnTypes[k] = fmt.Sprint(val)
		}
	default:
		return v.bad(fmt.Sprintf("unknown config key %q", v.Key), cmpHint(suggest.Hint(v.Key, models.ConfigKeys),
			"valid keys: "+strings.Join(models.ConfigKeys, ", ")))
	}
	return nil
}

func stringList(v configValue, bad func(string, string) *models.Diagnostic) ([]string, *models.Diagnostic) {
	switch x := v.Value.(type) {
	case string:
		return []string{x}, nil
	case []string:
		return x, nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			switch e.(type) {
			case string, int, float64, bool:
				out = append(out, fmt.Sprint(e))
			default:
				return nil, bad(fmt.Sprintf("config %q needs a list of strings, found %s in it", v.Key, describe(e)), "")
			}
		}
		return out, nil
	}
	return nil, bad(fmt.Sprintf("config %q needs a string or a list of strings, not %s", v.Key, describe(v.Value)), "")
}

func boolValue(v configValue, bad func(string, string) *models.Diagnostic) (bool, *models.Diagnostic) {
	switch x := v.Value.(type) {
	case bool:
		return x, nil
	case string:
		if b, err := strconv.ParseBool(x); err == nil {
			return b, nil
		}
	}
	return false, bad(fmt.Sprintf("config %q needs true or false, not %s", v.Key, describe(v.Value)), "")
}

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nothing"
	case string:
		return fmt.Sprintf("%q", x)
	case []any, []string:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return fmt.Sprint(v)
}
