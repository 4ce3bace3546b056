package suggest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHint(t *testing.T) {
	names := []string{"customers", "orders", "stg_orders", "stg_payments", "order_items"}
	tests := []struct {
		name, in, want string
	}{
		{"one typo", "custmers", `did you mean "customers"?`},
		{"transposition", "ordres", `did you mean "orders"?`},
		{"prefix missing", "stg_order", `did you mean "stg_orders"?`},
		{"case and substring", "Orders", `did you mean "orders" or "stg_orders"?`},
		{"nothing close", "revenue", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Hint(tc.in, names)); diff != "" {
				t.Errorf("Hint(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "abc", 0}, {"abc", "acb", 1}, {"kitten", "sitting", 3}, {"", "ab", 2}} {
		if got := distance(tc.a, tc.b); got != tc.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
