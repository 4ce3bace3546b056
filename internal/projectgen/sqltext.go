package projectgen

import (
	"fmt"
	"strings"
)

// sqlText accumulates the lines of a model file, indented by four spaces a level.
type sqlText struct {
	lines []string
}

func (s *sqlText) add(indent int, line string) {
	s.lines = append(s.lines, strings.Repeat("    ", indent)+line)
}

func (s *sqlText) addf(indent int, format string, args ...any) {
	s.add(indent, fmt.Sprintf(format, args...))
}

func (s *sqlText) blank() {
	s.lines = append(s.lines, "")
}

// list adds items separated by commas. An item may span lines; its later lines keep
// their own leading spaces, relative to indent.
func (s *sqlText) list(indent int, items []string) {
	for i, item := range items {
		if i < len(items)-1 {
			item += ","
		}
		for _, line := range strings.Split(item, "\n") {
			s.add(indent, line)
		}
	}
}

func (s *sqlText) len() int {
	return len(s.lines)
}

func (s *sqlText) String() string {
	return strings.Join(s.lines, "\n") + "\n"
}

// names hands out column and CTE names that are unique within one model.
type names map[string]bool

// take reserves name, or name_2, name_3 … when it is taken.
func (n names) take(name string) string {
	for i := 1; ; i++ {
		c := name
		if i > 1 {
			c = fmt.Sprintf("%s_%d", name, i)
		}
		if !n[c] {
			n[c] = true
			return c
		}
	}
}
