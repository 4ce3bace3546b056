// Package projectgen writes synthetic kiln projects of any size, for benchmarking the
// compiler (`kiln compile`) on projects as large as real ones.
//
// A generated project looks like a dbt-style warehouse: a `raw` source of about fifty
// tables, staging models that rename and cast one raw table each, intermediate models
// that join two to four earlier models with CTEs, group by and window functions, and
// marts that aggregate intermediates into tables or incremental facts, calling a macro
// from macros/. Models live in nested folders (models/<layer>/<domain>/), every model
// file is 30 to 60 lines long, names are unique, refs only point at earlier models (so
// the graph has no cycle) and the columns each model selects exist in its parents.
//
// The same Options always give byte-identical files, so timings of different kiln
// versions on the same project can be compared.
package projectgen
