package docsite

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// screenshotDir is where the browser test saves its screenshots:
// $KILN_TEST_ARTIFACTS when set (CI keeps it), else a temporary directory.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("KILN_TEST_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// TestSiteInChromium opens the generated site from file:// in headless
// Chromium and uses it as a person would: it clicks a model in the list,
// reads its SQL and lineage graph, follows the graph to another model,
// searches, and clicks a column of a column-level lineage graph. The page
// must log no error and ask for nothing but its own file.
func TestSiteInChromium(t *testing.T) {
	bin := needChromium(t)
	dir := t.TempDir()
	jaffle := filepath.Join(dir, "jaffle", "index.html")
	if _, err := Write(jaffle, jaffleManifest(t)); err != nil {
		t.Fatal(err)
	}
	lineage := filepath.Join(dir, "lineage", "index.html")
	if _, err := Write(lineage, lineageManifest(t)); err != nil {
		t.Fatal(err)
	}
	shots := screenshotDir(t)

	b := launch(t, bin)
	p := b.newPage()
	p.navigate("file://" + filepath.ToSlash(jaffle))
	p.waitFor(`document.querySelectorAll("#sidebar li.item").length === 18`)

	// Click a model in the list: its page shows its SQL and lineage.
	p.click(`#sidebar a[data-id="model.jaffle_shop.customers"]`)
	p.waitFor(`location.hash === "#/node/model.jaffle_shop.customers"`)
	p.waitFor(`document.querySelector("#node-name").textContent === "customers"`)
	if sql, _ := p.eval(`document.querySelector("#sql").textContent`).(string); !strings.Contains(sql, "left join customer_orders") {
		t.Errorf("the SQL shown for customers is not its compiled SQL:\n%s", sql)
	}
	nodes := p.eval(`Array.from(document.querySelectorAll("#lineage svg g.node")).map(function (g) { return g.getAttribute("data-id"); }).sort().join(" ")`).(string)
	for _, want := range []string{"model.jaffle_shop.customers", "model.jaffle_shop.orders", "model.jaffle_shop.stg_customers", "seed.jaffle_shop.raw_customers"} {
		if !strings.Contains(nodes, want) {
			t.Errorf("lineage graph of customers lacks %s: %s", want, nodes)
		}
	}
	if n := p.eval(`document.querySelectorAll("#lineage svg path.edge").length`).(float64); n < 5 {
		t.Errorf("lineage graph has %v edges", n)
	}
	if up := p.eval(`document.querySelector("#upstream").textContent`).(string); !strings.Contains(up, "stg_customers") {
		t.Errorf("upstream of customers: %q", up)
	}
	p.screenshot(filepath.Join(shots, "docs-customers.png"))

	// Follow the graph: clicking a box opens that node.
	p.click(`#lineage svg g.node[data-id="model.jaffle_shop.stg_customers"] rect`)
	p.waitFor(`document.querySelector("#node-name").textContent === "stg_customers"`)

	// Search narrows the list; Enter opens the first match.
	p.click(`#search`)
	p.typeText("payment")
	p.waitFor(`document.querySelector("#count").textContent !== ""`)
	visible := p.eval(`Array.from(document.querySelectorAll("#sidebar li.item:not(.hidden) a")).map(function (a) { return a.textContent; }).join(" ")`).(string)
	if visible == "" || strings.Contains(visible, "stg_customers") {
		t.Errorf("search for payment shows: %q", visible)
	}
	for _, name := range strings.Fields(visible) {
		if !strings.Contains(name, "payment") {
			// A match on a column or description is fine, but say so.
			t.Logf("search for payment also shows %s (a column or description matches)", name)
		}
	}
	p.screenshot(filepath.Join(shots, "docs-search.png"))
	p.press("Enter", 13)
	p.waitFor(`location.hash.indexOf("payment") >= 0`)

	// Column-level lineage: clicking a column lights its upstream and
	// downstream columns.
	p.navigate("file://" + filepath.ToSlash(lineage) + "#/node/model.shop.stg_orders")
	p.waitFor(`document.querySelector("#node-name") && document.querySelector("#node-name").textContent === "stg_orders"`)
	if n := p.eval(`document.querySelectorAll("#lineage svg g.col").length`).(float64); n < 6 {
		t.Errorf("column lineage graph shows %v columns", n)
	}
	p.click(`#lineage svg g.col[data-node="model.shop.stg_orders"][data-column="amount_usd"] rect`)
	on := p.eval(`Array.from(document.querySelectorAll("#lineage svg g.col.on")).map(function (g) { return g.getAttribute("data-node") + "." + g.getAttribute("data-column"); }).sort().join(" ")`).(string)
	if want := "model.shop.orders.total model.shop.stg_orders.amount_usd seed.shop.fx.rate source.shop.raw.orders.amount"; on != want {
		t.Errorf("highlighted columns:\n got %s\nwant %s", on, want)
	}
	if n := p.eval(`document.querySelectorAll("#lineage svg path.edge.on").length`).(float64); n != 3 {
		t.Errorf("%v highlighted edges, want 3", n)
	}
	if tests := p.eval(`document.querySelector("#columns").textContent`).(string); strings.Contains(tests, "alert(1)") {
		t.Errorf("SQL leaked into the columns table")
	}
	if sql := p.eval(`document.querySelector("#sql").textContent`).(string); !strings.Contains(sql, "</script><script>alert(1)</script>") {
		t.Errorf("SQL holding </script> is not shown as text: %q", sql)
	}
	p.screenshot(filepath.Join(shots, "docs-column-lineage.png"))
	t.Logf("screenshots in %s", shots)

	if probs := b.problems(); len(probs) > 0 {
		t.Errorf("the page logged errors or reached out:\n%s", strings.Join(probs, "\n"))
	}
	reqs := b.requests()
	if len(reqs) == 0 {
		t.Error("no network events seen: is Network.enable working?")
	}
	for _, u := range reqs {
		if !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") && u != "about:blank" {
			t.Errorf("request outside file://: %s", u)
		}
	}
}
