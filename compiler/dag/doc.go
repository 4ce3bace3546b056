// Package dag is a small generic directed acyclic graph: vertices, edges
// from upstream to downstream, validation that reports every cycle from a
// fixed start, a deterministic topological order, ancestors and descendants
// to a depth, subgraphs that keep the order of what they keep, and a parallel
// walk that visits each vertex after its parents and skips the descendants
// of a failure.
//
// The package knows nothing about models: kiln's compiler stores node ids in
// a Graph[string]. Every method that returns vertices returns them sorted, so
// callers never see map order. A Graph is safe for concurrent reads, but not
// for a write concurrent with anything else.
package dag
