package docsite

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kiln-sql/kiln/compiler"
)

// jaffleManifest compiles examples/jaffle_shop and returns its manifest.
func jaffleManifest(t *testing.T) []byte {
	t.Helper()
	res, err := compiler.Compile(compiler.Options{Dir: filepath.Join("..", "examples", "jaffle_shop")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Diagnostics.HasErrors() {
		t.Fatal(res.Diagnostics)
	}
	var b bytes.Buffer
	if err := res.Manifest().Encode(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func lineageManifest(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "lineage_manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestBuildReadsLineageAndTests(t *testing.T) {
	site, err := Build(lineageManifest(t))
	if err != nil {
		t.Fatal(err)
	}
	if !site.ColumnLineage {
		t.Error("ColumnLineage is false for a manifest with lineage")
	}
	var ids []string
	byID := map[string]Node{}
	for _, n := range site.Nodes {
		ids = append(ids, n.ID)
		byID[n.ID] = n
	}
	if diff := cmp.Diff([]string{"model.shop.orders", "model.shop.stg_orders", "seed.shop.fx", "source.shop.raw.orders"}, ids); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
	orders := byID["model.shop.orders"]
	if diff := cmp.Diff([]string{}, orders.Children); diff != "" {
		t.Errorf("tests are children of orders (-want +got):\n%s", diff)
	}
	want := Column{Name: "order_id", Type: "INTEGER", Description: "Primary key.",
		Tests:   []string{"not_null_orders_order_id", "unique_orders_order_id"},
		Lineage: []ColumnRef{{Node: "model.shop.stg_orders", Column: "order_id"}}}
	if diff := cmp.Diff(want, orders.Columns[0]); diff != "" {
		t.Errorf("orders.order_id (-want +got):\n%s", diff)
	}
	if got := byID["source.shop.raw.orders"].Name; got != "raw.orders" {
		t.Errorf("source name = %q, want raw.orders", got)
	}
}

// The page is one file that reaches for nothing outside itself, and no
// model's SQL can end the <script> that holds the data.
func TestRenderIsSelfContained(t *testing.T) {
	site, err := Build(lineageManifest(t))
	if err != nil {
		t.Fatal(err)
	}
	page, err := site.Render()
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	for _, marker := range []string{titleMarker, styleMarker, scriptMarker, dataMarker} {
		if strings.Contains(html, marker) {
			t.Errorf("marker %s left in the page", marker)
		}
	}
	// The only URL is SVG's namespace, which is a name, not a request.
	urls := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s"'<>)]*`).FindAllString(html, -1)
	for _, u := range urls {
		if u != "http://www.w3.org/2000/svg" {
			t.Errorf("the page names a URL: %s", u)
		}
	}
	for _, re := range []string{`(?i)<script[^>]+src=`, `(?i)<link[^>]+stylesheet`, `(?i)@import`, `(?i)\bfetch\(`, `(?i)XMLHttpRequest`} {
		if regexp.MustCompile(re).MatchString(html) {
			t.Errorf("the page loads something: %s", re)
		}
	}
	if n := strings.Count(strings.ToLower(html), "</script>"); n != 2 {
		t.Errorf("%d </script> in the page, want 2 (the data's and the app's)", n)
	}
	start := strings.Index(html, `<script id="kiln-data" type="application/json">`)
	end := strings.Index(html[start:], "</script>")
	data := html[start+len(`<script id="kiln-data" type="application/json">`) : start+end]
	var back Site
	if err := json.Unmarshal([]byte(data), &back); err != nil {
		t.Fatalf("the inlined data is not JSON: %v", err)
	}
	if diff := cmp.Diff(*site, back); diff != "" {
		t.Errorf("inlined data (-want +got):\n%s", diff)
	}
}

// The same manifest gives the same page.
func TestRenderIsDeterministic(t *testing.T) {
	mf := jaffleManifest(t)
	var first []byte
	for i := range 3 {
		site, err := Build(mf)
		if err != nil {
			t.Fatal(err)
		}
		page, err := site.Render()
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = page
		} else if !bytes.Equal(first, page) {
			t.Fatal("two renders of one manifest differ")
		}
	}
}

func TestFillDoesNotRescan(t *testing.T) {
	got := string(fill([]byte("a /*X*/ b /*Y*/ c"), map[string][]byte{"/*X*/": []byte("/*Y*/"), "/*Y*/": []byte("y")}))
	if got != "a /*Y*/ b y c" {
		t.Errorf("fill = %q", got)
	}
}

// Lineage is read from any of the shapes a manifest may give it.
func TestColumnRefsShapes(t *testing.T) {
	want := []ColumnRef{{Node: "model.p.a", Column: "x"}}
	for _, in := range []string{
		`[{"relation": "model.p.a", "column": "x"}]`,
		`[{"unique_id": "model.p.a", "name": "x"}]`,
		`[["model.p.a", "x"]]`,
	} {
		if diff := cmp.Diff(want, columnRefs(json.RawMessage(in))); diff != "" {
			t.Errorf("columnRefs(%s) (-want +got):\n%s", in, diff)
		}
	}
	for _, in := range []string{``, `null`, `"x"`, `{"a": 1}`, `[{"column": "x"}]`} {
		if got := columnRefs(json.RawMessage(in)); len(got) != 0 {
			t.Errorf("columnRefs(%s) = %v, want nothing", in, got)
		}
	}
}
