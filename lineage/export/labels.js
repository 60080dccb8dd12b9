  // ---- labels: drawn by the page at a fixed screen size, none over another --------------------
  // Each frame, the visible nodes inside the canvas are taken in order of importance (the focus, then
  // its nodes, then techniques, then the most linked) and a label goes below its node, else to its right,
  // left or above, at the first place that covers no label drawn before it, no node, the axis or the lane
  // names; a label with no such place shows on hover (the node's tooltip).
  var focusRole = null, LABEL_H = 15, CELL = 64;
  var rank = nodes.getIds().sort(function (a, b) {
    var x = byId[a], y = byId[b];
    return (y.kind === "technique") - (x.kind === "technique") || y.degree - x.degree || (a < b ? -1 : a > b ? 1 : 0);
  });
  var measure = document.createElement("canvas").getContext("2d"), widths = {};
  function font(n) { return (n.kind === "technique" ? "bold " : "") + (config.fontPx[n.kind] || 12) + "px sans-serif"; }
  function textWidth(n) {
    if (widths[n.id] === undefined) { measure.font = font(n); widths[n.id] = measure.measureText(n.name).width; }
    return widths[n.id];
  }
  function labelBoxes(ctx) {
    var w = ctx.canvas.clientWidth, h = ctx.canvas.clientHeight, scale = network.getScale();
    var o = network.canvasToDOM({x: 0, y: 0}), grid = {}, placed = [], shown = nodesView.getIds(), visible = {};
    shown.forEach(function (id) { visible[id] = true; });
    var blocked = [];  // the lane names at the left
    laneDivs.forEach(function (pair) {
      if (pair[0].style.display !== "none") {
        blocked.push({x: 0, y: pair[0].offsetTop + 24, w: pair[0].offsetWidth + 6, h: pair[0].offsetHeight});
      }
    });
    function hits(box, own) {
      for (var gx = Math.floor(box.x / CELL); gx <= Math.floor((box.x + box.w) / CELL); gx++) {
        for (var gy = Math.floor(box.y / CELL); gy <= Math.floor((box.y + box.h) / CELL); gy++) {
          var cell = grid[gx + "," + gy] || [];
          for (var i = 0; i < cell.length; i++) {
            var b = cell[i];
            if (b.id !== own && box.x < b.x + b.w && b.x < box.x + box.w && box.y < b.y + b.h && b.y < box.y + box.h) { return true; }
          }
        }
      }
      return false;
    }
    function put(box) {
      for (var gx = Math.floor(box.x / CELL); gx <= Math.floor((box.x + box.w) / CELL); gx++) {
        for (var gy = Math.floor(box.y / CELL); gy <= Math.floor((box.y + box.h) / CELL); gy++) {
          (grid[gx + "," + gy] = grid[gx + "," + gy] || []).push(box);
        }
      }
    }
    blocked.forEach(put);
    // the nodes' own marks block labels too
    shown.forEach(function (id) {
      var body = network.body.nodes[id];
      if (!body) { return; }
      var x = o.x + body.x * scale, y = o.y + body.y * scale, r = (byId[id].kind === "technique" ? 11 : 8) * scale;
      if (x < -r || x > w + r || y < -r || y > h + r) { return; }
      put({id: id, dot: true, x: x - r, y: y - r, w: 2 * r, h: 2 * r});
    });
    var order = focusRole ? Object.keys(focusRole).sort(function (a, b) {
      return (focusRole[b] === "focus") - (focusRole[a] === "focus") || rank.indexOf(a) - rank.indexOf(b);
    }) : rank;
    order.forEach(function (id) {
      var n = byId[id], body = network.body.nodes[id];
      if (!visible[id] || !body) { return; }
      var x = o.x + body.x * scale, y = o.y + body.y * scale;
      if (x < 0 || x > w || y < 24 || y > h) { return; }
      var tw = textWidth(n) + 4, r = (n.kind === "technique" ? 11 : 8) * scale;
      var places = [[x - tw / 2, y + r + 2], [x + r + 3, y - LABEL_H / 2], [x - r - 3 - tw, y - LABEL_H / 2], [x - tw / 2, y - r - 2 - LABEL_H]];
      for (var k = 0; k < places.length; k++) {
        var box = {id: id, x: places[k][0], y: places[k][1], w: tw, h: LABEL_H};
        if (box.x >= 0 && box.x + box.w <= w && box.y >= 26 && box.y + box.h <= h && !hits(box, id)) {
          put(box); placed.push(box); return;
        }
      }
    });
    return placed;
  }
  network.on("afterDrawing", function (ctx) {
    var placed = labelBoxes(ctx), ratio = ctx.canvas.width / ctx.canvas.clientWidth;
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    placed.forEach(function (b) {
      var n = byId[b.id];
      ctx.font = font(n);
      ctx.fillStyle = "rgba(255,255,255,0.8)"; ctx.fillRect(b.x, b.y, b.w, b.h);
      ctx.fillStyle = focusRole && focusRole[b.id] === "focus" ? "#000" : "#343434";
      ctx.fillText(n.name, b.x + b.w / 2, b.y + 1);
    });
    ctx.restore();
    window.lineageLabels = placed;
  });
