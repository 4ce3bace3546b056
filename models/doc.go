// Package models holds kiln's value types: a loaded Project with its Models,
// Sources, Seeds and Tests, their Config, the Target a run is aimed at, and
// the source positions that every diagnostic points at.
//
// The package imports nothing else of kiln's. Every other package speaks in
// these types, so a value produced by one stage can be held and compared by a
// test of the next.
package models
