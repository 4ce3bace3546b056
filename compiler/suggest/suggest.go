// Package suggest finds the names closest to a misspelt one, for the
// "did you mean …?" hints of kiln's diagnostics.
package suggest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Closest returns up to three candidates within a small edit distance of
// name, closest first, ties in alphabetical order. Case is ignored.
func Closest(name string, candidates []string) []string {
	type scored struct {
		s string
		d int
	}
	limit := max(2, len(name)/3)
	lname := strings.ToLower(name)
	var found []scored
	seen := make(map[string]bool, len(candidates))
	for _, c := range candidates {
		if c == name || seen[c] {
			continue
		}
		seen[c] = true
		lc := strings.ToLower(c)
		d := distance(lname, lc)
		if d <= limit || (len(lname) >= 3 && strings.Contains(lc, lname)) {
			found = append(found, scored{c, d})
		}
	}
	slices.SortFunc(found, func(a, b scored) int { return cmp.Or(cmp.Compare(a.d, b.d), strings.Compare(a.s, b.s)) })
	out := make([]string, 0, 3)
	for i := 0; i < len(found) && i < 3; i++ {
		out = append(out, found[i].s)
	}
	return out
}

// Hint formats the closest candidates as `did you mean "a" or "b"?`, or
// returns "" when nothing is close.
func Hint(name string, candidates []string) string {
	close := Closest(name, candidates)
	if len(close) == 0 {
		return ""
	}
	quoted := make([]string, len(close))
	for i, c := range close {
		quoted[i] = fmt.Sprintf("%q", c)
	}
	return "did you mean " + strings.Join(quoted, " or ") + "?"
}

// distance is the Damerau-Levenshtein (optimal string alignment) distance
// between a and b, counted in bytes.
func distance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
