package selector

import (
	"strings"
)

// hasWildcard reports whether s holds one of fnmatch's special characters.
func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?[]") }

// fnmatch reports whether name matches pattern with the rules of Python's
// fnmatch, which dbt uses: * matches any run of characters (dots and
// slashes too), ? any one character, [seq] one character of seq, [!seq]
// one character not in seq; a [ without its ] is an ordinary character.
// The match is case-sensitive.
func fnmatch(name, pattern string) bool {
	// Iterative matching with backtracking to the last star.
	n, p := 0, 0
	starP, starN := -1, 0
	for n < len(name) {
		if p < len(pattern) {
			switch c := pattern[p]; c {
			case '*':
				starP, starN = p, n
				p++
				continue
			case '?':
				n++
				p++
				continue
			case '[':
				if ok, width, valid := matchClass(pattern[p:], name[n]); valid {
					if ok {
						n++
						p += width
						continue
					}
				} else if name[n] == '[' {
					n++
					p++
					continue
				}
			default:
				if name[n] == c {
					n++
					p++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		starN++
		n, p = starN, starP+1
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// matchClass matches the byte c against the class that starts pattern
// ("[...]"). It returns whether c is in the class, the class's width in
// pattern, and whether the class is closed at all.
func matchClass(pattern string, c byte) (ok bool, width int, valid bool) {
	i := 1
	negate := false
	if i < len(pattern) && pattern[i] == '!' {
		negate = true
		i++
	}
	start := i
	for ; i < len(pattern); i++ {
		if pattern[i] == ']' && i > start {
			break
		}
	}
	if i >= len(pattern) {
		return false, 0, false
	}
	set := pattern[start:i]
	for j := 0; j < len(set); j++ {
		lo, hi := set[j], set[j]
		if j+2 < len(set) && set[j+1] == '-' {
			hi = set[j+2]
			j += 2
		}
		if lo <= c && c <= hi {
			ok = true
		}
	}
	return ok != negate, i + 1, true
}

// globPath reports whether the slash-separated pattern matches the path
// given as segments, with the rules of Python's pathlib glob: each segment
// is an fnmatch pattern, and "**" matches any number of directories.
func globPath(pattern, segs []string) bool {
	if len(pattern) == 0 {
		return len(segs) == 0
	}
	if pattern[0] == "**" {
		return globPath(pattern[1:], segs) || len(segs) > 0 && globPath(pattern, segs[1:])
	}
	return len(segs) > 0 && fnmatch(segs[0], pattern[0]) && globPath(pattern[1:], segs[1:])
}
