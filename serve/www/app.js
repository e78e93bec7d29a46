/* app.js - the pages of sweep serve: the sweeps, the machine, one sweep
 * live, several compared. Data comes from the JSON API (docs/api.md); every
 * string is put in the page as text (textContent), never as HTML. A sweep's
 * page polls /tick (what changed since) and /curves?since= (new points) and
 * never reloads. */
"use strict";
(function () {
  var main = document.getElementById("main");
  var TICK_MS = 1500;
  var timers = [];

  function el(tag, attrs) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "cls") e.className = attrs[k];
      else if (k === "style") e.style.cssText = attrs[k]; /* CSSOM: allowed by the page's CSP */
      else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), attrs[k]);
      else e.setAttribute(k, attrs[k]);
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      e.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    }
    return e;
  }
  function flash(msg, ok) {
    var f = document.getElementById("flash");
    f.textContent = msg;
    f.className = ok ? "ok" : "";
    f.hidden = !msg;
  }
  function token() { return sessionStorage.getItem("sweep-token") || ""; }
  function api(path) {
    return fetch(path, { cache: "no-store" }).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) throw new Error(j && j.error ? j.error : r.status + " " + r.statusText);
        return j;
      });
    });
  }
  function post(path, body, type) {
    var h = { Authorization: "Bearer " + token() };
    if (type) h["Content-Type"] = type;
    var as = localStorage.getItem("sweep-as");
    if (as) h["X-Sweep-User"] = as;
    return fetch(path, { method: "POST", headers: h, body: body || "" }).then(function (r) {
      return r.json().then(function (j) { j._status = r.status; return j; });
    });
  }
  function every(ms, fn) { fn(); timers.push(setInterval(fn, ms)); }
  function num(v) { return Charts.fmt(v); }
  function dur(s) {
    if (s === null || s === undefined) return "–";
    if (s < 120) return s.toFixed(1) + " s";
    if (s < 7200) return (s / 60).toFixed(1) + " min";
    return (s / 3600).toFixed(1) + " h";
  }
  function people(params) {
    return Object.keys(params || {}).map(function (k) {
      var v = params[k];
      return k + "=" + (typeof v === "number" ? num(v) : JSON.stringify(v));
    }).join(" ");
  }
  function flat(params, pre, out) {
    out = out || {};
    Object.keys(params || {}).forEach(function (k) {
      var v = params[k];
      if (v && typeof v === "object" && !Array.isArray(v)) flat(v, pre + k + ".", out);
      else out[pre + k] = v;
    });
    return out;
  }

  /* A table whose columns sort on a click: cols [{name, get(row), num, cls}]. */
  function sortable(cols, rows, opts) {
    var table = el("table"), body = el("tbody"), by = opts.sortBy || null, asc = !!opts.asc;
    var head = el("tr");
    cols.forEach(function (c, i) {
      head.appendChild(el("th", { onclick: function () { asc = by === i ? !asc : !!c.num === false; by = i; draw(); } }, c.name));
    });
    table.appendChild(el("thead", null, head));
    table.appendChild(body);
    function draw() {
      var rs = rows.slice();
      if (by !== null) {
        var c = cols[by];
        rs.sort(function (a, b) {
          var x = c.get(a), y = c.get(b);
          if (x === null || x === undefined) return 1;
          if (y === null || y === undefined) return -1;
          var r = c.num ? x - y : String(x).localeCompare(String(y));
          return asc ? r : -r;
        });
      }
      Array.prototype.forEach.call(head.children, function (th, i) {
        th.className = i === by ? "sorted" + (asc ? " asc" : "") : "";
      });
      body.replaceChildren();
      rs.forEach(function (r) {
        var tr = el("tr", { cls: opts.rowClass ? opts.rowClass(r) : "" });
        if (opts.onrow) tr.addEventListener("click", function () { opts.onrow(r); });
        cols.forEach(function (c) {
          var v = c.get(r);
          var td = el("td", { cls: (c.num ? "num " : "") + (c.cls ? c.cls(r) : "") });
          if (v instanceof Node) td.appendChild(v);
          else td.textContent = c.num ? num(v) : v === null || v === undefined ? "–" : String(v);
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
    }
    draw();
    table.update = function (newRows) { rows = newRows; draw(); };
    return table;
  }

  /* ---- the sweeps ---- */
  function indexPage(info) {
    var list = el("div"), chosen = {};
    main.replaceChildren(el("h1", null, "Sweeps"), list);
    var cmp = el("button", { onclick: function () {
      var names = Object.keys(chosen).filter(function (k) { return chosen[k]; });
      if (names.length) location.href = "/compare?" + names.map(function (n) { return "s=" + encodeURIComponent(n); }).join("&");
    } }, "compare the chosen sweeps");
    main.appendChild(el("p", null, cmp));
    if (info.submit) main.appendChild(submitForm());
    every(3000, function () {
      api("/api/sweeps").then(function (ss) {
        if (!ss.length) { list.replaceChildren(el("p", { cls: "muted" }, "no sweep is served (none under the root yet)")); return; }
        var cols = [
          { name: "", get: function (s) {
              var c = el("input", { type: "checkbox" });
              c.checked = !!chosen[s.name];
              c.addEventListener("click", function (ev) { ev.stopPropagation(); chosen[s.name] = c.checked; });
              return c; } },
          { name: "sweep", get: function (s) { return el("a", { href: "/s/" + encodeURIComponent(s.name) }, s.name); } },
          { name: "state", get: function (s) { return s.error ? "unreadable" : s.running ? "running" : "not running"; } },
          { name: "method", get: function (s) { return s.method; } },
          { name: "objective", get: function (s) { return s.objective ? s.goal + " " + s.objective : "–"; } },
          { name: "completed", num: true, get: function (s) { return s.counts ? s.counts.completed : null; } },
          { name: "running", num: true, get: function (s) { return s.counts ? s.counts.running : null; } },
          { name: "failed", num: true, get: function (s) { return s.counts ? s.counts.failed : null; } },
          { name: "total", num: true, get: function (s) { return s.total; } },
          { name: "directory", get: function (s) { return s.dir; } },
        ];
        list.replaceChildren(el("div", { cls: "scroll" }, sortable(cols, ss, {})));
      }).catch(function (e) { flash(e.message); });
    });
  }

  function submitForm() {
    var name = el("input", { type: "text", placeholder: "name (a directory under the root)", size: 30 });
    var text = el("textarea", { rows: 14, placeholder: "a sweep file (YAML), as for sweep run" });
    var out = el("div");
    var go = el("button", { type: "submit" }, "submit and run");
    var form = el("form", { id: "submit" }, el("h2", null, "Submit a sweep"), el("p", null, name, " ", go), text, out);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      out.replaceChildren(el("p", { cls: "muted" }, "checking…"));
      post("/api/submit?name=" + encodeURIComponent(name.value), text.value, "application/yaml").then(function (j) {
        if (j._status === 201) { location.href = "/s/" + encodeURIComponent(j.name); return; }
        out.replaceChildren(el("p", { cls: "bad" }, j.error || "refused"));
        if (j.diagnostics) out.appendChild(el("pre", { cls: "diag" }, j.diagnostics));
        if (j.output) out.appendChild(el("pre", { cls: "diag" }, j.output));
      });
    });
    return form;
  }

  /* ---- the machine ---- */
  function machinePage() {
    var sw = el("div"), gp = el("div");
    main.replaceChildren(el("h1", null, "This machine"), el("h2", null, "Sweeps (the machine ledger)"), sw,
                         el("h2", null, "GPUs (nvidia-smi, now)"), gp);
    var ledger = { sweeps: [] }, served = {}; /* directory -> its name here, for a link */
    function reserved(g) { /* what the sweeps hold on GPU g, by user */
      var by = {};
      ledger.sweeps.forEach(function (w) {
        w.held.forEach(function (h) { if (h.gpu === g.index) by[w.user] = (by[w.user] || 0) + h.mib; });
      });
      return Object.keys(by).map(function (u) { return u + " " + (by[u] / 1024).toFixed(1) + " GiB"; }).join(", ") || "–";
    }
    every(3000, function () {
      api("/api/sweeps").then(function (ss) { ss.forEach(function (w) { served[w.dir] = w.name; }); }).catch(function () {});
      api("/api/machine").then(function (m) {
        ledger = m;
        if (!m.sweeps.length) { sw.replaceChildren(el("p", { cls: "muted" }, "no sweep is running on this machine")); return; }
        sw.replaceChildren(sortable([
          { name: "user", get: function (w) { return w.user; } },
          { name: "directory", get: function (w) {
              return served[w.dir] ? el("a", { href: "/s/" + encodeURIComponent(served[w.dir]) }, w.dir) : w.dir; } },
          { name: "method", get: function (w) { return w.method; } },
          { name: "running", num: true, get: function (w) { return w.running; } },
          { name: "waiting", num: true, get: function (w) { return w.waiting; } },
          { name: "waiting, and why", cls: function () { return "wrap"; }, get: function (w) {
              if (!w.waiting) return "–";
              var i = w.why ? w.why.indexOf(" waits to place ") : -1; /* the directory is in its own column */
              return i >= 0 ? w.why.slice(i + 1) : "waits to place " + (w.waits_for_mib / 1024).toFixed(1) + " GiB"; } },
          { name: "holds", get: function (w) {
              return w.held.map(function (h) { return h.gpu === null ? "CPUs (" + h.trials + ")" : "GPU " + h.gpu + ": " + (h.mib / 1024).toFixed(1) + " GiB (" + h.trials + ")"; }).join(", ") || "–"; } },
          { name: "share", num: true, get: function (w) { return w.share; } },
          { name: "use (GiB h)", num: true, get: function (w) { return w.use_gib_hours; } },
          { name: "priority", num: true, get: function (w) { return w.priority; } },
          { name: "pid", num: true, get: function (w) { return w.pid; } },
        ], m.sweeps, {}));
      }).catch(function (e) { sw.replaceChildren(el("p", { cls: "bad" }, e.message)); });
      api("/api/gpus").then(function (gs) {
        if (!gs.length) { gp.replaceChildren(el("p", { cls: "muted" }, "no GPU on this machine")); return; }
        gp.replaceChildren(sortable([
          { name: "GPU", num: true, get: function (g) { return g.index; } },
          { name: "name", get: function (g) { return g.name; } },
          { name: "total MiB", num: true, get: function (g) { return g.memory_total_mib; } },
          { name: "used MiB", num: true, get: function (g) { return g.memory_used_mib; } },
          { name: "free MiB", num: true, get: function (g) { return g.memory_free_mib; } },
          { name: "util %", num: true, get: function (g) { return g.utilization; } },
          { name: "reserved by sweeps", get: reserved },
          { name: "processes", get: function (g) { return g.processes.map(function (p) { return p.pid + " (" + p.used_memory_mib + " MiB)"; }).join(", ") || "–"; } },
        ], gs, {}));
      }).catch(function (e) { gp.replaceChildren(el("p", { cls: "bad" }, e.message)); });
    });
  }

  window.SweepApp = { el: el, api: api, post: post, every: every, flash: flash, sortable: sortable,
                      people: people, flat: flat, dur: dur, num: num, main: main, TICK_MS: TICK_MS };

  function route(info) {
    var p = location.pathname;
    document.getElementById("who").textContent = "served by " + info.user + (info.read_only ? ", read-only" : "");
    if (p === "/machine") machinePage();
    else if (p.indexOf("/s/") === 0) SweepPage(decodeURIComponent(p.slice(3)), info);
    else if (p === "/compare") ComparePage(new URLSearchParams(location.search).getAll("s"));
    else indexPage(info);
  }

  /* the token: from the form, or once from the address (#token=...), kept
   * for this tab only and never sent but in the Authorization header */
  var m = /[#&]token=([0-9a-f]{64})/.exec(location.hash);
  if (m) { sessionStorage.setItem("sweep-token", m[1]); history.replaceState(null, "", location.pathname + location.search); }
  var tf = document.getElementById("tokenform");
  document.getElementById("asname").value = localStorage.getItem("sweep-as") || "";
  tf.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var t = document.getElementById("token").value.trim();
    if (t) sessionStorage.setItem("sweep-token", t);
    localStorage.setItem("sweep-as", document.getElementById("asname").value.trim());
    document.getElementById("token").value = "";
    flash("kept for this tab", true);
  });
  api("/api").then(function (info) {
    if (info.read_only) tf.hidden = true;
    route(info);
  }).catch(function (e) { flash(e.message); });
})();
