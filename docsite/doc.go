// Package docsite writes kiln's documentation site: one self-contained
// HTML file (target/docs/index.html) that shows every model, seed and
// source of a manifest with its description, compiled SQL, columns and
// tests, its upstream and downstream nodes, a lineage graph and a search
// box.
//
// The page loads nothing: the data is inlined as JSON in a <script> tag,
// and the stylesheet and the script (plain JavaScript, no framework, no
// build step) are inlined from the template/ folder, embedded in the
// binary. It works from file:// and from any static file server. The
// lineage graph is an SVG drawn by the page's own layered layout; it is
// drawn column by column when the manifest carries column lineage.
//
// The manifest is read loosely, by field name, so that the site shows
// what a newer kiln adds (inferred column types, column lineage) without
// this package changing in step.
package docsite
