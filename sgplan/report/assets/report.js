"use strict";
(function () {
  const D = JSON.parse(document.getElementById("report-data").textContent);
  const RISKS = D.risks.map(function (r) { return r[0]; });
  const W = D.words;
  const $ = function (sel, root) { return (root || document).querySelector(sel); };
  const el = function (tag, attrs, text) {
    const e = document.createElement(tag);
    if (attrs) for (const k in attrs) {
      if (k === "class") e.className = attrs[k]; else e.setAttribute(k, attrs[k]);
    }
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  };
  const words = function (list, from) {
    let s = "";
    for (let i = from; i < list.length; i++) s += (i > from ? " " : "") + W[list[i]];
    return s;
  };
  const word = function (i) { return i >= 0 ? W[i] : ""; };
  // rules[n] = [group, position, description, rule id, words...]
  const rule = function (n) {
    const r = D.rules[n];
    return { group: D.names[r[0]], pos: r[1], desc: word(r[2]), id: word(r[3]), text: words(r, 4), direction: W[r[4]] };
  };
  // findings[i] = [check, severity, group, rule, waived, words...]
  const finding = function (i) {
    const f = D.findings[i];
    return { check: D.checks[f[0]], fix: D.fixes[f[0]], severity: D.severities[f[1]], group: D.names[f[2]], rule: f[3], waived: !!f[4], message: words(f, 5) };
  };
  const state = { group: "", query: "", risks: new Set(RISKS), changed: false };
  const NC = D.columns.length;
  const cells = new Map();  // row * columns + column -> entries
  D.cells.forEach(function (c) { cells.set(c[0] * NC + c[1], D.entries[c[2]]); });
  const membersRow = D.rows.findIndex(function (r) { return r.kind === "members"; });
  // a group row not stored reads as the "any group member" row (see the row's note)
  function cellOf(ri, ci) {
    const found = cells.get(ri * NC + ci);
    if (found !== undefined) return found;
    if (membersRow >= 0 && D.rows[ri].kind === "group") return cells.get(membersRow * NC + ci);
    return undefined;
  }
  const colOfGroup = new Map();
  D.columns.forEach(function (c, i) { c.groups.forEach(function (g) { colOfGroup.set(g, i); }); });
  const label = function (e) { return e[1] ? e[0] + " " + e[1] : e[0]; };

  function chip(entry) {
    const risk = RISKS[entry[3]];
    const cls = "chip risk-" + risk + (entry[2] ? "" : " part") +
      (entry[7] === "+" ? " ch-add" : entry[7] === "-" ? " ch-del" : "");
    const c = el("span", { class: cls, "data-risk": risk }, label(entry));
    c.title = D.risks[entry[3]][1] + (entry[2] ? "" : "; only part of the sender") +
      (entry[7] === "+" ? "; newly allowed by the plan" : entry[7] === "-" ? "; newly blocked by the plan" : "");
    return c;
  }

  function entryVisible(entry) {
    if (!state.risks.has(RISKS[entry[3]])) return false;
    if (state.changed && !entry[7]) return false;
    return true;
  }

  // -- matrix: a window of rows and columns, grown as it is scrolled ------------------------
  const table = $("#matrix");
  const wrap = table.parentElement;
  const FIRST_ROWS = 16, FIRST_COLS = 12, STEP_ROWS = 16, STEP_COLS = 8;
  const M = { rows: [], cols: [], nrows: 0, ncols: 0, head: null, body: null };
  function rowMatches(i) {
    const r = D.rows[i];
    if (state.group) {
      if (r.kind === "group" && r.label === state.group) return true;
      const ci = colOfGroup.get(state.group);
      const es = ci === undefined ? null : cellOf(i, ci);
      return !!(es && es.some(entryVisible));
    }
    if (state.query && !(r.label.toLowerCase().includes(state.query) || r.note.toLowerCase().includes(state.query))) {
      return Q.cols.some(function (ci) { return (cellOf(i, ci) || []).some(entryVisible); });
    }
    return true;
  }
  function colMatches(ci) {
    const c = D.columns[ci];
    if (state.group) return c.groups.indexOf(state.group) >= 0;
    if (state.query) {
      if (c.label.toLowerCase().includes(state.query)) return true;
      return Q.rows.some(function (ri) { return (cellOf(ri, ci) || []).some(entryVisible); });
    }
    return true;
  }
  // what the query names: row and column labels, and the words of rules and findings
  const Q = { rows: [], cols: [], words: null };
  let lowerWords = null;
  function prepareQuery() {
    const q = state.query;
    Q.rows = []; Q.cols = []; Q.words = null;
    if (!q) return;
    D.rows.forEach(function (r, ri) { if (r.label.toLowerCase().includes(q)) Q.rows.push(ri); });
    D.columns.forEach(function (c, ci) { if (c.label.toLowerCase().includes(q)) Q.cols.push(ci); });
    if (q.indexOf(" ") < 0) {  // one word: find the words that contain it, once
      if (!lowerWords) lowerWords = W.map(function (w) { return w.toLowerCase(); });
      Q.words = new Uint8Array(W.length);
      for (let i = 0; i < W.length; i++) if (lowerWords[i].includes(q)) Q.words[i] = 1;
    }
  }
  // whether the words of list (from index from on) hold the query
  function hasQuery(list, from, extra) {
    if (Q.words) {
      for (let i = from; i < list.length; i++) if (Q.words[list[i]]) return true;
      for (let j = 0; j < extra.length; j++) if (extra[j] >= 0 && Q.words[extra[j]]) return true;
      return false;
    }
    const text = (words(list, from) + " " + extra.map(word).join(" ")).toLowerCase();
    return text.includes(state.query);
  }
  function drawMatrix() {
    M.cols = []; for (let ci = 0; ci < NC; ci++) if (colMatches(ci)) M.cols.push(ci);
    M.rows = []; for (let ri = 0; ri < D.rows.length; ri++) if (rowMatches(ri)) M.rows.push(ri);
    table.textContent = "";
    table.removeAttribute("data-complete");
    M.head = el("tr");
    M.head.appendChild(el("th", { class: "corner rowh", scope: "col" }, "from \\ to"));
    const thead = el("thead"); thead.appendChild(M.head); table.appendChild(thead);
    M.body = el("tbody"); table.appendChild(M.body);
    M.nrows = 0; M.ncols = 0;
    growCols(FIRST_COLS); growRows(FIRST_ROWS);
    fill();
  }
  function complete() {
    if (M.nrows >= M.rows.length && M.ncols >= M.cols.length) table.setAttribute("data-complete", "1");
    const left = (M.rows.length - M.nrows) + " more senders and " + (M.cols.length - M.ncols) + " more receivers: scroll the matrix to draw them";
    $("#matrix-more").textContent = table.getAttribute("data-complete") ? "" : left;
  }
  function headCell(ci) {
    const c = D.columns[ci];
    const th = el("th", { scope: "col", "data-col": c.key, "data-ci": ci });
    th.appendChild(document.createTextNode(c.label));
    th.appendChild(el("span", { class: "kind" }, c.kind === "nic" ? "NIC: " + c.groups.join(" + ") : "group"));
    return th;
  }
  function bodyCell(i, ci) {
    const r = D.rows[i];
    const es = (cellOf(i, ci) || []).filter(entryVisible);
    const td = el("td", { class: "cell", "data-col": D.columns[ci].key });
    if (es.length) {
      const b = el("button", { type: "button", "data-r": i, "data-c": ci });
      b.setAttribute("aria-label", r.label + " to " + D.columns[ci].label + ": " + es.map(function (e) { return label(e) + " " + RISKS[e[3]]; }).join(", "));
      es.forEach(function (e) { b.appendChild(chip(e)); });
      td.appendChild(b);
    }
    return td;
  }
  function growCols(n) {
    const stop = Math.min(M.cols.length, M.ncols + n);
    if (stop <= M.ncols) return false;
    for (let k = M.ncols; k < stop; k++) M.head.appendChild(headCell(M.cols[k]));
    const trs = M.body.children;
    for (let j = 0; j < trs.length; j++) {
      const ri = +trs[j].getAttribute("data-ri");
      const frag = document.createDocumentFragment();
      for (let k = M.ncols; k < stop; k++) frag.appendChild(bodyCell(ri, M.cols[k]));
      trs[j].appendChild(frag);
    }
    M.ncols = stop;
    complete();
    return true;
  }
  function growRows(n) {
    const stop = Math.min(M.rows.length, M.nrows + n);
    if (stop <= M.nrows) return false;
    const frag = document.createDocumentFragment();
    for (let j = M.nrows; j < stop; j++) {
      const i = M.rows[j], r = D.rows[i];
      const tr = el("tr", { "data-row": r.key, "data-ri": i });
      const th = el("th", { class: "rowh", scope: "row", title: r.note || r.cidrs.join(", ") });
      th.appendChild(document.createTextNode(r.label));
      th.appendChild(el("span", { class: "kind" }, r.kind === "group" ? "members of the group" : (r.cidrs.length > 2 ? r.cidrs.slice(0, 2).join(", ") + ", ..." : r.cidrs.join(", "))));
      tr.appendChild(th);
      for (let k = 0; k < M.ncols; k++) tr.appendChild(bodyCell(i, M.cols[k]));
      frag.appendChild(tr);
    }
    M.body.appendChild(frag);
    M.nrows = stop;
    complete();
    return true;
  }
  // draw more while the drawn part does not reach past the visible part (by a screen)
  function fill() {
    let more = true;
    while (more) {
      more = false;
      if (wrap.scrollTop + 2 * wrap.clientHeight > wrap.scrollHeight) more = growRows(STEP_ROWS) || more;
      if (wrap.scrollLeft + 2 * wrap.clientWidth > wrap.scrollWidth) more = growCols(STEP_COLS) || more;
    }
  }
  function drawAll() { growRows(M.rows.length); growCols(M.cols.length); }
  let pending = false;
  wrap.addEventListener("scroll", function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; fill(); });
  });
  table.addEventListener("click", function (ev) {
    const b = ev.target.closest("button[data-r]");
    if (b) openCell(+b.getAttribute("data-r"), +b.getAttribute("data-c"), b);
  });
  table.addEventListener("keydown", function (ev) {
    const b = ev.target.closest("button[data-r]");
    if (!b) return;
    const moves = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowDown: [1, 0], ArrowUp: [-1, 0] };
    const m = moves[ev.key];
    if (!m) return;
    ev.preventDefault();
    const td = b.parentElement, tr = td.parentElement;
    const ri = Array.prototype.indexOf.call(M.body.children, tr);
    const ci = Array.prototype.indexOf.call(tr.children, td) - 1;
    function find() {
      // the nearest cell with something in it, in that direction (drawing more if needed)
      for (let step = 1; ; step++) {
        const r = ri + m[0] * step, c = ci + m[1] * step;
        if (r < 0 || c < 0) return null;
        if (r >= M.nrows && !growRows(STEP_ROWS)) return null;
        if (c >= M.ncols && !growCols(STEP_COLS)) return null;
        if (m[0]) {
          const row = M.body.children[r];
          let best = null, bestD = Infinity;
          for (let k = 0; k < M.ncols; k++) {
            const x = row.children[k + 1].firstChild;
            if (x && Math.abs(k - ci) < bestD) { bestD = Math.abs(k - ci); best = x; }
          }
          if (best) return best;
        } else {
          const x = tr.children[c + 1].firstChild;
          if (x) return x;
        }
      }
    }
    const next = find();
    if (next) next.focus();
  });

  function ruleItem(n, group) {
    const li = el("li", { class: "rule" });
    if (n < 0) { li.textContent = "intra-group access of " + group + " (inner access policy accept)"; return li; }
    const r = rule(n);
    li.appendChild(document.createTextNode(r.group + " rule " + r.pos + " `" + r.text + "`"));
    if (r.desc) li.appendChild(el("span", { class: "desc" }, "  \"" + r.desc + "\""));
    if (r.id) li.appendChild(el("span", { class: "desc" }, "  (" + r.id + ")"));
    return li;
  }
  let lastFocus = null;
  function openCell(ri, ci, from) {
    const row = D.rows[ri], col = D.columns[ci];
    const box = $("#details");
    box.textContent = "";
    lastFocus = from || null;
    table.querySelectorAll("td.sel").forEach(function (t) { t.classList.remove("sel"); });
    if (from) from.parentElement.classList.add("sel");
    const close = el("button", { type: "button", class: "close", "aria-label": "close details" }, "Close (Esc)");
    close.addEventListener("click", closeDetails);
    box.appendChild(close);
    box.appendChild(el("h3", { id: "details-title" }, row.label + " \u2192 " + col.label));
    box.setAttribute("data-row", row.key);
    box.setAttribute("data-col", col.key);
    (cellOf(ri, ci) || []).forEach(function (e) {
      const div = el("div", { class: "entry" });
      const head = el("p");
      head.appendChild(chip(e));
      head.appendChild(document.createTextNode(" " + RISKS[e[3]] + (e[2] ? ", from all of " + row.label : ", from part of " + row.label) +
        (e[7] === "+" ? ", newly allowed by the plan" : e[7] === "-" ? ", newly blocked by the plan (was allowed by these rules)" : "")));
      div.appendChild(head);
      div.appendChild(el("div", { class: "muted" }, (e[7] === "-" ? "was allowed by" : "allowed by") + " (the rule that decides):"));
      const ul = el("ul", { class: "rules deciders" });
      D.numbers[e[4]].forEach(function (n) { ul.appendChild(ruleItem(n, col.label)); });
      div.appendChild(ul);
      const shadowed = D.numbers[e[5]], egress = D.numbers[e[6]];
      if (shadowed.length) {
        div.appendChild(el("div", { class: "muted" }, "also matching, overridden by the rule above (shadowed here):"));
        const sh = el("ul", { class: "rules shadowed" });
        shadowed.forEach(function (n) { sh.appendChild(ruleItem(n, col.label)); });
        div.appendChild(sh);
      }
      if (row.kind === "group") {
        div.appendChild(el("div", { class: "muted" }, "the sender " + row.label + " lets it out by:"));
        const eg = el("ul", { class: "rules egress" });
        if (egress.length) egress.forEach(function (n) { eg.appendChild(ruleItem(n, row.label)); });
        else eg.appendChild(el("li", null, "its default: normal groups allow egress when no rule matches"));
        div.appendChild(eg);
      }
      box.appendChild(div);
    });
    box.classList.remove("hidden");
    close.focus();
  }
  function closeDetails() {
    $("#details").classList.add("hidden");
    if (lastFocus) lastFocus.focus();
  }

  // -- graph -------------------------------------------------------------------------------
  const svg = $("#graph");
  function graphFilter() {
    if (!svg) return;
    const g = state.group ? "group:" + state.group : "";
    const keep = new Set();
    svg.querySelectorAll(".edge").forEach(function (e) {
      const s = e.getAttribute("data-source"), t = e.getAttribute("data-target");
      let show = !g || s === g || t === g || (D.columns[colOfGroup.get(state.group)] || {}).key === t;
      if (show && state.changed && !e.getAttribute("data-change")) show = false;
      if (show && !state.risks.has(e.getAttribute("data-risk"))) show = false;
      e.classList.toggle("dim", !show);
      if (show) { keep.add(s); keep.add(t); }
    });
    svg.querySelectorAll(".node").forEach(function (n) {
      const id = n.getAttribute("data-id");
      n.classList.toggle("dim", !!g && !keep.has(id) && id !== g);
    });
  }
  if (svg) {
    svg.addEventListener("click", function (ev) {
      const n = ev.target.closest(".node[data-group]");
      if (n) setGroup(n.getAttribute("data-group"));
    });
    svg.addEventListener("keydown", function (ev) {
      const n = ev.target.closest(".node[data-group]");
      if (n && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); setGroup(n.getAttribute("data-group")); }
    });
  }

  // -- groups: a section's rules are written when it is opened -----------------------------
  const DECISION = [["decides", "decides what it matches"], ["shadowed", "never decides: stronger rules decide all it matches"], ["redundant", "changes nothing: without it the same verdicts"]];
  const groupOf = new Map();
  D.groups.forEach(function (g, k) { groupOf.set(g.t, k); });
  function findingLine(i, short) {
    const f = finding(i);
    let text = f.severity + " " + f.check + (f.waived ? " (waived)" : "") + ": " + f.message;
    if (!short && f.fix) text += " Fix: " + f.fix;
    return el("div", { class: "sev-" + f.severity }, text);
  }
  function ruleList(items) {
    const ul = el("ul", { class: "rules" });
    items.forEach(function (it) { ul.appendChild(el("li", { class: "rule " + it[0] }, it[1])); });
    return ul;
  }
  function changeBlock(body, c) {
    body.appendChild(el("h3", null, "Plan: " + c.action));
    if (c.headline) body.appendChild(el("p", null, c.headline));
    const items = c.add.map(function (r) { return ["add", "+ " + r]; })
      .concat(c.remove.map(function (r) { return ["del", "- " + r]; }))
      .concat(c.describe.map(function (r) { return ["", "~ " + r]; }));
    if (items.length) body.appendChild(ruleList(items));
    if (c.flows.length) {
      const p = el("p"); p.appendChild(el("strong", null, "Flows:")); body.appendChild(p);
      body.appendChild(ruleList(c.flows.map(function (l) { return [l[0] === "+" ? "add" : l[0] === "-" ? "del" : "", l]; })));
    }
  }
  function renderGroup(details) {
    const body = details.querySelector(".body");
    if (!body || body.getAttribute("data-drawn")) return;
    body.setAttribute("data-drawn", "1");
    const g = D.groups[groupOf.get(details.getAttribute("data-group-section"))];
    let facts = g.ty + " group, " + g.nw + " network, inner access " + g.ia;
    if (g.m) facts += ", managed by a cloud service (read-only)";
    body.appendChild(el("p", { class: "muted" }, g.d + " \u00b7 " + facts));
    g.f.forEach(function (i) { body.appendChild(findingLine(i, false)); });
    if (g.c) changeBlock(body, g.c);
    const frag = document.createDocumentFragment();
    ["ingress", "egress"].forEach(function (direction) {
      frag.appendChild(el("h3", null, direction[0].toUpperCase() + direction.slice(1) + " rules in evaluation order"));
      let tbody = null, order = 0;
      g.r.forEach(function (n, k) {
        const r = rule(n);
        if (r.direction !== direction) return;
        if (!tbody) {
          const t = el("table", { class: "list" });
          const head = el("tr");
          ["order", "#", "rule", "decision", "findings"].forEach(function (h) { head.appendChild(el("th", null, h)); });
          const thead = el("thead"); thead.appendChild(head); t.appendChild(thead);
          tbody = el("tbody"); t.appendChild(tbody); frag.appendChild(t);
        }
        const note = g.x[k] || [0];
        const tr = el("tr");
        tr.appendChild(el("td", null, String(++order)));
        tr.appendChild(el("td", null, String(r.pos)));
        const td = el("td", { class: "rule" }, r.text);
        if (r.desc) td.appendChild(el("span", { class: "muted" }, " \"" + r.desc + "\""));
        if (r.id) td.appendChild(el("span", { class: "muted" }, " " + r.id));
        tr.appendChild(td);
        tr.appendChild(el("td", { class: "dec-" + DECISION[note[0]][0] }, DECISION[note[0]][1]));
        const notes = el("td");
        for (let j = 1; j < note.length; j++) notes.appendChild(findingLine(note[j], true));
        tr.appendChild(notes);
        tbody.appendChild(tr);
      });
      if (!tbody) frag.appendChild(el("p", { class: "muted" }, direction === "ingress" ? "no rules: denied except intra-group access" : "no rules: the default decides"));
      if (g.a) {
        const p = el("p"); p.appendChild(el("strong", null, "Effectively " + (direction === "ingress" ? "lets in" : "lets out") + ":")); frag.appendChild(p);
        const lines = g.a[direction] || [];
        frag.appendChild(ruleList(lines.length ? lines.map(function (x) { return ["", x]; }) : [["", "nothing"]]));
      }
    });
    body.appendChild(frag);
  }
  const groupsSection = $("#groups");
  groupsSection.addEventListener("toggle", function (ev) {
    if (ev.target.open) renderGroup(ev.target);
  }, true);
  function groupMatches(k) {
    const g = D.groups[k], q = state.query;
    if ((g.t + " " + g.i + " " + g.d).toLowerCase().includes(q)) return true;
    for (let j = 0; j < g.r.length; j++) {
      const r = D.rules[g.r[j]];
      if (hasQuery(r, 4, [r[2], r[3]])) return true;
    }
    for (let j = 0; j < g.f.length; j++) if (hasQuery(D.findings[g.f[j]], 5, [])) return true;
    return false;
  }
  function sectionFilter() {
    document.querySelectorAll("[data-group-section]").forEach(function (s) {
      const name = s.getAttribute("data-group-section");
      let show = !state.group || name === state.group;
      if (show && state.query) show = groupMatches(groupOf.get(name));
      s.classList.toggle("hidden", !show);
    });
  }

  // -- findings: a page at a time ----------------------------------------------------------
  const PAGE = 200;
  const F = { list: [], drawn: 0 };
  const fbody = $("#findings-body"), fmore = $("#findings-more");
  function findingMatches(i) {
    const f = D.findings[i];
    if (state.group && D.names[f[2]] !== state.group) return false;
    if (state.query) {
      const head = (D.names[f[2]] + " " + D.checks[f[0]]).toLowerCase();
      if (!head.includes(state.query) && !hasQuery(f, 5, [])) return false;
    }
    return true;
  }
  function drawFindings() {
    F.list = [];
    for (let i = 0; i < D.findings.length; i++) if (findingMatches(i)) F.list.push(i);
    fbody.textContent = "";
    F.drawn = 0;
    if (!F.list.length) { const tr = el("tr"); tr.appendChild(el("td", { colspan: "6" }, D.findings.length ? "No finding matches." : "No findings.")); fbody.appendChild(tr); }
    moreFindings(PAGE);
  }
  function moreFindings(n) {
    const stop = Math.min(F.list.length, F.drawn + n);
    const frag = document.createDocumentFragment();
    for (let j = F.drawn; j < stop; j++) {
      const f = finding(F.list[j]);
      const tr = el("tr", { "data-finding-group": f.group });
      tr.appendChild(el("td", { class: "sev-" + f.severity }, f.severity + (f.waived ? " (waived)" : "")));
      tr.appendChild(el("td", null, f.check));
      tr.appendChild(el("td", null, f.group));
      tr.appendChild(el("td", null, f.rule ? String(f.rule) : ""));
      tr.appendChild(el("td", null, f.message));
      tr.appendChild(el("td", { class: "muted" }, f.fix));
      frag.appendChild(tr);
    }
    fbody.appendChild(frag);
    F.drawn = stop;
    const left = F.list.length - F.drawn;
    fmore.classList.toggle("hidden", left <= 0);
    fmore.textContent = "show " + Math.min(left, PAGE) + " more (" + left + " not shown)";
    $("#findings-count").textContent = F.list.length + " of " + D.findings.length + " finding(s) shown" + (left > 0 ? ", " + F.drawn + " drawn" : "") + ".";
  }
  fmore.addEventListener("click", function () { moreFindings(PAGE); });

  function applyFilters() {
    prepareQuery();
    drawMatrix();
    graphFilter();
    sectionFilter();
    drawFindings();
    $("#filter-status").textContent = state.group ? "showing group " + state.group + " (" + M.rows.length + " senders)" :
      state.query ? "matching \u201c" + state.query + "\u201d" : "showing everything";
  }
  function setGroup(name) {
    state.group = name || "";
    $("#group-filter").value = state.group;
    applyFilters();
  }

  // -- controls ----------------------------------------------------------------------------
  const select = $("#group-filter");
  const options = document.createDocumentFragment();
  D.groups.forEach(function (g) { options.appendChild(el("option", { value: g.t }, g.t + (g.rm ? " (removed)" : ""))); });
  select.appendChild(options);
  select.addEventListener("change", function () { setGroup(select.value); });
  const search = $("#search");
  let timer = null;
  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { state.query = search.value.trim().toLowerCase(); applyFilters(); }, 120);
  });
  document.querySelectorAll("input[data-risk-toggle]").forEach(function (box) {
    box.addEventListener("change", function () {
      const r = box.getAttribute("data-risk-toggle");
      if (box.checked) state.risks.add(r); else state.risks.delete(r);
      applyFilters();
    });
  });
  const changed = $("#changed-only");
  if (changed) changed.addEventListener("change", function () { state.changed = changed.checked; applyFilters(); });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && !$("#details").classList.contains("hidden")) { closeDetails(); return; }
    if (ev.key === "/" && document.activeElement !== search && !(ev.target instanceof HTMLInputElement)) {
      ev.preventDefault(); search.focus();
    }
  });
  // printing draws everything: the whole matrix, every group's rules, every finding
  function drawEverything() {
    drawAll();
    document.querySelectorAll("details.group").forEach(function (d) { d.setAttribute("open", ""); renderGroup(d); });
    moreFindings(F.list.length);
  }
  window.addEventListener("beforeprint", drawEverything);
  $("#print-all").addEventListener("click", function () { drawEverything(); window.print(); });
  document.querySelectorAll("details.group[open]").forEach(renderGroup);
  drawMatrix();
  drawFindings();
  window.sgplanReport = { setGroup: setGroup, drawEverything: drawEverything, data: D, ready: function () { return M.body !== null; } };
  document.body.setAttribute("data-ready", "1");
})();
