package selector

import (
	"fmt"
	"slices"
	"strings"
)

// State is what selection knows of another run, read with --state DIR:
// how each node differs from it, and the run's results. state: and
// result: select with it.
type State struct {
	// New holds the ids of the nodes that the state does not have.
	New map[string]bool
	// Modified maps the id of each node that differs from the state to
	// what differs, sorted: "body", "configs", "contract", "columns",
	// "descriptions", "persisted_descriptions".
	Modified map[string][]string
	// Removed holds the nodes that only the state has. state:removed
	// selects them; no other method sees them.
	Removed map[string]Node
	// Results maps node ids to their status in the state's run results
	// (success, error, skipped, pass, fail, warn); nil when it has none.
	Results map[string]string
}

// stateValues are the values of state:, for hints.
var stateValues = []string{
	"modified", "modified.body", "modified.configs", "modified.contract", "modified.columns",
	"modified.descriptions", "modified.persisted_descriptions", "new", "old", "removed", "unmodified",
}

// resultValues are the statuses result: selects, for hints.
var resultValues = []string{"error", "fail", "pass", "skipped", "success", "warn"}

// mayBeEmpty says whether a method may select nothing without it being an
// error: "nothing changed", "nothing failed" and "no unit tests" are
// answers, not typos. (The methods whose values are names, where nothing
// usually means a typo, stay errors with a hint.)
func mayBeEmpty(method string) bool {
	switch method {
	case "state", "result", "resource_type", "test_type":
		return true
	}
	return false
}

// needState is the error of state: and result: without --state.
func needState(method string) *Error {
	return &Error{
		Message: fmt.Sprintf("selector method %q needs --state DIR", method),
		Hint:    "pass the directory of another run's manifest.json, e.g. --state prod-artifacts/",
	}
}

// state selects by comparison with the state: state:new, state:old,
// state:modified, state:modified.<kind>, state:unmodified, state:removed.
func (s *selector) state(c criterion) ([]string, *Error) {
	st := s.st
	if st == nil {
		return nil, needState("state")
	}
	v := c.value
	// As in dbt, a new node counts as modified, in every respect: a pull
	// request's new models are what "state:modified+" must build.
	modified := func(n Node) bool {
		kinds := st.Modified[n.ID]
		// A description that is not written to the database changes
		// nothing that runs (dbt's rule).
		return st.New[n.ID] || slices.ContainsFunc(kinds, func(k string) bool { return k != "descriptions" })
	}
	switch {
	case v == "new":
		return s.filter(func(n Node) bool { return st.New[n.ID] }), nil
	case v == "old":
		return s.filter(func(n Node) bool { return !st.New[n.ID] }), nil
	case v == "modified":
		return s.filter(modified), nil
	case v == "unmodified":
		return s.filter(func(n Node) bool { return !st.New[n.ID] && !modified(n) }), nil
	case v == "removed":
		ids := make([]string, 0, len(st.Removed))
		for id := range st.Removed {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		return ids, nil
	case strings.HasPrefix(v, "modified.") && slices.Contains(stateValues, v):
		kind := strings.TrimPrefix(v, "modified.")
		return s.filter(func(n Node) bool { return st.New[n.ID] || slices.Contains(st.Modified[n.ID], kind) }), nil
	}
	return nil, &Error{Message: fmt.Sprintf("unknown state %q", v), Hint: oneOf(v, stateValues)}
}

// result selects the nodes whose status in the state's run results is the
// value: result:error, result:fail, result:skipped …
func (s *selector) result(c criterion) ([]string, *Error) {
	if s.st == nil {
		return nil, needState("result")
	}
	if !slices.Contains(resultValues, c.value) {
		return nil, &Error{Message: fmt.Sprintf("unknown result status %q", c.value), Hint: oneOf(c.value, resultValues)}
	}
	if s.st.Results == nil {
		return nil, &Error{
			Message: "the state has no run_results.json",
			Hint:    "result: needs the run_results.json of a run beside the state's manifest.json",
		}
	}
	return s.filter(func(n Node) bool { return s.st.Results[n.ID] == c.value }), nil
}

// node returns the node with the given id, also when only the state has it.
func (u Universe) node(id string) Node {
	if n, ok := u.Nodes[id]; ok {
		return n
	}
	if u.State != nil {
		return u.State.Removed[id]
	}
	return Node{}
}
