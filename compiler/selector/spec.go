package selector

import (
	"strconv"
	"strings"
)

// criterion is one comma-separated part of a term, parsed.
type criterion struct {
	raw string // as written

	childrensParents bool // "@" prefix
	parents          bool // "+" or "N+" prefix
	parentsDepth     int  // -1: unlimited
	children         bool // "+" or "+N" suffix
	childrenDepth    int  // -1: unlimited

	method   string   // "" when none was written
	args     []string // after the method's first dot: config.materialized → [materialized]
	value    string
	explicit string // the criterion without graph operators: "tag:x", "stg_*"
}

// parseCriterion splits raw into graph operators, method and value the way
// dbt's selector regular expression does:
//
//	^(@)?((\d*)\+)?(([\w.]+):)?(.*?)(\+(\d*))?$
//
// except that digits followed by "+" and nothing else ("2024+") are read as
// a value with a "+" suffix rather than as a prefix with an empty value.
func parseCriterion(raw string) (criterion, *Error) {
	c := criterion{raw: raw, parentsDepth: -1, childrenDepth: -1}
	s := raw
	if rest, ok := strings.CutPrefix(s, "@"); ok {
		c.childrensParents = true
		s = rest
	}
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '+' && i+1 < len(s) {
		c.parents = true
		if i > 0 {
			d, err := depth(s[:i])
			if err != nil {
				return c, err
			}
			c.parentsDepth = d
		}
		s = s[i+1:]
	}
	j := len(s)
	for j > 0 && isDigit(s[j-1]) {
		j--
	}
	if j > 0 && s[j-1] == '+' {
		c.children = true
		if j < len(s) {
			d, err := depth(s[j:])
			if err != nil {
				return c, err
			}
			c.childrenDepth = d
		}
		s = s[:j-1]
	}
	if c.childrensParents && c.parents {
		return c, &Error{
			Message: `the "@" and "+" prefixes cannot be combined`,
			Hint:    `"@name" already selects the ancestors of name's descendants`,
		}
	}
	c.explicit = s
	if k := strings.IndexByte(s, ':'); k > 0 && isMethod(s[:k]) {
		parts := strings.Split(s[:k], ".")
		c.method, c.args = parts[0], parts[1:]
		s = s[k+1:]
	}
	c.value = s
	if s == "" {
		if c.method != "" {
			return c, &Error{Message: "missing value after " + strconv.Quote(c.explicit)}
		}
		return c, &Error{Message: "empty selector"}
	}
	return c, nil
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// isMethod reports whether s matches [\w.]+.
func isMethod(s string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b == '_' || b == '.' || isDigit(b) || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z') {
			return false
		}
	}
	return s != ""
}

func depth(s string) (int, *Error) {
	d, err := strconv.Atoi(s)
	if err != nil {
		return 0, &Error{Message: "depth " + s + " is too large"}
	}
	return d, nil
}
