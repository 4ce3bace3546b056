package compiler

import (
	"strings"

	"github.com/kiln-sql/kiln/models"
)

// posMap maps byte offsets in a rendered model back to lines and columns
// of its template. Lines that rendering left unchanged are aligned with a
// longest common subsequence of the two texts' lines; a line that a
// template action produced maps to the template line in the same gap.
type posMap struct {
	raw      []string // template lines
	rendered []string // rendered lines
	starts   []int    // byte offset where each rendered line starts
	toRaw    []int    // rendered line index → template line index, -1 when unaligned
}

func newPosMap(raw, rendered string) *posMap {
	pm := &posMap{raw: strings.Split(raw, "\n"), rendered: strings.Split(rendered, "\n")}
	off := 0
	for _, l := range pm.rendered {
		pm.starts = append(pm.starts, off)
		off += len(l) + 1
	}
	pm.toRaw = alignLines(pm.rendered, pm.raw)
	return pm
}

// alignLines returns, for each line of a, the index of the equal line of b
// in a longest common subsequence, or -1.
func alignLines(a, b []string) []int {
	n, m := len(a), len(b)
	out := make([]int, n)
	for i := range out {
		out[i] = -1
	}
	// Trim the common prefix and suffix, which is most of a model.
	lo := 0
	for lo < n && lo < m && a[lo] == b[lo] {
		out[lo] = lo
		lo++
	}
	hiA, hiB := n, m
	for hiA > lo && hiB > lo && a[hiA-1] == b[hiB-1] {
		hiA--
		hiB--
		out[hiA] = hiB
	}
	a2, b2 := a[lo:hiA], b[lo:hiB]
	if len(a2) == 0 || len(b2) == 0 || len(a2)*len(b2) > 4_000_000 {
		return out
	}
	// Classic dynamic programme over the middle. Blank lines are not
	// matched there: a template action on a line of its own ({{ config }},
	// {{ if }}) renders one, and pairing it with any blank line of the
	// template would shift the lines after it.
	same := func(i, j int) bool { return a2[i] == b2[j] && strings.TrimSpace(a2[i]) != "" }
	w := len(b2) + 1
	dp := make([]int32, (len(a2)+1)*w)
	for i := len(a2) - 1; i >= 0; i-- {
		for j := len(b2) - 1; j >= 0; j-- {
			if same(i, j) {
				dp[i*w+j] = dp[(i+1)*w+j+1] + 1
			} else {
				dp[i*w+j] = max(dp[(i+1)*w+j], dp[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a2) && j < len(b2) {
		switch {
		case same(i, j):
			out[lo+i] = lo + j
			i++
			j++
		case dp[(i+1)*w+j] >= dp[i*w+j+1]:
			i++
		default:
			j++
		}
	}
	return out
}

// pos returns the template position of byte offset off of the rendered
// text. token, the text found at off, helps place the column on a line that
// a template action changed.
func (pm *posMap) pos(file string, off int, token string) models.Pos {
	line := 0
	for line+1 < len(pm.starts) && pm.starts[line+1] <= off {
		line++
	}
	col := off - pm.starts[line]
	if r := pm.toRaw[line]; r >= 0 {
		return models.Pos{File: file, Line: r + 1, Col: col + 1}
	}
	// Unaligned: the template line between the aligned neighbours, at the
	// same distance from the one before.
	prevR, prevRaw := -1, -1
	for k := line - 1; k >= 0; k-- {
		if pm.toRaw[k] >= 0 {
			prevR, prevRaw = k, pm.toRaw[k]
			break
		}
	}
	nextRaw := len(pm.raw)
	for k := line + 1; k < len(pm.toRaw); k++ {
		if pm.toRaw[k] >= 0 {
			nextRaw = pm.toRaw[k]
			break
		}
	}
	r := prevRaw + (line - prevR)
	if r >= nextRaw {
		r = nextRaw - 1
	}
	if r <= prevRaw {
		r = prevRaw + 1
	}
	if r >= len(pm.raw) {
		r = len(pm.raw) - 1
	}
	if r < 0 {
		r = 0
	}
	rawLine := pm.raw[r]
	renderedLine := pm.rendered[line]
	c := col
	if token != "" {
		// Look for the token on the template line, then on the others of
		// the gap.
		if i := nearestIndex(rawLine, token, col); i >= 0 {
			return models.Pos{File: file, Line: r + 1, Col: i + 1}
		}
		for k := prevRaw + 1; k < nextRaw && k < len(pm.raw); k++ {
			if i := strings.Index(pm.raw[k], token); i >= 0 {
				return models.Pos{File: file, Line: k + 1, Col: i + 1}
			}
		}
	}
	// Keep the column when the line starts the same way.
	if c > len(rawLine) || !strings.HasPrefix(rawLine, renderedLine[:min(c, len(renderedLine))]) {
		c = len(rawLine) - len(strings.TrimLeft(rawLine, " \t"))
	}
	return models.Pos{File: file, Line: r + 1, Col: c + 1}
}

// nearestIndex returns the occurrence of tok in s that starts closest to
// col, or -1.
func nearestIndex(s, tok string, col int) int {
	best := -1
	for i := 0; ; {
		j := strings.Index(s[i:], tok)
		if j < 0 {
			return best
		}
		j += i
		if best < 0 || abs(j-col) < abs(best-col) {
			best = j
		}
		i = j + 1
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
