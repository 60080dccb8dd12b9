  // ---- evidence panel ---------------------------------------------------------------------------
  var panel = el("lineage-evidence"), intro = panel.innerHTML;
  function showIntro() { panel.innerHTML = intro; }  // the page's own markup, no source text
  function showFilter() {  // a technique filter lists what the canvas shows: its adopters, with their claims
    var saved = focus;
    focus = focusTechnique(state.technique);
    showFocus(state.technique);
    panel.firstChild.textContent = "Filter: " + label(state.technique);
    focus = saved;
  }
  function focusLink(id) {
    var a = make("a", label(id)); a.href = "#focus=" + encodeURIComponent(id);
    a.addEventListener("click", function () { if (state.focus === id) { showFocus(id); } });  // no hashchange then
    return a;
  }
  function badge(status) {
    var s = make("span", status, "status"); s.style.background = config.statuses[status] || "#999"; return s;
  }
  function showEdge(id) {
    var e = edges.get(id), claim = config.claims[id];
    if (!e || !claim) { return; }
    panel.textContent = "";
    panel.appendChild(make("h2", "Claim"));
    var p = make("div");
    p.appendChild(focusLink(e.from)); p.appendChild(make("b", " " + e.predicate + " "));
    p.appendChild(claim.object === e.to ? focusLink(e.to) : make("span", claim.object + " (report of " + label(e.to) + ")"));
    panel.appendChild(p);
    var st = make("div", "status: "); st.appendChild(badge(e.status)); panel.appendChild(st);
    panel.appendChild(make("div", "rule: " + claim.reason));
    panel.appendChild(make("h2", "Evidence (" + claim.evidence.length + ")"));
    if (!claim.evidence.length) { panel.appendChild(make("div", "none: a curated catalog definition", "muted")); }
    claim.evidence.forEach(function (ev) {
      var d = make("div");
      d.appendChild(make("b", ev.source));
      d.appendChild(make("span", " [" + ev.source_kind + ", " + ev.method + (ev.supports === false ? ", against" : "") + "]", "muted"));
      d.appendChild(make("div", "at: " + ev.locator));
      if (ev.snippet) { d.appendChild(make("blockquote", ev.snippet)); }
      panel.appendChild(d);
    });
  }
  function showFocus(id) {
    panel.textContent = "";
    var n = byId[id];
    panel.appendChild(make("h2", label(id)));
    if (n) {
      panel.appendChild(make("div", n.kind + " · " + id + " · " + label(n.org) + " · " + (n.date || "undated"), "muted"));
      var paper = config.introducedIn[id];
      if (paper) {
        var info = config.papers[paper];
        panel.appendChild(make("div", "introduced in: " + (info ? info.label + (info.date ? " (" + info.date + ")" : "") : paper)));
      }
    } else { panel.appendChild(make("div", "organization · " + id, "muted")); }
    (focus ? focus.lists : []).forEach(function (list) {
      if (!list[1].length) { return; }
      panel.appendChild(make("h2", list[0] + " (" + list[1].length + ")"));
      var ul = make("ul");
      list[1].forEach(function (row) {
        var li = make("li"); li.appendChild(focusLink(row[0]));
        li.appendChild(make("span", " " + (row[2] || "") + " "));
        var ev = make("a", row[1].status, "lineage-claim"); ev.href = "javascript:void 0"; ev.dataset.node = row[0];
        ev.style.color = config.statuses[row[1].status];
        ev.title = "show the evidence";
        ev.addEventListener("click", function () { showEdge(row[1].id); });
        li.appendChild(ev); ul.appendChild(li);
      });
      panel.appendChild(ul);
    });
  }

