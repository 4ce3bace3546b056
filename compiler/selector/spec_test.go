package selector

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseCriterion(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want criterion // depths left 0 mean unlimited (-1); raw and explicit are filled in
	}{
		{"plain", "orders", criterion{value: "orders"}},
		{"ancestors", "+orders", criterion{parents: true, value: "orders"}},
		{"descendants", "orders+", criterion{children: true, value: "orders"}},
		{"depths", "2+orders+3", criterion{parents: true, parentsDepth: 2, children: true, childrenDepth: 3, value: "orders"}},
		{"at", "@orders", criterion{childrensParents: true, value: "orders"}},
		{"at with descendants", "@orders+", criterion{childrensParents: true, children: true, value: "orders"}},
		{"method", "tag:nightly+", criterion{children: true, method: "tag", value: "nightly"}},
		{"method arguments", "config.materialized:table", criterion{method: "config", args: []string{"materialized"}, value: "table"}},
		{"nested arguments", "config.meta.owner:me", criterion{method: "config", args: []string{"meta", "owner"}, value: "me"}},
		{"value keeps later colons", "path:a:b", criterion{method: "path", value: "a:b"}},
		{"not a method", "a b:c", criterion{value: "a b:c"}},
		{"plus inside the value", "a+b", criterion{value: "a+b"}},
		{"digits in the name", "model_2", criterion{value: "model_2"}},
		{"digits then plus is a value with descendants", "2024+", criterion{children: true, value: "2024"}},
		{"digits name with ancestors", "+2024", criterion{parents: true, value: "2024"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseCriterion(tt.raw)
			if err != nil {
				t.Fatalf("parseCriterion(%q): %v", tt.raw, err)
			}
			want := tt.want
			want.raw = tt.raw
			if !want.parents || want.parentsDepth == 0 {
				want.parentsDepth = -1
			}
			if !want.children || want.childrenDepth == 0 {
				want.childrenDepth = -1
			}
			want.explicit = got.explicit
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(criterion{}), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("parseCriterion(%q) (-want +got):\n%s", tt.raw, diff)
			}
		})
	}
}

func TestFnmatch(t *testing.T) {
	tests := []struct {
		name, s, pattern string
		want             bool
	}{
		{"literal", "orders", "orders", true},
		{"literal mismatch", "orders", "order", false},
		{"star", "stg_orders", "stg_*", true},
		{"star crosses dots", "staging.stg_orders", "*.stg_*", true},
		{"star empty", "stg_", "stg_*", true},
		{"stars backtrack", "abcabd", "*ab?", true},
		{"stars backtrack fail", "abcabe", "*abd", false},
		{"question", "ab", "a?", true},
		{"question needs a character", "a", "a?", false},
		{"class", "b1", "[abc][0-9]", true},
		{"class mismatch", "d1", "[abc]1", false},
		{"negated class", "d", "[!abc]", true},
		{"negated class mismatch", "a", "[!abc]", false},
		{"bracket first in class", "]", "[]]", true},
		{"unclosed bracket is literal", "a[b", "a[b", true},
		{"case-sensitive", "Orders", "orders", false},
		{"trailing stars", "a", "a**", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fnmatch(tt.s, tt.pattern); got != tt.want {
				t.Errorf("fnmatch(%q, %q) = %v, want %v", tt.s, tt.pattern, got, tt.want)
			}
		})
	}
}
