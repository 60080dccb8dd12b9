// lineage explorer: lanes and time axis over the pyvis network, focus views kept in the URL hash
// (#focus=mla), an evidence panel, filters and legend.  Source text is only ever written with
// textContent; the tooltips arrive HTML-escaped from lineage.
(function () {
  var config = __LINEAGE_CONFIG__;
  function el(id) { return document.getElementById(id); }
  function make(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  // Tooltips are built by lineage with every piece of source text escaped (and their tags balanced);
  // as elements their line breaks render.  Each is parsed when the pointer first rests on its node or
  // edge (before the tooltip's delay is over): parsing them all up front is a second per 10,000 nodes.
  // An edge's tooltip gets its evidence (at most 5) from config.claims, which carries it once, written as text.
  function addEvidence(tip, claim) {
    var evidence = claim ? claim.evidence : [];
    evidence.slice(0, 5).forEach(function (ev) {
      tip.appendChild(document.createElement("br"));
      tip.appendChild(document.createTextNode("• "));
      tip.appendChild(make("i", ev.source));
      tip.appendChild(document.createTextNode(" [" + ev.source_kind + ", " + ev.method + "] " + ev.locator + ": " + ev.snippet));
    });
    if (evidence.length > 5) { tip.appendChild(document.createElement("br")); tip.appendChild(document.createTextNode("… " + (evidence.length - 5) + " more")); }
    return tip;
  }
  function tipOf(set, id) {
    var item = set.get(id);
    if (!item || typeof item.title !== "string") { return; }
    var box = document.createElement("div");
    box.innerHTML = '<div class="lineage-tip">' + item.title + "</div>";
    set.update({id: id, title: addEvidence(box.removeChild(box.firstChild), set === edges && config.claims[id])});
  }
  function parseTips() {  // all of them at once (window.lineageTips, for tests)
    [nodes, edges].forEach(function (set) {
      var items = set.get().filter(function (item) { return typeof item.title === "string"; });
      var box = document.createElement("div");
      box.innerHTML = items.map(function (item) { return '<div class="lineage-tip">' + item.title + "</div>"; }).join("");
      var tips = Array.prototype.slice.call(box.children);
      set.update(items.map(function (item, i) {
        return {id: item.id, title: addEvidence(box.removeChild(tips[i]), set === edges && config.claims[item.id])};
      }));
    });
  }

  // ---- indexes ------------------------------------------------------------------------------
  var byId = nodes.get({returnType: "Object"}), allEdges = edges.get(), outE = {}, inE = {};
  allEdges.forEach(function (e) {
    (outE[e.from] = outE[e.from] || []).push(e);
    (inE[e.to] = inE[e.to] || []).push(e);
  });
  var lanes = {}, laneLabel = {};
  config.lanes.forEach(function (l) { lanes[l[0]] = l; laneLabel[l[0]] = l[1]; });
  function label(id) { return byId[id] ? byId[id].name : (laneLabel[id] || id); }

  // ---- controls and legend ------------------------------------------------------------------
  function option(select, value, text) {
    var o = document.createElement("option"); o.value = value; o.textContent = text; select.appendChild(o);
  }
  config.techniques.forEach(function (t) { option(el("lineage-technique"), t[0], t[1]); });
  config.organizations.forEach(function (t) { option(el("lineage-org"), t[0], t[1]); });
  Object.keys(config.statuses).forEach(function (s) {
    var l = document.createElement("label"); l.style.display = "inline-block"; l.style.fontWeight = "normal";
    var c = document.createElement("input"); c.type = "checkbox"; c.checked = true; c.value = s; c.className = "lineage-status";
    l.appendChild(c); l.appendChild(document.createTextNode(" " + s + " ")); el("lineage-status").appendChild(l);
  });
  var legend = el("lineage-legend");
  Object.keys(config.kinds).forEach(function (k) {
    var s = make("span", null, "sw"); s.style.background = config.kinds[k];
    legend.appendChild(s); legend.appendChild(document.createTextNode(k + "  "));
  });
  legend.appendChild(document.createElement("br"));
  Object.keys(config.statuses).forEach(function (k) {
    var s = make("span", null, "ln"); s.style.background = config.statuses[k];
    legend.appendChild(s); legend.appendChild(document.createTextNode(k + "  "));
  });

  // ---- filters (technique, organization, dates, statuses) -----------------------------------
  var state = {technique: "", org: "", from: "", to: "", statuses: {}, focus: ""};
  var CONTROLS = {technique: "lineage-technique", org: "lineage-org", from: "lineage-from", to: "lineage-to"};
  function readState() {
    state.technique = el("lineage-technique").value;
    state.org = el("lineage-org").value;
    state.from = el("lineage-from").value;
    state.to = el("lineage-to").value;
    state.statuses = {};
    document.querySelectorAll(".lineage-status").forEach(function (c) { state.statuses[c.value] = c.checked; });
  }
  function edgeAllowed(e) { return state.statuses[e.status] !== false; }
  // Nodes a technique or organization filter keeps: the focus, and what its allowed edges reach.
  function filterSet() {
    var keep = null;
    function around(ids, predicate) {
      var out = {};
      ids.forEach(function (id) { out[id] = true; });
      allEdges.forEach(function (e) {
        if (!edgeAllowed(e) || (predicate && e.predicate !== predicate)) { return; }
        if (out[e.to] === true && !out[e.from]) { out[e.from] = "n"; }
        if (out[e.from] === true && !out[e.to]) { out[e.to] = "n"; }
      });
      return out;
    }
    if (state.technique) {
      keep = around([state.technique], "uses");
      Object.keys(around([state.technique])).forEach(function (id) { keep[id] = keep[id] || "n"; });
    }
    if (state.org) {
      var members = Object.keys(byId).filter(function (id) { return byId[id].org === state.org; });
      var byOrg = around(members);
      if (keep) {
        Object.keys(keep).forEach(function (id) { if (!byOrg[id]) { delete keep[id]; } });
      } else { keep = byOrg; }
    }
    return keep;
  }

  // ---- focus views: a technique, a model or an organization ---------------------------------
  // Each returns {nodes: id -> role, edges: id -> true, lists: [[title, [[node id, edge, note]...]]...]}.
  function usable(e) { return edgeAllowed(e) && e.status !== "contradicted"; }
  function focusTechnique(t) {
    var f = {nodes: {}, edges: {}, lists: []}, adopters = [], ruled = [], ancestry = [], variants = [];
    f.nodes[t] = "focus";
    var seen = {}, todo = [t];
    seen[t] = true;  // a cycle through later ideas (X replaces t) must not list t as its own ancestor
    while (todo.length) {  // ancestry: what it extends, is a variant of, replaces ... transitively
      var at = todo.pop();
      (outE[at] || []).forEach(function (e) {
        if (!edgeAllowed(e) || !byId[e.to] || byId[e.to].kind !== "technique" || seen[e.to]) { return; }
        // a contrast is not a step back in lineage: listed for the focus itself, never walked (as `lineage ancestry`)
        if (e.predicate === "contrastsWith" && at !== t) { return; }
        seen[e.to] = true; f.nodes[e.to] = "ancestor"; f.edges[e.id] = true; ancestry.push([e.to, e, e.predicate]);
        if (e.predicate !== "contrastsWith") { todo.push(e.to); }
      });
    }
    (inE[t] || []).forEach(function (e) {
      if (!edgeAllowed(e)) { return; }
      var kind = byId[e.from].kind;
      if (e.predicate === "uses") {
        f.nodes[e.from] = e.status === "contradicted" ? "ruled-out" : "adopter"; f.edges[e.id] = true;
        (e.status === "contradicted" ? ruled : adopters).push([e.from, e, byId[e.from].date || "undated"]);
      } else if (kind === "technique") {
        f.nodes[e.from] = "variant"; f.edges[e.id] = true; variants.push([e.from, e, e.predicate]);
      }
    });
    var byDate = function (a, b) { return a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0; };
    f.lists = [["Ancestry", ancestry], ["Adopters over time", adopters.sort(byDate)],
               ["Ruled out by a primary source", ruled.sort(byDate)], ["Variants and successors", variants]];
    return f;
  }
  function focusModel(m) {
    var f = {nodes: {}, edges: {}, lists: []}, inherited = [], own = [], common = [], ruled = [], introduced = [], family = [];
    f.nodes[m] = "focus";
    (outE[m] || []).forEach(function (e) {
      if (!edgeAllowed(e)) { return; }
      f.nodes[e.to] = e.predicate; f.edges[e.id] = true;
      if (e.predicate !== "uses") { family.push([e.to, e, e.predicate]); return; }
      var from = byId[e.to].org;
      var row = [e.to, e, e.status === "contradicted" || from === "~none" ? "" : "from " + label(from)];
      (e.status === "contradicted" ? ruled : from === byId[m].org ? own : from === "~none" ? common : inherited).push(row);
    });
    (inE[m] || []).forEach(function (e) {
      if (!edgeAllowed(e)) { return; }
      f.nodes[e.from] = e.predicate; f.edges[e.id] = true;
      (e.predicate === "introducedIn" ? introduced : family).push([e.from, e, e.predicate]);
    });
    f.lists = [["Inherited from other labs", inherited], ["Introduced here", introduced],
               ["Its own lab's techniques", own], ["With no recorded origin", common], ["Ruled out by a primary source", ruled],
               ["Derivations", family]];
    return f;
  }
  function focusOrg(o) {
    var f = {nodes: {}, edges: {}, lists: []}, out = [], ins = [];
    allEdges.forEach(function (e) {
      if (e.predicate !== "uses" || !usable(e)) { return; }
      var a = byId[e.from].org, b = byId[e.to].org;
      if (a === b || b === "~none" || (a !== o && b !== o)) { return; }
      f.nodes[e.from] = "model"; f.nodes[e.to] = "technique"; f.edges[e.id] = true;
      if (b === o) { out.push([e.from, e, e.to]); } else { ins.push([e.to, e, "into " + label(e.from)]); }
    });
    f.lists = [["Ideas out (its techniques in other labs' models)", out], ["Ideas in (other labs' techniques it uses)", ins]];
    return f;
  }
  function focusOf(id) {
    if (byId[id]) { return byId[id].kind === "technique" ? focusTechnique(id) : focusModel(id); }
    return lanes[id] ? focusOrg(id) : null;
  }

  // ---- the data views -----------------------------------------------------------------------
  var keep = null, focus = null;
  function nodeVisible(n) {
    if (keep && !keep[n.id]) { return false; }
    if (n.date && ((state.from && n.date < state.from) || (state.to && n.date > state.to))) { return false; }
    return true;
  }
  var nodesView = new vis.DataView(nodes, {filter: nodeVisible});
  var edgesView = new vis.DataView(edges, {filter: function (e) {
    if (e.faint && (focus ? !focus.edges[e.id] : config.hideFaint && !keep)) { return false; }  // a focus dims the rest:
    return edgeAllowed(e) && nodeVisible(byId[e.from]) && nodeVisible(byId[e.to]);  // its faint edges stay out
  }});
  var curve = {enabled: true, type: "curvedCW", roundness: 0.12};  // an adoption is an arc
  network.setOptions({physics: false, interaction: {hideEdgesOnDrag: true, tooltipDelay: 150}, layout: {improvedLayout: false},
                      edges: {smooth: curve, font: {size: 13, align: "horizontal"}}});
  var lineageOn = false;
  function ensureLineage() {  // the network gets its data (and draws it) from the first lineage view on
    if (lineageOn) { return; }
    lineageOn = true;
    network.setData({nodes: nodesView, edges: edgesView});
    el("mynetwork").addEventListener("mousemove", function (ev) {  // capture: before vis-network's own handler
      if (ev.buttons) { return; }
      var r = this.getBoundingClientRect(), at = {x: ev.clientX - r.left, y: ev.clientY - r.top};
      var node = network.getNodeAt(at);
      if (node !== undefined) { tipOf(nodes, node); } else { var edge = network.getEdgeAt(at); if (edge !== undefined) { tipOf(edges, edge); } }
    }, true);
  }

  // ---- lanes and time axis ------------------------------------------------------------------
  var axis = el("lineage-axis"), laneBox = el("lineage-lanes"), laneDivs = [], tickDivs = [];
  config.lanes.forEach(function (l) {
    var d = make("div", l[1], "lineage-lane"); d.dataset.lane = l[0]; d.title = "focus " + l[1];
    d.addEventListener("click", function () { setFocus(l[0]); });
    laneBox.appendChild(d); laneDivs.push([d, l]);
  });
  config.ticks.forEach(function (t) {
    var d = make("div", t[1], "lineage-tick" + (/^\d{4}$/.test(t[1]) ? " year" : "")); axis.appendChild(d); tickDivs.push([d, t]);
  });
  network.on("beforeDrawing", function (ctx) {
    var a = network.DOMtoCanvas({x: 0, y: 0}), b = network.DOMtoCanvas({x: ctx.canvas.clientWidth, y: ctx.canvas.clientHeight});
    config.lanes.forEach(function (l, i) {
      var g = geom[l[0]];
      if (!g) { return; }
      ctx.fillStyle = i % 2 ? "#f1f4f7" : "#ffffff";
      ctx.fillRect(a.x, g[0], b.x - a.x, g[1] - g[0]);
    });
    ctx.strokeStyle = "#dde3e8"; ctx.lineWidth = 1 / network.getScale();
    config.ticks.forEach(function (t) {
      if (!/^\d{4}$/.test(t[1]) && t[1] !== "undated") { return; }
      ctx.beginPath(); ctx.moveTo(t[0], a.y); ctx.lineTo(t[0], b.y); ctx.stroke();
    });
  });
  function placeOverlays() {
    var h = laneBox.clientHeight, w = axis.clientWidth, last = -1e9;  // read layout once, then only write
    laneDivs.forEach(function (pair) {
      var g = geom[pair[1][0]] || [0, 0];
      var top = network.canvasToDOM({x: 0, y: g[0]}).y - 24, bottom = network.canvasToDOM({x: 0, y: g[1]}).y - 24;
      var shown = !!geom[pair[1][0]] && bottom > 16 && top < h;
      pair[0].style.display = shown ? "" : "none";
      if (shown) { pair[0].style.top = Math.max(2, Math.min(top + 2, bottom - 18)) + "px"; }
    });
    tickDivs.forEach(function (pair) {
      var x = network.canvasToDOM({x: pair[1][0], y: 0}).x, shown = x > 0 && x < w && x - last > 58;
      pair[0].style.display = shown ? "" : "none";
      if (shown) { pair[0].style.left = x + "px"; last = x; }
    });
  }
  network.on("afterDrawing", placeOverlays);

  // A filter closes up the lanes it leaves empty: its nodes move up by the height of the empty lanes
  // above them (the lineage view's positions come back when the filter ends).  A focus moves nothing: it
  // dims the rest of the graph where it is (dim).
  var geom = {}, moved = {}, homeY = {};
  Object.keys(byId).forEach(function (id) { homeY[id] = byId[id].y; });
  config.lanes.forEach(function (l) { geom[l[0]] = [l[2], l[3]]; });
  function closeUpLanes() {
    var used = {}, shift = {}, cursor = config.lanes.length ? config.lanes[0][2] : 0, changes = [];
    var narrow = keep;
    nodesView.get().forEach(function (n) { used[n.org] = true; });
    geom = {};
    config.lanes.forEach(function (l) {
      if (narrow && !used[l[0]]) { return; }
      shift[l[0]] = narrow ? cursor - l[2] : 0;
      geom[l[0]] = [l[2] + shift[l[0]], l[3] + shift[l[0]]];
      cursor = geom[l[0]][1];
    });
    Object.keys(moved).forEach(function (id) {
      if (!narrow || !narrow[id]) { changes.push({id: id, y: homeY[id]}); delete moved[id]; }
    });
    if (narrow) {
      Object.keys(narrow).forEach(function (id) {
        var dy = shift[byId[id].org] || 0;
        if (dy || moved[id]) { changes.push({id: id, y: homeY[id] + dy}); moved[id] = true; }
      });
    }
    if (changes.length) { nodes.update(changes); }
  }

  // ---- the view: the lineage window, or a fit of the focus or filter (sources included) ---------
  // Labels keep their size at any zoom (see labels below), so a fit never has to stop short of its nodes.
  function frame() {
    var ids = focus ? Object.keys(focus.nodes).filter(function (id) { return nodeVisible(byId[id]); }) : nodesView.getIds();
    if (!ids.length) { return; }
    if (focus || keep || state.from || state.to) {
      network.fit({nodes: ids, animation: false});
      var s = Math.min(network.getScale() * 0.92, 1.6), at = network.getViewPosition();
      network.moveTo({position: {x: at.x, y: at.y - 12 / s}, scale: s, animation: false});  // room for the axis
      return;
    }
    var w = el("mynetwork").clientWidth, h = el("mynetwork").clientHeight, s0 = 0.85;
    var first = config.lanes.length ? config.lanes[0][2] : 0;  // the lineage view opens on the latest years, top lanes
    network.moveTo({position: {x: config.right + 30 - w / 2 / s0, y: first - 30 + h / 2 / s0}, scale: s0, animation: false});
  }
  // Edges kept faint in the lineage view are drawn in full once a focus or filter narrows the page.
  var baseColour = {}, byEdge = {}, lit = {};
  allEdges.forEach(function (e) { if (e.faint) { baseColour[e.id] = config.statuses[e.status]; byEdge[e.id] = e; } });
  function light() {
    var want = {}, changes = [];
    if (focus || keep) { edgesView.getIds().forEach(function (id) { if (baseColour[id]) { want[id] = true; } }); }
    Object.keys(lit).forEach(function (id) {
      if (!want[id]) { changes.push({id: id, color: byEdge[id].color, dashes: false, smooth: false}); }
    });
    Object.keys(want).forEach(function (id) {  // lit, an edge gets its status's dashes back
      if (!lit[id]) { changes.push({id: id, color: baseColour[id], dashes: config.dashes[byEdge[id].status], smooth: curve}); }
    });
    lit = want;
    if (changes.length) { edges.update(changes); }
  }
  // A focus dims the rest of the graph: its other nodes and (bold) edges are drawn faint, without labels.
  var dimmed = {nodes: {}, edges: {}};
  function faded(colour) {
    var c = /^#(..)(..)(..)$/.exec(colour);
    return c ? "rgba(" + parseInt(c[1], 16) + "," + parseInt(c[2], 16) + "," + parseInt(c[3], 16) + "," + config.dim + ")" : colour;
  }
  function dim() {
    var want = {nodes: {}, edges: {}}, nodeChanges = [], edgeChanges = [];
    if (focus) {
      nodesView.getIds().forEach(function (id) { if (!focus.nodes[id]) { want.nodes[id] = true; } });
      edgesView.getIds().forEach(function (id) { if (!focus.edges[id]) { want.edges[id] = true; } });
    }
    [["nodes", nodes, nodeChanges, function (id) { return byId[id]; }],
     ["edges", edges, edgeChanges, function (id) { return edges.get(id); }]].forEach(function (kind) {
      var was = dimmed[kind[0]], now = want[kind[0]];
      Object.keys(was).forEach(function (id) { if (!now[id]) { kind[2].push({id: id, color: was[id].color, dashes: was[id].dashes, dimmed: false}); } });
      Object.keys(now).forEach(function (id) {
        if (was[id]) { now[id] = was[id]; return; }
        var item = kind[3](id);
        now[id] = {color: item.color, dashes: item.dashes};
        kind[2].push({id: id, color: faded(typeof item.color === "string" ? item.color : config.statuses[item.status]), dashes: false, dimmed: true});
      });
    });
    dimmed = want;
    if (nodeChanges.length) { nodes.update(nodeChanges); }
    if (edgeChanges.length) { edges.update(edgeChanges); }
  }
  function refresh() {
    readState();
    keep = filterSet();
    focus = state.focus ? focusOf(state.focus) : null;
    nodesView.refresh();
    edgesView.refresh();
    light();
    dim();
    closeUpLanes();
    el("lineage-count").textContent = nodesView.length + " nodes, " + edgesView.length + " edges shown" +
      (config.hideFaint && !focus && !keep ? " (faint ones left out at this size: focus or filter to see them)" : "");
    el("lineage-focus-name").textContent = state.focus ? "focus: " + label(state.focus) : "";
    focusRole = focus ? focus.nodes : null;
    window.lineageShown = {nodes: nodesView.length, edges: edgesView.length};  // a focus: its own and the dimmed ones
    window.lineageFocus = state.focus ? {id: state.focus, nodes: focus ? focus.nodes : {}} : null;
  }
  // A filter changes the hash; the hash redraws canvas and panel together (applyHash).
  Object.keys(CONTROLS).forEach(function (k) {
    el(CONTROLS[k]).addEventListener("change", function () { var c = {}; c[k] = this.value; c.focus = ""; writeHash(c); });
  });
  el("lineage-status").addEventListener("change", function () {
    var off = [];
    document.querySelectorAll(".lineage-status").forEach(function (c) { if (!c.checked) { off.push(c.value); } });
    writeHash({statuses: off.join(",")});
  });
  el("lineage-reset").addEventListener("click", function () { el("lineage-search").value = ""; location.hash = "view=lineage"; });
  el("lineage-home").addEventListener("click", function () { location.hash = "view=lineage"; });
  el("lineage-overview").addEventListener("click", function () { location.hash = ""; });
  el("lineage-search").addEventListener("keyup", function (ev) {
    var q = this.value.trim().toLowerCase();
    if (!q) { network.unselectAll(); return; }
    var hits = nodesView.get().filter(function (n) {
      return String(n.name).toLowerCase().indexOf(q) >= 0 || String(n.id).toLowerCase().indexOf(q) >= 0;
    }).map(function (n) { return n.id; });
    network.selectNodes(hits);
    el("lineage-count").textContent = hits.length + " match" + (hits.length === 1 ? "" : "es");
    if (ev.key === "Enter" && hits.length) { setFocus(hits[0]); }
  });

  // (the evidence panel: panel.js)

  // ---- focus through the URL hash: #focus=mla ---------------------------------------------------
  // The whole view is in the hash: #focus=mla, #technique=muon&org=deepseek&from=2024-01, #view=lineage;
  // no hash is the overview.
  function hashState() {
    var out = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var i = part.indexOf("=");
      if (i > 0) { out[decodeURIComponent(part.slice(0, i))] = decodeURIComponent(part.slice(i + 1)); }
    });
    return out;
  }
  function writeHash(changes) {
    var h = hashState(), parts = [];
    Object.keys(changes).forEach(function (k) { if (changes[k]) { h[k] = changes[k]; } else { delete h[k]; } });
    if (h.focus || h.technique || h.org || h.from || h.to || h.statuses) { delete h.view; }
    Object.keys(h).forEach(function (k) { parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(h[k])); });
    location.hash = parts.join("&");
  }
  function setFocus(id) { writeHash({focus: id, view: id ? "" : "lineage"}); }
  function applyHash() {
    var h = hashState(), id = h.focus || "";
    Object.keys(CONTROLS).forEach(function (k) { el(CONTROLS[k]).value = h[k] || ""; });
    var off = (h.statuses || "").split(",");
    document.querySelectorAll(".lineage-status").forEach(function (c) { c.checked = off.indexOf(c.value) < 0; });
    state.focus = byId[id] || lanes[id] ? id : "";
    var overview = !state.focus && !h.view && !h.technique && !h.org && !h.from && !h.to && !h.statuses;
    showOverview(overview);
    if (!overview) { ensureLineage(); }
    refresh();
    frame();
    if (state.focus) { showFocus(state.focus); } else if (state.technique) { showFilter(); } else { showIntro(); }
  }
  window.addEventListener("hashchange", applyHash);
  network.on("click", function (params) {
    if (params.nodes.length) { setFocus(params.nodes[0]); } else if (params.edges.length) { showEdge(params.edges[0]); }
  });
__LINEAGE_PARTS__
  window.lineageTips = parseTips;
  applyHash();
  // Interactive: the first frame is drawn and the next task runs (nothing long is left queued).
  network.once("afterDrawing", function () { setTimeout(function () { window.lineageReady = performance.now(); }, 0); });
})();
