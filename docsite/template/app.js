// kiln docs: one page, no network. The data is the JSON in #kiln-data;
// the route is in location.hash (#/node/<unique id>), so that the page
// works from file:// and the back button works.
(function () {
  "use strict";

  var SVGNS = "http://www.w3.org/2000/svg";
  var site = JSON.parse(document.getElementById("kiln-data").textContent);
  var byId = {};
  site.nodes.forEach(function (n) { byId[n.id] = n; });

  var COLORS = {
    table: "#cfe2ff", view: "#d1e7dd", incremental: "#ffe5b4", materialized_view: "#e2d9f3",
    ephemeral: "#ffffff", seed: "#f8d7da", source: "#e9ecef", test: "#dafbe1"
  };
  function kind(n) { return n.materialized || n.resource_type; }
  function color(n) { return COLORS[kind(n)] || "#ffffff"; }

  // el builds an element: el("a", {href: "#"}, "text", child …).
  function el(tag, attrs) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) {
      if (k === "class") e.className = attrs[k];
      else if (k === "text") e.textContent = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c == null) continue;
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    return e;
  }
  function link(id) {
    var n = byId[id];
    return el("a", { href: "#/node/" + encodeURIComponent(id), "data-id": id }, n ? n.name : id);
  }

  // ---- sidebar and search -------------------------------------------------

  var GROUPS = [["model", "Models"], ["seed", "Seeds"], ["source", "Sources"]];
  var list = document.getElementById("list");
  var items = [];
  GROUPS.forEach(function (g) {
    var nodes = site.nodes.filter(function (n) { return n.resource_type === g[0]; });
    if (!nodes.length) return;
    var head = el("li", { "class": "group", text: g[1] + " (" + nodes.length + ")" });
    list.appendChild(head);
    nodes.sort(function (a, b) { return a.name < b.name ? -1 : a.name > b.name ? 1 : 0; });
    nodes.forEach(function (n) {
      var a = el("a", { href: "#/node/" + encodeURIComponent(n.id), "data-id": n.id, title: n.path },
        el("span", { "class": "dot", style: "background:" + color(n) }), n.name);
      var li = el("li", { "class": "item" }, a);
      // What the search box looks in: names, path, description, tags, columns.
      var hay = [n.name, n.id, n.path, n.description, (n.tags || []).join(" ")];
      (n.columns || []).forEach(function (c) { hay.push(c.name, c.description || ""); });
      items.push({ li: li, a: a, node: n, head: head, hay: hay.join("\n").toLowerCase() });
      list.appendChild(li);
    });
  });

  var search = document.getElementById("search");
  var count = document.getElementById("count");
  function filter() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0, groupShown = new Map();
    items.forEach(function (it) {
      var ok = words.every(function (w) { return it.hay.indexOf(w) >= 0; });
      it.li.classList.toggle("hidden", !ok);
      if (ok) { shown++; groupShown.set(it.head, true); }
    });
    list.querySelectorAll("li.group").forEach(function (h) { h.classList.toggle("hidden", !groupShown.get(h)); });
    count.textContent = words.length ? shown + " of " + items.length : "";
  }
  search.addEventListener("input", filter);
  search.addEventListener("keydown", function (e) {
    if (e.key === "Enter") {
      var first = items.find(function (it) { return !it.li.classList.contains("hidden"); });
      if (first) location.hash = "#/node/" + encodeURIComponent(first.node.id);
    } else if (e.key === "Escape") {
      search.value = ""; filter();
    }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "/" && document.activeElement !== search) { e.preventDefault(); search.focus(); }
  });

  // ---- SQL ----------------------------------------------------------------

  var KEYWORDS = new Set(("select from where group by having order limit offset join left right inner outer full cross " +
    "natural on using as and or not in is null like ilike between case when then else end distinct all union " +
    "intersect except with recursive over partition window qualify asc desc nulls exists cast lateral " +
    "true false interval create table view insert into values").split(" "));
  // highlight writes SQL into a <pre> as text nodes and spans: nothing of
  // it is ever parsed as HTML.
  function highlight(sql) {
    var pre = el("pre", { "class": "sql" });
    var re = /(--[^\n]*|\/\*[\s\S]*?\*\/)|('(?:[^']|'')*'?)|("(?:[^"]|"")*"?)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_][A-Za-z0-9_]*)|([\s\S])/g;
    var m, buf = "";
    function flush() { if (buf) { pre.appendChild(document.createTextNode(buf)); buf = ""; } }
    function span(cls, text) { flush(); pre.appendChild(el("span", { "class": cls }, text)); }
    while ((m = re.exec(sql)) !== null) {
      if (m[1]) span("c", m[1]);
      else if (m[2]) span("s", m[2]);
      else if (m[4]) span("n", m[4]);
      else if (m[5] && KEYWORDS.has(m[5].toLowerCase())) span("k", m[5]);
      else buf += m[0];
    }
    flush();
    return pre;
  }

  // ---- lineage graph --------------------------------------------------------

  // reach collects the nodes depth steps away along next (all when depth < 0).
  function reach(start, next, depth) {
    var seen = new Set([start]), level = [start];
    for (var d = 0; level.length && (depth < 0 || d < depth); d++) {
      var following = [];
      level.forEach(function (id) {
        ((byId[id] || {})[next] || []).forEach(function (c) {
          if (!seen.has(c) && byId[c]) { seen.add(c); following.push(c); }
        });
      });
      level = following;
    }
    return seen;
  }

  // layout places nodes in layers by longest path from the roots of the
  // subgraph, orders each layer by the barycenter of its neighbours (a few
  // sweeps down and up), and stacks each layer's boxes vertically.
  function layout(ids, heightOf) {
    var set = new Set(ids), layer = {}, indeg = {};
    ids.forEach(function (id) {
      indeg[id] = byId[id].parents.filter(function (p) { return set.has(p); }).length;
      layer[id] = 0;
    });
    var queue = ids.filter(function (id) { return indeg[id] === 0; }).sort();
    var order = [];
    while (queue.length) {
      var id = queue.shift();
      order.push(id);
      byId[id].children.forEach(function (c) {
        if (!set.has(c)) return;
        layer[c] = Math.max(layer[c], layer[id] + 1);
        if (--indeg[c] === 0) queue.push(c);
      });
    }
    ids.forEach(function (id) { if (order.indexOf(id) < 0) order.push(id); }); // a cycle: should not happen
    var layers = [];
    order.forEach(function (id) { (layers[layer[id]] = layers[layer[id]] || []).push(id); });
    layers = layers.filter(Boolean);
    layers.forEach(function (l) { l.sort(function (a, b) { return byId[a].name < byId[b].name ? -1 : 1; }); });
    var pos = {};
    function index() { layers.forEach(function (l) { l.forEach(function (id, i) { pos[id] = i; }); }); }
    function sweep(from, to, step, key) {
      for (var L = from; L !== to; L += step) {
        var bary = {};
        layers[L].forEach(function (id) {
          var ns = byId[id][key].filter(function (p) { return set.has(p) && layer[p] === L - step; });
          bary[id] = ns.length ? ns.reduce(function (s, p) { return s + pos[p]; }, 0) / ns.length : pos[id];
        });
        layers[L].sort(function (a, b) { return bary[a] - bary[b] || pos[a] - pos[b]; });
        layers[L].forEach(function (id, i) { pos[id] = i; });
      }
    }
    index();
    for (var it = 0; it < 4; it++) {
      sweep(1, layers.length, 1, "parents");
      sweep(layers.length - 2, -1, -1, "children");
    }
    var W = 190, HGAP = 70, VGAP = 18, PAD = 16, box = {}, colHeights = [];
    layers.forEach(function (l) {
      colHeights.push(l.reduce(function (s, id) { return s + heightOf(id) + VGAP; }, -VGAP));
    });
    var height = Math.max.apply(null, colHeights);
    layers.forEach(function (l, L) {
      var y = PAD + (height - colHeights[L]) / 2;
      l.forEach(function (id) {
        box[id] = { x: PAD + L * (W + HGAP), y: y, w: W, h: heightOf(id) };
        y += heightOf(id) + VGAP;
      });
    });
    return { box: box, width: PAD * 2 + layers.length * (W + HGAP) - HGAP, height: height + PAD * 2 };
  }

  function curve(x1, y1, x2, y2) {
    var dx = Math.max(30, (x2 - x1) / 2);
    return "M" + x1 + "," + y1 + " C" + (x1 + dx) + "," + y1 + " " + (x2 - dx) + "," + y2 + " " + x2 + "," + y2;
  }
  function clip(s, n) { return s.length > n ? s.slice(0, n - 1) + "…" : s; }

  // drawLineage draws the graph of focus's ancestors and descendants; with
  // columns, each box lists its columns and edges join columns.
  function drawLineage(focus, depth, columns) {
    var ids = Array.from(new Set(Array.from(reach(focus, "parents", depth)).concat(Array.from(reach(focus, "children", depth)))));
    var HEAD = 26, ROW = 20;
    // In column mode, a box shows its own columns and the columns others
    // take from it.
    var cols = {};
    ids.forEach(function (id) { cols[id] = columns ? byId[id].columns.map(function (c) { return c.name; }) : []; });
    if (columns) {
      ids.forEach(function (id) {
        byId[id].columns.forEach(function (c) {
          c.lineage.forEach(function (r) {
            if (cols[r.node] && cols[r.node].indexOf(r.column) < 0) cols[r.node].push(r.column);
          });
        });
      });
    }
    var lay = layout(ids, function (id) { return HEAD + (columns ? Math.max(1, cols[id].length) * ROW + 4 : 0); });
    var root = svg("svg", { width: lay.width, height: lay.height, viewBox: "0 0 " + lay.width + " " + lay.height, role: "img" });
    var rootTitle = svg("title");
    rootTitle.textContent = "lineage of " + byId[focus].name;
    root.appendChild(rootTitle);
    var defs = svg("defs"), marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" });
    marker.appendChild(svg("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#8c959f" }));
    defs.appendChild(marker);
    root.appendChild(defs);
    var edges = svg("g", { "class": "edges" }), nodes = svg("g", { "class": "nodes" });
    root.appendChild(edges); root.appendChild(nodes);
    var set = new Set(ids), colEl = {}, edgeEls = [];
    function rowY(id, col) { return lay.box[id].y + HEAD + cols[id].indexOf(col) * ROW + ROW / 2; }

    ids.forEach(function (id) {
      var n = byId[id], b = lay.box[id];
      var g = svg("g", { "class": "node" + (id === focus ? " focus" : ""), "data-id": id, transform: "translate(" + b.x + "," + b.y + ")" });
      g.appendChild(svg("rect", { "class": "box", width: b.w, height: b.h, fill: color(n) }));
      var t = svg("text", { "class": "title", x: 8, y: 17 });
      t.textContent = clip(n.name, 26);
      g.appendChild(t);
      var title = svg("title");
      title.textContent = n.name + " (" + kind(n) + ")";
      g.appendChild(title);
      g.addEventListener("click", function (e) {
        if (e.target.closest && e.target.closest(".col")) return;
        location.hash = "#/node/" + encodeURIComponent(id);
      });
      if (columns) {
        if (!cols[id].length) {
          var none = svg("text", { x: 8, y: HEAD + 14 });
          none.textContent = "columns unknown";
          none.setAttribute("fill", "#656d76");
          g.appendChild(none);
        }
        cols[id].forEach(function (c, i) {
          var row = svg("g", { "class": "col", "data-node": id, "data-column": c, transform: "translate(4," + (HEAD + i * ROW) + ")" });
          row.appendChild(svg("rect", { width: b.w - 8, height: ROW - 2 }));
          var ct = svg("text", { x: 6, y: 14 });
          ct.textContent = clip(c, 27);
          row.appendChild(ct);
          row.addEventListener("click", function () { highlightColumn(id, c); });
          g.appendChild(row);
          colEl[id + "\u0000" + c] = row;
        });
      }
      nodes.appendChild(g);
    });

    // Column edges: upstream column → column. Node edges: parent → child.
    var colEdges = [];
    if (columns) {
      ids.forEach(function (id) {
        byId[id].columns.forEach(function (c) {
          c.lineage.forEach(function (r) {
            if (!set.has(r.node)) return;
            colEdges.push({ from: r.node + "\u0000" + r.column, to: id + "\u0000" + c.name });
            var a = lay.box[r.node], b = lay.box[id];
            var p = svg("path", { "class": "edge", "marker-end": "url(#arrow)", d: curve(a.x + a.w, rowY(r.node, r.column), b.x, rowY(id, c.name)) });
            edges.appendChild(p);
            edgeEls.push({ el: p, from: r.node + "\u0000" + r.column, to: id + "\u0000" + c.name });
          });
        });
      });
    }
    ids.forEach(function (id) {
      byId[id].children.forEach(function (c) {
        if (!set.has(c)) return;
        var linked = colEdges.some(function (e) { return e.from.split("\u0000")[0] === id && e.to.split("\u0000")[0] === c; });
        if (columns && linked) return;
        var a = lay.box[id], b = lay.box[c];
        var p = svg("path", { "class": "edge", "marker-end": "url(#arrow)", d: curve(a.x + a.w, a.y + 13, b.x, b.y + 13) });
        if (columns) p.setAttribute("stroke-dasharray", "4 3");
        edges.appendChild(p);
      });
    });

    // highlightColumn lights the columns a column comes from and feeds.
    function highlightColumn(id, c) {
      var key = id + "\u0000" + c, on = new Set([key]);
      var grow = function (dirFrom, dirTo) {
        var frontier = [key];
        while (frontier.length) {
          var k = frontier.pop();
          edgeEls.forEach(function (e) {
            if (e[dirTo] === k && !on.has(e[dirFrom])) { on.add(e[dirFrom]); frontier.push(e[dirFrom]); }
          });
        }
      };
      grow("from", "to");
      grow("to", "from");
      root.classList.add("dim");
      Object.keys(colEl).forEach(function (k) { colEl[k].classList.toggle("on", on.has(k)); });
      edgeEls.forEach(function (e) { e.el.classList.toggle("on", on.has(e.from) && on.has(e.to)); });
    }
    return root;
  }

  function legend() {
    var l = el("div", { "class": "legend" });
    ["table", "view", "incremental", "materialized_view", "ephemeral", "seed", "source"].forEach(function (k) {
      l.appendChild(el("span", null, el("span", { "class": "dot", style: "background:" + COLORS[k] }), k.replace("_", " ")));
    });
    return l;
  }

  // ---- pages ----------------------------------------------------------------

  var main = document.getElementById("main");

  function lineageSection(id) {
    var wrap = el("div");
    var n = byId[id];
    var total = reach(id, "parents", -1).size + reach(id, "children", -1).size - 1;
    var depthSel = el("select", { id: "depth", "aria-label": "depth" });
    [["1", "1 step"], ["2", "2 steps"], ["3", "3 steps"], ["-1", "all"]].forEach(function (o) {
      depthSel.appendChild(el("option", { value: o[0] }, o[1]));
    });
    var hasCols = site.column_lineage && n.columns.length > 0;
    // Column boxes are tall: show the whole lineage only when it is small.
    depthSel.value = total > (hasCols ? 12 : 60) ? (hasCols ? "1" : "2") : "-1";
    var colBox = el("input", { type: "checkbox", id: "by-column" });
    if (hasCols) colBox.checked = true;
    var controls = el("div", { "class": "controls" }, el("label", null, "Depth ", depthSel));
    if (site.column_lineage) controls.appendChild(el("label", null, colBox, " column lineage (click a column)"));
    var holder = el("div", { id: "lineage" });
    function redraw() {
      holder.textContent = "";
      holder.appendChild(drawLineage(id, parseInt(depthSel.value, 10), site.column_lineage && colBox.checked));
    }
    depthSel.addEventListener("change", redraw);
    colBox.addEventListener("change", redraw);
    wrap.appendChild(controls);
    wrap.appendChild(holder);
    wrap.appendChild(legend());
    redraw();
    return wrap;
  }

  function nodePage(id) {
    var n = byId[id];
    main.textContent = "";
    document.title = n.name + " · " + site.project + " · kiln docs";
    main.appendChild(el("h1", { id: "node-name" }, n.name));
    var badges = el("div", { "class": "badges" },
      el("span", { "class": "badge kind", style: "background:" + color(n) }, n.materialized ? n.materialized + " " + n.resource_type : n.resource_type));
    n.tags.forEach(function (t) { badges.appendChild(el("span", { "class": "badge" }, "#" + t)); });
    main.appendChild(badges);
    var meta = el("div", { "class": "meta" }, "file ", el("code", null, n.path));
    if (n.relation) { meta.appendChild(document.createTextNode(" · relation ")); meta.appendChild(el("code", null, n.relation)); }
    main.appendChild(meta);
    main.appendChild(n.description ? el("p", { "class": "description" }, n.description) : el("p", { "class": "empty" }, "No description."));
    if (n.tests.length) {
      var tp = el("p", null, "Tests: ");
      n.tests.forEach(function (t) { tp.appendChild(el("span", { "class": "test" }, t)); });
      main.appendChild(tp);
    }
    if (n.unit_tests.length) {
      var up = el("p", null, "Unit tests: ");
      n.unit_tests.forEach(function (t) { up.appendChild(el("span", { "class": "test" }, t)); });
      main.appendChild(up);
    }

    main.appendChild(el("h2", null, "Lineage"));
    main.appendChild(lineageSection(id));

    main.appendChild(el("h2", null, "Columns"));
    if (!n.columns.length) {
      main.appendChild(el("p", { "class": "empty" }, "No columns are declared or known."));
    } else {
      var table = el("table", { id: "columns" }, el("thead", null, el("tr", null,
        el("th", null, "column"), el("th", null, "type"), el("th", null, "description"), el("th", null, "tests"), el("th", null, "from"))));
      var body = el("tbody");
      n.columns.forEach(function (c) {
        var tests = el("td");
        c.tests.forEach(function (t) { tests.appendChild(el("span", { "class": "test" }, t)); });
        var from = el("td");
        c.lineage.forEach(function (r, i) {
          if (i) from.appendChild(document.createTextNode(", "));
          from.appendChild(link(r.node));
          from.appendChild(document.createTextNode("." + r.column));
        });
        body.appendChild(el("tr", null, el("td", null, el("code", null, c.name)), el("td", null, c.type ? el("code", null, c.type) : ""),
          el("td", null, c.description || ""), tests, from));
      });
      table.appendChild(body);
      main.appendChild(table);
    }

    main.appendChild(el("h2", null, "Depends on and used by"));
    var up = el("ul", { id: "upstream" }), down = el("ul", { id: "downstream" });
    n.parents.forEach(function (p) { up.appendChild(el("li", null, link(p))); });
    n.children.forEach(function (c) { down.appendChild(el("li", null, link(c))); });
    main.appendChild(el("div", { "class": "deps" },
      el("div", null, el("b", null, "Upstream (" + n.parents.length + ")"), n.parents.length ? up : el("p", { "class": "empty" }, "none")),
      el("div", null, el("b", null, "Downstream (" + n.children.length + ")"), n.children.length ? down : el("p", { "class": "empty" }, "none"))));


    if (n.sql) {
      main.appendChild(el("h2", null, "Compiled SQL"));
      var pre = highlight(n.sql);
      pre.id = "sql";
      main.appendChild(pre);
    }
    items.forEach(function (it) { it.a.classList.toggle("current", it.node.id === id); });
    main.scrollTop = 0;
  }

  function homePage() {
    main.textContent = "";
    document.title = site.project + " · kiln docs";
    main.appendChild(el("h1", null, site.project));
    main.appendChild(el("div", { "class": "meta" }, "target ", el("code", null, site.target), " (" + site.target_type + ") · kiln " + site.kiln_version));
    var stats = el("div", { "class": "stats" });
    GROUPS.forEach(function (g) {
      var k = site.nodes.filter(function (n) { return n.resource_type === g[0]; }).length;
      stats.appendChild(el("div", null, el("b", null, String(k)), g[1].toLowerCase()));
    });
    main.appendChild(stats);
    main.appendChild(el("p", null, "Pick a node on the left, or search with the box above (press / to focus it)."));
    var roots = site.nodes.filter(function (n) { return n.resource_type === "model" && n.children.length === 0; });
    if (roots.length) {
      main.appendChild(el("h2", null, "Final models"));
      var ul = el("ul");
      roots.forEach(function (n) {
        ul.appendChild(el("li", null, link(n.id), n.description ? " — " + n.description.split("\n")[0] : ""));
      });
      main.appendChild(ul);
    }
    items.forEach(function (it) { it.a.classList.remove("current"); });
  }

  function route() {
    var m = /^#\/node\/(.+)$/.exec(location.hash);
    var id = m ? decodeURIComponent(m[1]) : null;
    if (id && byId[id]) nodePage(id);
    else homePage();
  }

  document.getElementById("project").textContent = site.project;
  window.addEventListener("hashchange", route);
  route();
  filter();
})();
