/* charts.js - the figures of the pages: uPlot (installed from npm, served
 * by sweep serve as /uplot.js) for curves and scatter plots, a canvas for
 * the parallel coordinates and the timeline. Every text goes through
 * textContent or canvas fillText, never HTML. */
"use strict";
var Charts = (function () {
  var PALETTE = ["#2f7de1", "#e8590c", "#2b8a3e", "#c2255c", "#7048e8", "#0c8599", "#e67700",
                 "#5c940d", "#862e9c", "#1864ab"];
  function available() { return typeof window.uPlot === "function"; }
  function none(el, why) {
    var p = document.createElement("p");
    p.className = "muted";
    p.textContent = why || "charts need uPlot: npm install --prefix /usr/local/share/sweep/web uplot@1.6.32";
    el.replaceChildren(p);
    return null;
  }
  function fmt(v) {
    if (v === null || v === undefined || isNaN(v)) return "–";
    var a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : +v.toPrecision(5) + "";
  }

  /* Curves of several trials against the step: series [{label, pts: [[x, y]], best}].
   * The best is drawn thick; hovering a curve names its trial and value. */
  function curves(el, series, opt) {
    if (!available()) return none(el);
    var hover = document.createElement("div");
    hover.className = "hover";
    var box = document.createElement("div");
    el.replaceChildren(box, hover);
    var chart = null;
    function data(ss) {
      var xs = {}, k;
      ss.forEach(function (s) { s.pts.forEach(function (p) { xs[p[0]] = 1; }); });
      var x = Object.keys(xs).map(Number).sort(function (a, b) { return a - b; });
      var pos = {};
      x.forEach(function (v, i) { pos[v] = i; });
      var d = [x];
      ss.forEach(function (s) {
        var y = new Array(x.length).fill(null);
        s.pts.forEach(function (p) { y[pos[p[0]]] = p[1]; });
        d.push(y);
      });
      return d;
    }
    function build(ss) {
      var sers = [{ label: opt.x || "step" }];
      ss.forEach(function (s, i) {
        sers.push({ label: s.label, stroke: s.best ? "#d9480f" : PALETTE[i % PALETTE.length] + (ss.length > 12 ? "66" : "cc"),
                    width: s.best ? 3 : 1, spanGaps: true, points: { show: false } });
      });
      var o = {
        width: opt.width || 640, height: opt.height || 300, title: opt.title,
        legend: { show: false }, focus: { alpha: 0.25 }, cursor: { focus: { prox: 24 } },
        scales: { x: { time: false } }, series: sers,
        axes: [{ label: opt.x || "step", incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 1e6] },
               { label: opt.y || "" }],
        hooks: {
          setSeries: [function (u, i) { show(u, i); }],
          setCursor: [function (u) { show(u, u.cursor.idx == null ? null : u._focus); }],
        },
      };
      box.replaceChildren();
      chart = new uPlot(o, data(ss), box);
      chart._focus = null;
      chart._ss = ss;
    }
    function show(u, i) {
      if (i !== null && i !== undefined) u._focus = i;
      var f = u._focus, idx = u.cursor.idx;
      if (!f || idx == null) { hover.textContent = ""; return; }
      var y = u.data[f][idx];
      hover.textContent = u.series[f].label + " at " + (opt.x || "step") + " " + u.data[0][idx] + ": " +
        (opt.y || "") + " " + fmt(y);
    }
    build(series);
    return {
      update: function (ss) {
        if (!chart || ss.length !== chart._ss.length || ss.some(function (s, i) { return s.label !== chart._ss[i].label || s.best !== chart._ss[i].best; }))
          build(ss);
        else chart.setData(data(ss));
      },
    };
  }

  /* y against x as points (a numeric parameter), or against categories. */
  function scatter(el, pts, opt) {
    if (!available()) return none(el);
    var cats = opt.categories;
    pts = pts.slice().sort(function (a, b) { return a[0] - b[0]; });
    var o = {
      width: opt.width || 300, height: opt.height || 220, title: opt.title, legend: { show: false },
      scales: { x: { time: false, distr: opt.log ? 3 : 1, range: cats ? [-0.5, cats.length - 0.5] : undefined } },
      axes: [{ label: opt.x, values: cats ? function (u, vs) { return vs.map(function (v) { return Number.isInteger(v) && cats[v] !== undefined ? cats[v] : ""; }); } : undefined,
               incrs: cats ? [1] : undefined },
             { label: opt.y }],
      series: [{}, { stroke: "#2f7de1", paths: function () { return null; }, points: { show: true, size: 6, fill: "#2f7de188" } }],
    };
    var box = document.createElement("div");
    el.replaceChildren(box);
    return new uPlot(o, [pts.map(function (p) { return p[0]; }), pts.map(function (p) { return p[1]; })], box);
  }

  /* Several named lines on shared axes (sweeps compared). */
  function lines(el, sets, opt) {
    if (!available()) return none(el);
    var xs = {};
    sets.forEach(function (s) { s.pts.forEach(function (p) { xs[p[0]] = 1; }); });
    var x = Object.keys(xs).map(Number).sort(function (a, b) { return a - b; });
    var d = [x];
    sets.forEach(function (s) {
      var m = {};
      s.pts.forEach(function (p) { m[p[0]] = p[1]; });
      d.push(x.map(function (v) { return v in m ? m[v] : null; }));
    });
    var sers = [{ label: opt.x }];
    sets.forEach(function (s, i) { sers.push({ label: s.label, stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: true }); });
    var box = document.createElement("div");
    el.replaceChildren(box);
    return new uPlot({ width: opt.width || 640, height: opt.height || 300, title: opt.title,
                       scales: { x: { time: false } }, axes: [{ label: opt.x }, { label: opt.y }], series: sers }, d, box);
  }

  function canvas(el, w, h) {
    var c = document.createElement("canvas");
    var r = window.devicePixelRatio || 1;
    c.width = w * r; c.height = h * r; c.style.width = w + "px"; c.style.height = h + "px";
    c.className = "plain";
    el.replaceChildren(c);
    var g = c.getContext("2d");
    g.scale(r, r);
    g.font = "11px system-ui, sans-serif";
    return g;
  }

  function color(t) { /* 0..1: blue (worse) to orange (better) */
    var r = Math.round(47 + t * (232 - 47)), gg = Math.round(125 + t * (89 - 125)), b = Math.round(225 + t * (12 - 225));
    return "rgba(" + r + "," + gg + "," + b + ",0.55)";
  }

  /* Parallel coordinates: dims [{name, value(row) -> number|null, cats}], rows coloured by score(row) in 0..1. */
  function parallel(el, dims, rows, score, w, h) {
    var g = canvas(el, w, h), top = 28, bot = h - 22, left = 40, right = w - 40;
    var n = dims.length, step = n > 1 ? (right - left) / (n - 1) : 0;
    var ranges = dims.map(function (d) {
      var lo = Infinity, hi = -Infinity;
      rows.forEach(function (r) { var v = d.value(r); if (v !== null && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } });
      if (lo === hi) { lo -= 1; hi += 1; }
      return [lo, hi];
    });
    function y(i, v) { var r = ranges[i]; return bot - (v - r[0]) / (r[1] - r[0]) * (bot - top); }
    /* one path per colour (10 shades): 10,000 trials are 10 strokes */
    var shades = [];
    rows.forEach(function (r) {
      var k = Math.max(0, Math.min(9, Math.floor(score(r) * 10)));
      (shades[k] = shades[k] || []).push(r);
    });
    shades.forEach(function (rs, k) {
      g.strokeStyle = color((k + 0.5) / 10);
      g.beginPath();
      rs.forEach(function (r) {
        var started = false;
        dims.forEach(function (d, i) {
          var v = d.value(r);
          if (v === null || !isFinite(v)) { started = false; return; }
          var px = left + i * step, py = y(i, v);
          if (started) g.lineTo(px, py); else g.moveTo(px, py);
          started = true;
        });
      });
      g.stroke();
    });
    g.fillStyle = "#1d232a";
    g.strokeStyle = "#888";
    dims.forEach(function (d, i) {
      var px = left + i * step;
      g.beginPath(); g.moveTo(px, top); g.lineTo(px, bot); g.stroke();
      g.textAlign = "center";
      g.fillText(d.name.slice(0, 24), px, 14);
      var lo = d.cats ? d.cats[0] : fmt(ranges[i][0]), hi = d.cats ? d.cats[d.cats.length - 1] : fmt(ranges[i][1]);
      g.fillText(String(hi).slice(0, 14), px, top - 3 + 12 > bot ? top : top + 10);
      g.fillText(String(lo).slice(0, 14), px, bot + 14);
    });
  }

  /* Two objectives: each completed trial a point (x: the first, y: the
   * second), the first front blue and joined in x order, later fronts grey,
   * constraint breakers red crosses. rows: sweep top --json's. */
  function pareto(el, rows, names, w, h) {
    var pts = rows.filter(function (r) { return r.objectives && isFinite(r.objectives[names[0]]) && isFinite(r.objectives[names[1]]); });
    if (!pts.length) return none(el, "no completed trial has both objectives yet");
    var g = canvas(el, w, h), left = 60, right = w - 20, top = 20, bot = h - 40;
    /* the axes span the trials that meet the constraints (the others may be far off) */
    var feas = pts.filter(function (r) { return r.feasible; }), span = feas.length > 1 ? feas : pts;
    var xs = span.map(function (r) { return r.objectives[names[0]]; }), ys = span.map(function (r) { return r.objectives[names[1]]; });
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs), y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    if (x0 === x1) { x0 -= 1; x1 += 1; }
    if (y0 === y1) { y0 -= 1; y1 += 1; }
    function X(v) { return left + (v - x0) / (x1 - x0) * (right - left); }
    function Y(v) { return bot - (v - y0) / (y1 - y0) * (bot - top); }
    g.strokeStyle = "#888";
    g.strokeRect(left, top, right - left, bot - top);
    var first = pts.filter(function (r) { return r.front === 1 && r.feasible; }).sort(function (a, b) { return a.objectives[names[0]] - b.objectives[names[0]]; });
    g.save();
    g.beginPath(); g.rect(left, top, right - left, bot - top); g.clip();
    pts.forEach(function (r) {
      var x = X(r.objectives[names[0]]), y = Y(r.objectives[names[1]]);
      if (!r.feasible) {
        g.strokeStyle = "#c92a2a";
        g.beginPath(); g.moveTo(x - 4, y - 4); g.lineTo(x + 4, y + 4); g.moveTo(x - 4, y + 4); g.lineTo(x + 4, y - 4); g.stroke();
      } else if (r.front !== 1) {
        g.fillStyle = "rgba(134,142,150,0.7)";
        g.beginPath(); g.arc(x, y, 3.5, 0, 2 * Math.PI); g.fill();
      }
    });
    g.restore();
    g.strokeStyle = "#2f7de1"; g.fillStyle = "#2f7de1"; g.lineWidth = 2;
    g.beginPath();
    first.forEach(function (r, i) { var x = X(r.objectives[names[0]]), y = Y(r.objectives[names[1]]); if (i) g.lineTo(x, y); else g.moveTo(x, y); });
    g.stroke();
    first.forEach(function (r) { g.beginPath(); g.arc(X(r.objectives[names[0]]), Y(r.objectives[names[1]]), 5, 0, 2 * Math.PI); g.fill(); });
    g.lineWidth = 1; g.fillStyle = "#1d232a";
    g.textAlign = "center";
    g.fillText(names[0], (left + right) / 2, h - 8);
    g.fillText(fmt(x0), left, bot + 14); g.fillText(fmt(x1), right, bot + 14);
    g.save(); g.translate(14, (top + bot) / 2); g.rotate(-Math.PI / 2); g.fillText(names[1], 0, 0); g.restore();
    g.textAlign = "right";
    g.fillText(fmt(y1), left - 4, top + 8); g.fillText(fmt(y0), left - 4, bot);
    return first.length;
  }

  /* The trials on their GPUs in time: one lane per GPU (several rows where
   * trials overlapped), a bar per trial coloured by how it ended. */
  function timeline(el, trials, w, now) {
    var done = trials.filter(function (t) { return t.started; });
    if (!done.length) return none(el, "no trial has started yet");
    var t0 = Math.min.apply(null, done.map(function (t) { return t.started; }));
    var t1 = Math.max.apply(null, done.map(function (t) { return t.ended || now; }));
    var lanes = {}, rows = [];
    done.sort(function (a, b) { return a.started - b.started; });
    done.forEach(function (t) {
      var key = t.gpu !== null && t.gpu !== undefined ? "GPU " + t.gpu : "no GPU";
      var L = lanes[key] || (lanes[key] = []);
      var k = 0;
      while (k < L.length && L[k] > t.started) k++;
      L[k] = t.ended || now;
      rows.push({ t: t, key: key, sub: k });
    });
    var keys = Object.keys(lanes).sort(), off = {}, y = 0;
    keys.forEach(function (k) { off[k] = y; y += lanes[k].length; });
    var rowh = Math.max(3, Math.min(14, Math.floor(600 / Math.max(1, y)))), left = 70, h = y * rowh + 40;
    var g = canvas(el, w, h), span = Math.max(1e-9, t1 - t0), sc = (w - left - 10) / span;
    var col = { completed: "#2b8a3e", failed: "#c92a2a", running: "#2f7de1", pruned: "#e67700", stopped: "#868e96", pending: "#ced4da" };
    rows.forEach(function (r) {
      var t = r.t, x = left + (t.started - t0) * sc, x2 = left + ((t.ended || now) - t0) * sc;
      g.fillStyle = col[t.state] || "#888";
      g.fillRect(x, 10 + (off[r.key] + r.sub) * rowh, Math.max(1, x2 - x - 1), rowh - 1);
    });
    g.fillStyle = "#1d232a";
    keys.forEach(function (k) { g.fillText(k, 4, 10 + off[k] * rowh + Math.min(rowh, 11)); });
    g.fillText("0", left, h - 8);
    var lab = span > 7200 ? (span / 3600).toFixed(1) + " h" : span > 120 ? (span / 60).toFixed(1) + " min" : span.toFixed(1) + " s";
    g.textAlign = "right";
    g.fillText(lab, w - 10, h - 8);
  }

  return { available: available, curves: curves, scatter: scatter, lines: lines, parallel: parallel,
           pareto: pareto, timeline: timeline, fmt: fmt };
})();
