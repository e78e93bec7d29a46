/* sweep.js - one sweep, live (SweepPage), and several compared
 * (ComparePage). The page loads the sweep once (status, top, trials,
 * curves) and then asks only what changed: /tick?since= for the trials,
 * /curves?since= for the new points. */
"use strict";
(function () {
  var A, el, num; /* app.js's helpers, there once it has run */
  function fl(t) { return t._f || (t._f = A.flat(t.params, "")); } /* a trial's parameters, flat, once */
  function helpers() { A = window.SweepApp; el = A.el; num = A.num; }

  function spearman(xs, ys) {
    function ranks(v) {
      var idx = v.map(function (x, i) { return i; }).sort(function (a, b) { return v[a] - v[b]; });
      var r = new Array(v.length);
      for (var i = 0; i < idx.length;) {
        var j = i;
        while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++;
        for (var k = i; k <= j; k++) r[idx[k]] = (i + j) / 2 + 1;
        i = j + 1;
      }
      return r;
    }
    var rx = ranks(xs), ry = ranks(ys), n = xs.length, mx = (n + 1) / 2, sxy = 0, sxx = 0, syy = 0;
    for (var i = 0; i < n; i++) { sxy += (rx[i] - mx) * (ry[i] - mx); sxx += (rx[i] - mx) * (rx[i] - mx); syy += (ry[i] - mx) * (ry[i] - mx); }
    return sxx && syy ? sxy / Math.sqrt(sxx * syy) : 0;
  }
  function eta2(cats, ys) {
    var g = {}, mean = ys.reduce(function (a, b) { return a + b; }, 0) / ys.length, tot = 0, bet = 0;
    cats.forEach(function (c, i) { (g[c] = g[c] || []).push(ys[i]); tot += (ys[i] - mean) * (ys[i] - mean); });
    Object.keys(g).forEach(function (k) {
      var m = g[k].reduce(function (a, b) { return a + b; }, 0) / g[k].length;
      bet += g[k].length * (m - mean) * (m - mean);
    });
    return tot ? bet / tot : 0;
  }

  /* The parameters of the trials: name -> {numeric, cats} */
  function paramInfo(trials) {
    var info = {};
    trials.forEach(function (t) {
      var f = fl(t);
      Object.keys(f).forEach(function (k) {
        var i = info[k] || (info[k] = { numeric: true, values: {} });
        if (typeof f[k] !== "number") i.numeric = false;
        i.values[JSON.stringify(f[k])] = 1;
      });
    });
    Object.keys(info).forEach(function (k) {
      var i = info[k];
      i.cats = i.numeric ? null : Object.keys(i.values).sort();
      i.labels = i.cats && i.cats.map(function (c) { var v = JSON.parse(c); return typeof v === "string" ? v : c; });
      i.index = {};
      (i.cats || []).forEach(function (c, n) { i.index[c] = n; });
      if (Object.keys(i.values).length < 2) delete info[k]; /* fixed: nothing to show */
    });
    return info;
  }

  window.SweepPage = function (name, info) {
    helpers();
    var base = "/api/sweeps/" + encodeURIComponent(name);
    var trials = {}, curves = {}, status = null, top = [], lastNow = 0, metric = null, sel = null;
    var cards = el("div", { cls: "cards" }), ctl = el("p"), lead = el("div", { cls: "scroll" });
    var detail = el("div", { cls: "panel", id: "detail" }, el("p", { cls: "muted" }, "click a trial for its details"));
    var curveBox = el("div", { id: "curves" }), metricSel = el("select"), note = el("p", { cls: "muted" });
    var paramBox = el("div", { cls: "grid", id: "params" }), parBox = el("div", { id: "parallel" });
    var impBox = el("div", { id: "importance" }), timeBox = el("div", { id: "timeline" }), evBox = el("div");
    var paretoHead = el("h2", { style: "display: none" }, "Pareto front"), paretoBox = el("div", { id: "pareto" });
    var curveChart = null, leadTable = null, goalMax = true;
    function main() {
      A.main.replaceChildren(el("h1", null, name), cards, ctl,
        el("div", { cls: "grid" }, el("div", null, el("h2", null, "Leaderboard"), lead), el("div", { style: "flex: 1; min-width: 380px" }, el("h2", null, "Trial"), detail)),
        paretoHead, paretoBox,
        el("h2", null, "Curves ", metricSel), note, curveBox,
        el("h2", null, "The objective against each parameter"), paramBox,
        el("h2", null, "Parallel coordinates"), parBox,
        el("h2", null, "Which parameters matter"), impBox,
        el("h2", null, "Trials on GPUs in time"), timeBox,
        el("h2", null, "Events"), evBox);
      metricSel.addEventListener("change", function () { metric = metricSel.value; curves = {}; lastNow = 0; loadCurves(0); });
      var goal = A.api("/api/sweeps").then(function (ss) {
        ss.forEach(function (w) { if (w.name === name) goalMax = w.goal !== "minimize"; });
      });
      Promise.all([A.api(base + "/trials"), loadStatus(), loadTop(), goal]).then(function (r) {
        r[0].forEach(function (t) { trials[t.trial] = t; });
        loadNames();
        loadCurves(0);
        drawAll();
        A.every(A.TICK_MS, tick);
      }).catch(function (e) { A.flash(e.message); });
    }
    function loadStatus() {
      return A.api(base + "/status").then(function (s) {
        var first = !status;
        status = s;
        drawCards();
        if (first && leadTable) { leadTable = null; drawLead(); } /* its objective column's name */
      });
    }
    function loadTop() {
      return A.api(base + "/top?n=500").then(function (t) { top = t; drawLead(); });
    }
    function loadNames() {
      var best = status && status.best ? status.best.trial : Object.keys(trials)[0];
      if (best === undefined) return;
      A.api(base + "/metrics?trial=" + best).then(function (ns) {
        metricSel.replaceChildren();
        var obj = status && status.objective;
        if (obj) metricSel.appendChild(el("option", { value: obj }, obj + " (objective)"));
        ns.forEach(function (n) { if (n.name !== obj) metricSel.appendChild(el("option", { value: n.name }, n.name)); });
        if (metric) metricSel.value = metric;
      });
    }
    function loadCurves(since) {
      var q = base + "/curves?since=" + since + (metric ? "&metric=" + encodeURIComponent(metric) : "") +
              (since ? "" : "&trials=" + Object.keys(pickIds()).join(","));
      return A.api(q).then(function (c) {
        if (!metric) metric = c.metric;
        if (!lastNow) lastNow = c.now; /* ticks ask what changed after the server's clock says this */
        Object.keys(c.trials).forEach(function (id) {
          var m = curves[id] || (curves[id] = {});
          c.trials[id].forEach(function (p) { m[p[0]] = p[1]; });
        });
        if (!since) note.textContent = c.thinned ? "long curves thinned to " + c.points_per_trial + " points each" : "";
        drawCurves();
      }).catch(function (e) { curveBox.replaceChildren(el("p", { cls: "muted" }, e.message)); });
    }
    function tick() {
      if (!lastNow) return; /* not before the first curves came */
      var since = lastNow - 10;
      A.api(base + "/tick?since=" + since).then(function (t) {
        var changed = false;
        t.changed.forEach(function (r) {
          var o = trials[r.trial];
          if (!o || o.state !== r.state || o.objective !== r.objective || o.step !== r.step) changed = true;
          trials[r.trial] = r;
        });
        lastNow = t.now;
        loadCurves(since);
        if (changed || (status && status.running !== t.running)) {
          loadStatus(); loadTop(); drawAll();
          if (sel !== null) showTrial(sel);
        }
      }).catch(function (e) { A.flash(e.message); });
    }
    function drawCards() {
      var s = status, c = s.counts;
      var tp = s.throughput || {};
      cards.replaceChildren.apply(cards, [
        card(s.running ? "running" : "not running", "sweep"),
        card(c.completed + " / " + (s.total === null ? "∞" : s.total), "completed"),
        card(c.running, "running"), card(c.failed, "failed"), card(c.pruned + c.stopped, "pruned or stopped"),
        s.front_size !== undefined ? card(s.front_size, "on the first front (several objectives)")
          : card(s.best ? num(s.best.objective) : "–", "best " + (s.objective || "") + (s.best ? " (trial " + s.best.trial + ")" : "")),
        s.hypervolume !== undefined ? card(num(s.hypervolume), "hypervolume of the front") : null,
        card(A.dur(s.eta_seconds), "time left"),
        card(tp.trainings_per_hour ? num(tp.trainings_per_hour) : "–", "trainings per hour")].filter(function (c) { return c; }));
      ctl.replaceChildren();
      if (!info.read_only) {
        if (s.running) ctl.appendChild(el("button", { cls: "danger", id: "stop-sweep", onclick: function () { steer(base + "/stop", "stop the sweep"); } }, "stop the sweep"));
        else ctl.appendChild(el("button", { id: "resume", onclick: function () { steer(base + "/resume", "resume the sweep"); } }, "resume the sweep"));
      }
      ctl.appendChild(el("span", { cls: "muted" }, "  " + s.dir));
    }
    function card(v, label) { return el("div", { cls: "card" }, el("b", null, String(v)), label); }
    function steer(path, what) {
      if (!confirm(what + "?")) return;
      A.post(path).then(function (j) {
        if (j._status >= 300) A.flash(what + ": " + (j.error || j.output || j._status));
        else A.flash(what + ": done", true);
        loadStatus();
      });
    }
    function drawLead() {
      var keys = {};
      top.forEach(function (t) { Object.keys(fl(t)).forEach(function (k) { keys[k] = 1; }); });
      var pk = Object.keys(keys);
      var bestId = top.length && top[0].objective !== null ? top[0].trial : null;
      var objs = objNames();
      var cols = [
        { name: "trial", num: true, get: function (t) { return t.trial; } },
        { name: "state", get: function (t) { return t.state; }, cls: function (t) { return "state-" + t.state; } },
      ].concat(objs.length ? [{ name: "front", num: true, get: function (t) { return t.front; } }].concat(objs.map(function (o) {
        return { name: o, num: true, get: function (t) { return t.objectives ? t.objectives[o] : null; } };
      })).concat([{ name: "feasible", get: function (t) { return t.feasible === undefined ? "" : t.feasible ? "yes" : "no"; } }]) : [
        { name: status && status.objective ? status.objective : "objective", num: true, get: function (t) { return t.objective; } }]).concat([
        { name: "step", num: true, get: function (t) { return t.step; } },
        { name: "steps/h", num: true, get: function (t) { return t.steps_per_hour; } },
      ]).concat(pk.map(function (k) {
        return { name: k, num: top.every(function (t) { var v = fl(t)[k]; return v === undefined || typeof v === "number"; }),
                 get: function (t) { return fl(t)[k]; } };
      }));
      var opts = { rowClass: function (t) { return (t.trial === bestId ? "best " : "") + (t.trial === sel ? "sel " : "") + (t.state === "running" ? "running" : ""); },
                   onrow: function (t) { sel = t.trial; showTrial(t.trial); drawLead(); } };
      var key = pk.join() + "|" + objs.join();
      if (leadTable && leadTable._keys === key) leadTable.update(top);
      else { leadTable = A.sortable(cols, top, opts); leadTable._keys = key; leadTable.id = "leaderboard"; lead.replaceChildren(leadTable); }
      drawPareto(objs);
    }
    /* several objectives: their names, from the leaderboard's rows (sweep top --json) */
    function objNames() {
      for (var i = 0; i < top.length; i++) if (top[i].objectives) return Object.keys(top[i].objectives);
      return [];
    }
    function drawPareto(objs) {
      if (objs.length < 2) return;
      paretoHead.style.display = "";
      if (objs.length > 2) paretoHead.textContent = "Pareto front (" + objs[0] + " against " + objs[1] + "; " + (objs.length - 2) + " more in the leaderboard)";
      Charts.pareto(paretoBox, top, objs, 900, 380);
    }
    var stopBtn = null;
    function showTrial(id) {
      A.api(base + "/trials/" + id).then(function (t) {
        var rows = [["state", t.state + (t.reason ? " (" + t.reason + ")" : "")], ["objective", num(t.objective)],
                    ["step", t.step], ["GPU", t.gpu || "–"], ["CPUs", t.cpus || "–"], ["attempts", t.attempts],
                    ["ran", t.started ? A.dur((t.ended || Date.now() / 1000) - t.started) : "–"],
                    ["exit", t.exit_code !== null ? "status " + t.exit_code : t.exit_signal ? "signal " + t.exit_signal : "–"],
                    ["parameters", A.people(t.params)], ["argv", t.argv ? t.argv.map(function (a) { return /^[\w@%+=:,./-]+$/.test(a) ? a : "'" + a.replace(/'/g, "'\\''") + "'"; }).join(" ") : "–"]];
        var tb = el("table");
        rows.forEach(function (r) { tb.appendChild(el("tr", null, el("th", null, r[0]), el("td", { style: "white-space: normal" }, String(r[1] === null || r[1] === undefined ? "–" : r[1])))); });
        var parts = [el("h3", null, "trial " + t.trial), tb];
        if (t.state === "running" && !info.read_only) {
          /* the same button from one refresh to the next: a click never lands on a node just replaced */
          if (!stopBtn || stopBtn._trial !== t.trial) {
            stopBtn = el("button", { cls: "danger", id: "stop-trial", onclick: function () { steer(base + "/trials/" + t.trial + "/stop", "stop trial " + t.trial); } }, "stop trial " + t.trial);
            stopBtn._trial = t.trial;
          }
          parts.push(stopBtn.parentNode || el("p", null, stopBtn));
        } else stopBtn = null;
        parts.push(el("h4", null, "the log's end"), el("pre", { id: "log" }, t.log_tail || "(no log)"));
        parts.push(el("h4", null, "events"), el("pre", null, t.events.map(function (e) { return new Date(e.time * 1000).toLocaleTimeString() + "  " + e.kind + "  " + e.detail; }).join("\n") || "(none)"));
        detail.replaceChildren.apply(detail, parts);
      }).catch(function (e) { detail.replaceChildren(el("p", { cls: "bad" }, e.message)); });
    }
    function list() { return Object.keys(trials).map(function (k) { return trials[k]; }); }
    /* the curves drawn: the best 10, the running ones, then the latest, 150 in all */
    function pickIds() {
      var ts = list(), pick = {}, LIMIT = 150;
      var withObj = ts.filter(function (t) { return t.objective !== null; }).sort(function (a, b) { return goalMax ? b.objective - a.objective : a.objective - b.objective; });
      withObj.slice(0, 10).forEach(function (t) { pick[t.trial] = 1; });
      ts.filter(function (t) { return t.state === "running"; }).forEach(function (t) { pick[t.trial] = 1; });
      ts.sort(function (a, b) { return (b.started || 0) - (a.started || 0); });
      for (var i = 0; i < ts.length && Object.keys(pick).length < LIMIT; i++) pick[ts[i].trial] = 1;
      return pick;
    }
    function drawCurves() {
      var max = status && status.objective && metric === status.objective;
      var pick = pickIds(), n = 0;
      var bestId = status && status.best ? status.best.trial : null;
      var series = Object.keys(pick).filter(function (id) { return curves[id]; }).map(Number).sort(function (a, b) { return a - b; }).map(function (id) {
        var m = curves[id];
        return { label: "trial " + id, best: id === bestId && max, pts: Object.keys(m).map(Number).sort(function (a, b) { return a - b; }).map(function (s) { return [s, m[s]]; }) };
      });
      n = Object.keys(curves).length;
      n = Math.max(n, list().length);
      if (n > series.length) note.textContent = "showing " + series.length + " of " + n + " trials' curves: the best 10, the running ones, the latest";
      if (!series.length) { curveBox.replaceChildren(el("p", { cls: "muted" }, "no value of " + (metric || "the objective") + " yet")); curveChart = null; return; }
      if (curveChart) curveChart.update(series);
      else curveChart = Charts.curves(curveBox, series, { y: metric, width: 1100, height: 340 });
    }
    var lastDraw = 0, pending = null;
    function drawAll() { /* at most every 4 s; a change meanwhile is drawn then */
      var wait = lastDraw ? 4000 - (Date.now() - lastDraw) : 0;
      if (wait > 0) { if (!pending) pending = setTimeout(function () { pending = null; drawAll(); }, wait); return; }
      lastDraw = Date.now();
      var ts = list(), done = ts.filter(function (t) { return t.objective !== null; });
      var pinfo = paramInfo(ts), names = Object.keys(pinfo);
      paramBox.replaceChildren();
      names.forEach(function (k) {
        var box = el("div", { cls: "panel" });
        paramBox.appendChild(box);
        var i = pinfo[k];
        var pts = done.map(function (t) {
          var v = fl(t)[k];
          return [i.cats ? i.index[JSON.stringify(v)] : v, t.objective];
        }).filter(function (p) { return p[0] !== undefined; });
        var lg = !i.cats && pts.length && pts.every(function (p) { return p[0] > 0; }) &&
                 Math.max.apply(null, pts.map(function (p) { return p[0]; })) / Math.min.apply(null, pts.map(function (p) { return p[0]; })) > 50;
        Charts.scatter(box, pts, { x: k, y: status && status.objective || "objective", categories: i.labels, log: lg, width: 320, height: 220 });
      });
      if (!names.length) paramBox.appendChild(el("p", { cls: "muted" }, "no parameter varies"));
      var dims = names.map(function (k) {
        var i = pinfo[k];
        return { name: k, cats: i.labels, value: function (t) { var v = fl(t)[k]; var x = i.cats ? i.index[JSON.stringify(v)] : v; return typeof x === "number" ? x : null; } };
      });
      var lo = Math.min.apply(null, done.map(function (t) { return t.objective; })), hi = Math.max.apply(null, done.map(function (t) { return t.objective; }));
      dims.push({ name: status && status.objective || "objective", value: function (t) { return t.objective; } });
      if (done.length) Charts.parallel(parBox, dims, done, function (t) { var x = hi > lo ? (t.objective - lo) / (hi - lo) : 1; return goalMax ? x : 1 - x; }, 1100, 300);
      else parBox.replaceChildren(el("p", { cls: "muted" }, "no trial has an objective yet"));
      var imp = names.map(function (k) {
        var i = pinfo[k], xs = [], ys = [];
        done.forEach(function (t) { var v = fl(t)[k]; if (v !== undefined) { xs.push(i.cats ? JSON.stringify(v) : v); ys.push(t.objective); } });
        if (xs.length < 4) return { name: k, v: null };
        return { name: k, v: i.cats ? eta2(xs, ys) : Math.abs(spearman(xs, ys)), how: i.cats ? "η² (share of variance)" : "|Spearman ρ|" };
      }).sort(function (a, b) { return (b.v || 0) - (a.v || 0); });
      var it = el("table");
      imp.forEach(function (r) {
        it.appendChild(el("tr", null, el("td", null, r.name), el("td", { cls: "num" }, r.v === null ? "too few trials" : r.v.toFixed(2)),
                          el("td", null, el("span", { cls: "bar", style: "width:" + Math.round((r.v || 0) * 300) + "px" })), el("td", { cls: "muted" }, r.how || "")));
      });
      impBox.replaceChildren(it);
      Charts.timeline(timeBox, ts, 1100, Date.now() / 1000);
      A.api(base + "/events?n=30").then(function (es) {
        evBox.replaceChildren(el("pre", { id: "events" }, es.map(function (e) { return new Date(e.time * 1000).toLocaleTimeString() + "  " + (e.trial === null ? "" : "trial " + e.trial + "  ") + e.kind + "  " + e.detail; }).join("\n") || "(none)"));
      });
    }
    main(); /* once everything above is defined */
  };

  /* Several sweeps on shared axes: the best so far against the trial's
   * number and against the hours since each sweep began, as sweep report
   * compares them. */
  window.ComparePage = function (names) {
    helpers();
    A.main.replaceChildren(el("h1", null, "Compared: " + names.join(", ")));
    if (!names.length) { A.main.appendChild(el("p", { cls: "muted" }, "choose sweeps on the first page")); return; }
    var goals = {};
    A.api("/api/sweeps").then(function (ss) {
      ss.forEach(function (w) { goals[w.name] = w.goal; });
      return Promise.all(names.map(function (n) {
        var b = "/api/sweeps/" + encodeURIComponent(n);
        return Promise.all([A.api(b + "/status"), A.api(b + "/trials")]);
      }));
    }).then(function (rs) {
      var byN = [], byT = [], rows = [];
      rs.forEach(function (r, i) {
        var st = r[0], ts = r[1].filter(function (t) { return t.objective !== null && t.ended; }).sort(function (a, b) { return a.ended - b.ended; });
        var maxi = goals[names[i]] !== "minimize";
        var best = null, t0 = ts.length ? Math.min.apply(null, r[1].map(function (t) { return t.started || Infinity; })) : 0, a = [], b = [];
        ts.forEach(function (t, k) {
          if (best === null || (maxi ? t.objective > best : t.objective < best)) best = t.objective;
          a.push([k + 1, best]); b.push([+((t.ended - t0) / 3600).toFixed(4), best]);
        });
        byN.push({ label: names[i], pts: a }); byT.push({ label: names[i], pts: b });
        rows.push({ name: names[i], objective: st.objective, best: st.best ? st.best.objective : null, trials: ts.length, params: st.best ? A.people(st.best.params) : "" });
      });
      var b1 = el("div", { cls: "panel" }), b2 = el("div", { cls: "panel" });
      A.main.appendChild(A.sortable([
        { name: "sweep", get: function (r) { return el("a", { href: "/s/" + encodeURIComponent(r.name) }, r.name); } },
        { name: "objective", get: function (r) { return r.objective; } },
        { name: "best", num: true, get: function (r) { return r.best; } },
        { name: "trials with a value", num: true, get: function (r) { return r.trials; } },
        { name: "best configuration", get: function (r) { return r.params; } },
      ], rows, {}));
      A.main.appendChild(el("div", { cls: "grid" }, b1, b2));
      Charts.lines(b1, byN, { x: "trials ended", y: "best so far", width: 620 });
      Charts.lines(b2, byT, { x: "hours since the start", y: "best so far", width: 620 });
    }).catch(function (e) { A.flash(e.message); });
  };
})();
