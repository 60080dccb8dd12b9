  // ---- labels: drawn by the page at a fixed screen size, none over another --------------------
  // Each frame, the visible nodes inside the canvas are taken in order of importance (the focus, then
  // its nodes, then techniques, then the most linked) and a label is drawn only where it overlaps no label
  // drawn before it, the axis or the lane names; the others show on hover (the node's tooltip).
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
    function hits(box) {
      for (var gx = Math.floor(box.x / CELL); gx <= Math.floor((box.x + box.w) / CELL); gx++) {
        for (var gy = Math.floor(box.y / CELL); gy <= Math.floor((box.y + box.h) / CELL); gy++) {
          var cell = grid[gx + "," + gy] || [];
          for (var i = 0; i < cell.length; i++) {
            var b = cell[i];
            if (box.x < b.x + b.w && b.x < box.x + box.w && box.y < b.y + b.h && b.y < box.y + box.h) { return true; }
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
    var order = focusRole ? Object.keys(focusRole).sort(function (a, b) {
      return (focusRole[b] === "focus") - (focusRole[a] === "focus") || rank.indexOf(a) - rank.indexOf(b);
    }) : rank;
    order.forEach(function (id) {
      var n = byId[id], body = network.body.nodes[id];
      if (!visible[id] || !body) { return; }
      var x = o.x + body.x * scale, y = o.y + body.y * scale;
      if (x < 0 || x > w || y < 24 || y > h) { return; }
      var tw = textWidth(n), box = {id: id, x: x - tw / 2 - 2, y: y + (n.kind === "technique" ? 11 : 8) * scale + 2, w: tw + 4, h: LABEL_H};
      if (box.x < 0 || box.x + box.w > w || box.y < 26 || box.y + box.h > h || hits(box)) { return; }
      put(box); placed.push(box);
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
