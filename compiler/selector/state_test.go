package selector

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// stateFixture is the fixture compared with an earlier run: stg_orders's
// SQL and customers's description changed, finance_summary is new,
// old_orders was deleted, and the earlier run failed on orders.
func stateFixture() Universe {
	u := fixture()
	u.State = &State{
		New: map[string]bool{"model.jaffle_shop.finance_summary": true},
		Modified: map[string][]string{
			"model.jaffle_shop.stg_orders":   {"body", "columns"},
			"model.jaffle_shop.customers":    {"descriptions"},
			"seed.jaffle_shop.country_codes": {"configs"},
		},
		Removed: map[string]Node{"model.jaffle_shop.old_orders": {
			ID: "model.jaffle_shop.old_orders", Name: "old_orders", ResourceType: "model", Package: "jaffle_shop",
			Path: "models/old_orders.sql", FQN: []string{"jaffle_shop", "old_orders"},
		}},
		Results: map[string]string{
			"model.jaffle_shop.orders":                         "error",
			"model.jaffle_shop.customers":                      "skipped",
			"model.jaffle_shop.finance_summary":                "skipped",
			"test.jaffle_shop.not_null_stg_orders_order_id":    "fail",
			"model.jaffle_shop.stg_orders":                     "success",
			"model.jaffle_shop.gone_from_the_project_long_ago": "error",
		},
	}
	return u
}

func TestSelectState(t *testing.T) {
	tests := []struct {
		name     string
		selects  []string
		excludes []string
		opts     Options
		want     []string
	}{
		{name: "new", selects: []string{"state:new"}, want: names("finance_summary")},
		{name: "modified: new nodes, and changes other than descriptions that are not persisted", selects: []string{"state:modified"},
			want: names("finance_summary", "stg_orders", "country_codes")},
		{name: "modified body: new nodes too, as in dbt", selects: []string{"state:modified.body"}, want: names("finance_summary", "stg_orders")},
		{name: "modified descriptions", selects: []string{"state:modified.descriptions"}, want: names("customers", "finance_summary")},
		{name: "modified and descendants", selects: []string{"state:modified+"},
			opts: Options{ResourceTypes: []string{"model"}},
			want: names("stg_orders", "int_order_payments", "orders", "customers", "finance_summary")},
		{name: "new or modified", selects: []string{"state:new state:modified"}, want: names("finance_summary", "stg_orders", "country_codes")},
		{name: "removed", selects: []string{"state:removed"}, want: names("old_orders")},
		{name: "removed keeps its resource type", selects: []string{"state:removed"},
			opts: Options{ResourceTypes: []string{"model"}}, want: names("old_orders")},
		{name: "removed is not a seed", selects: []string{"state:removed"},
			opts: Options{ResourceTypes: []string{"seed"}}, want: []string{}},
		{name: "unmodified models", selects: []string{"state:unmodified,resource_type:model"},
			want: names("audit_log", "calendar", "customers", "int_order_payments", "orders", "stg_customers", "stg_payments")},
		{name: "nothing modified in a tag is no error", selects: []string{"state:modified,tag:nightly"}, want: []string{}},
		{name: "error", selects: []string{"result:error"}, want: names("orders")},
		{name: "error and skipped, rerun", selects: []string{"result:error+ result:skipped+"},
			opts: Options{ResourceTypes: []string{"model"}}, want: names("orders", "customers", "finance_summary")},
		{name: "failing tests", selects: []string{"result:fail"}, want: names("not_null_stg_orders_order_id")},
		{name: "no warnings is no error", selects: []string{"result:warn"}, want: []string{}},
		{name: "exclude modified", selects: []string{"tag:staging"}, excludes: []string{"state:modified"},
			want: names("stg_customers", "stg_payments")},
	}
	u := stateFixture()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Select(u, tt.selects, tt.excludes, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, shortState(u, got)); diff != "" {
				t.Errorf("Select(%q, %q) (-want +got):\n%s", tt.selects, tt.excludes, diff)
			}
		})
	}
}

// shortState is short, also for nodes only the state has.
func shortState(u Universe, ids []string) []string {
	out := []string{}
	for _, id := range ids {
		if n, ok := u.State.Removed[id]; ok {
			out = append(out, n.Name)
			continue
		}
		out = append(out, short(u, []string{id})...)
	}
	return names(out...)
}

func TestSelectStateErrors(t *testing.T) {
	tests := []struct {
		name    string
		u       Universe
		selects []string
		want    string
		hint    string
	}{
		{name: "misspelt state", u: stateFixture(), selects: []string{"state:modifed"},
			want: `--select "state:modifed": unknown state "modifed"`, hint: `did you mean "modified"?`},
		{name: "misspelt kind", u: stateFixture(), selects: []string{"state:modified.bdy"},
			want: `--select "state:modified.bdy": unknown state "modified.bdy"`, hint: `did you mean "modified.body" or "modified"?`},
		{name: "misspelt result", u: stateFixture(), selects: []string{"result:errors"},
			want: `--select "result:errors": unknown result status "errors"`, hint: `did you mean "error"?`},
		{name: "result without run results", u: func() Universe { u := stateFixture(); u.State.Results = nil; return u }(),
			selects: []string{"result:error"},
			want:    `--select "result:error": the state has no run_results.json`,
			hint:    "result: needs the run_results.json of a run beside the state's manifest.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Select(tt.u, tt.selects, nil, Options{})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not an *Error", err, err)
			}
			if diff := cmp.Diff(tt.want, e.Error()); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.hint, e.Hint); diff != "" {
				t.Errorf("hint (-want +got):\n%s", diff)
			}
		})
	}
}
