  // ---- the overview: which lab's ideas crossed into which other lab's models ------------------
  // One row per flow (origin lab -> adopting lab), strongest first: a ribbon with one stripe per idea
  // crossed, coloured by its status, and the ideas' names over it.  A click lists its techniques and
  // models in the panel, each a link to its focus view.
  var SVG = "http://www.w3.org/2000/svg", box = el("lineage-overview-box");
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function laneName(id) { return laneLabel[id] || id; }
  function fit(text, width, font) {  // a lab's name cut to width
    measure.font = font;
    while (text.length > 4 && measure.measureText(text).width > width) { text = text.slice(0, -2) + "…"; }
    return text;
  }
  function ideaLines(head, names, width, most) {  // the names over at most ``most`` lines, with what is left out
    measure.font = "12px sans-serif";
    var lines = [], line = head, i = 0;
    for (; i < names.length; i++) {
      var next = line + (line === head ? "" : " · ") + names[i], last = lines.length === most - 1;
      var rest = last && i < names.length - 1 ? " · +" + (names.length - i - 1) + " more" : "";
      if (measure.measureText(next + rest).width > width && line !== head && line !== "") {
        if (last) { lines.push(line + " · +" + (names.length - i) + " more"); return lines; }
        lines.push(line); line = names[i]; continue;
      }
      line = next;
    }
    lines.push(line);
    return lines;
  }
  function drawOverview() {
    var W = box.clientWidth, H = box.clientHeight, flows = config.flows, out = svg("svg", {width: W, height: H});
    box.textContent = "";
    out.appendChild(svg("text", {x: 16, y: 26, "font-size": 17, "font-weight": "bold", fill: "#123"},
                        "Who reused whose ideas: ideas that crossed from one lab (left) into another lab's models (right)"));
    out.appendChild(svg("text", {x: 16, y: 46, "font-size": 12, fill: "#555"},
                        "One stripe per idea, coloured by the status of its strongest claim; thickest flows first. Click a flow for its techniques and models."));
    var top = 62, row = Math.max(34, Math.min(70, (H - top - 24) / Math.max(1, flows.length))), L = 170, R = W - 180;
    flows.forEach(function (f, i) {
      var g = svg("g", {"class": "lineage-flow", "data-from": f.from, "data-to": f.to, cursor: "pointer"}), y = top + i * row;
      var most = row >= 50 ? 2 : 1, thick = Math.min(row - 12 - 14 * most, 4 * f.ideas.length), mid = y + row - 4 - thick / 2;
      g.appendChild(svg("rect", {x: 0, y: y, width: W, height: row, fill: i % 2 ? "#f5f7f9" : "#fff"}));
      g.appendChild(svg("text", {x: L - 8, y: mid + 4, "text-anchor": "end", "font-size": 13, "font-weight": "bold", fill: "#234"},
                        fit(laneName(f.from), L - 14, "bold 13px sans-serif")));
      var stripe = thick / f.ideas.length;
      f.ideas.forEach(function (idea, k) {
        g.appendChild(svg("rect", {x: L, y: mid - thick / 2 + k * stripe, width: R - L - 12, height: stripe,
                                   fill: config.statuses[idea.status] || "#999"}));
      });
      g.appendChild(svg("path", {d: "M" + (R - 12) + " " + (mid - thick / 2 - 3) + " L" + R + " " + mid + " L" + (R - 12) + " " +
                                   (mid + thick / 2 + 3) + " Z", fill: config.statuses[f.ideas[0].status] || "#999"}));
      g.appendChild(svg("text", {x: R + 8, y: mid + 4, "font-size": 13, "font-weight": "bold", fill: "#234"},
                        fit(laneName(f.to), W - R - 12, "bold 13px sans-serif")));
      var names = f.ideas.map(function (idea) { return label(idea.technique); }), lines = ideaLines(
        f.ideas.length + (f.ideas.length === 1 ? " idea: " : " ideas: "), names, R - L - 40, most);
      lines.forEach(function (text, k) {
        g.appendChild(svg("text", {x: L, y: mid - thick / 2 - 5 - (lines.length - 1 - k) * 14, "font-size": 12, fill: "#222",
                                   "class": "lineage-flow-ideas"}, text));
      });
      g.addEventListener("click", function () { showFlow(f); });
      out.appendChild(g);
    });
    if (config.moreFlows) {
      out.appendChild(svg("text", {x: 16, y: Math.min(H - 8, top + flows.length * row + 16), "font-size": 12, fill: "#555"},
                          "+ " + config.moreFlows + " weaker flows: open the lineage view or focus a lab to see them"));
    }
    box.appendChild(out);
    window.lineageOverview = flows.map(function (f) { return [f.from, f.to, f.ideas.length]; });
  }
  function showFlow(f) {
    panel.textContent = "";
    panel.appendChild(make("h2", laneName(f.from) + " → " + laneName(f.to)));
    panel.appendChild(make("div", f.ideas.length + " ideas from " + laneName(f.from) + " used by " + laneName(f.to) + "'s models", "muted"));
    var ul = make("ul");
    f.ideas.forEach(function (idea) {
      var li = make("li"); li.appendChild(focusLink(idea.technique)); li.appendChild(make("span", " "));
      li.appendChild(badge(idea.status)); li.appendChild(make("span", " in "));
      idea.models.forEach(function (m, k) { if (k) { li.appendChild(make("span", ", ")); } li.appendChild(focusLink(m)); });
      ul.appendChild(li);
    });
    panel.appendChild(ul);
    var a = make("a", "Focus " + laneName(f.to) + " in the lineage view"); a.href = "#focus=" + encodeURIComponent(f.to);
    panel.appendChild(a);
  }
  function showOverview(on) {
    box.style.display = on ? "" : "none";
    el("lineage-axis").style.visibility = el("lineage-lanes").style.visibility = on ? "hidden" : "";
    if (on) { drawOverview(); }
    window.lineageView = on ? "overview" : "lineage";
  }
  window.addEventListener("resize", function () { if (box.style.display !== "none") { drawOverview(); } });
