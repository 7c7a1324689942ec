"use strict";
(function () {
  const D = JSON.parse(document.getElementById("report-data").textContent);
  const RISKS = D.risks.map(function (r) { return r[0]; });
  const $ = function (sel, root) { return (root || document).querySelector(sel); };
  const el = function (tag, attrs, text) {
    const e = document.createElement(tag);
    if (attrs) for (const k in attrs) {
      if (k === "class") e.className = attrs[k]; else e.setAttribute(k, attrs[k]);
    }
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  };
  const state = { group: "", query: "", risks: new Set(RISKS), changed: false };
  const cells = new Map();  // "r,c" -> entries
  D.entries.forEach(function (list) { list.forEach(function (e) { e[4] = D.numbers[e[4]]; e[5] = D.numbers[e[5]]; e[6] = D.numbers[e[6]]; }); });
  D.cells.forEach(function (c) { cells.set(c[0] + "," + c[1], D.entries[c[2]]); });
  const membersRow = D.rows.findIndex(function (r) { return r.kind === "members"; });
  // a group row not stored reads as the "any group member" row (see the row's note)
  function cellOf(ri, ci) {
    const found = cells.get(ri + "," + ci);
    if (found !== undefined) return found;
    if (membersRow >= 0 && D.rows[ri].kind === "group") return cells.get(membersRow + "," + ci);
    return undefined;
  }
  const colOfGroup = new Map();
  D.columns.forEach(function (c, i) { c.groups.forEach(function (g) { colOfGroup.set(g, i); }); });

  function chip(entry) {
    const risk = RISKS[entry[3]];
    const cls = "chip risk-" + risk + (entry[2] ? "" : " part") +
      (entry[7] === "+" ? " ch-add" : entry[7] === "-" ? " ch-del" : "");
    const text = entry[1] ? entry[0] + " " + entry[1] : entry[0];
    const c = el("span", { class: cls, "data-risk": risk }, text);
    c.title = D.risks[entry[3]][1] + (entry[2] ? "" : "; only part of the sender") +
      (entry[7] === "+" ? "; newly allowed by the plan" : entry[7] === "-" ? "; newly blocked by the plan" : "");
    return c;
  }

  function entryVisible(entry) {
    if (!state.risks.has(RISKS[entry[3]])) return false;
    if (state.changed && !entry[7]) return false;
    return true;
  }

  // -- matrix ------------------------------------------------------------------------------
  const table = $("#matrix");
  function rowMatches(i) {
    const r = D.rows[i];
    if (state.group) {
      if (r.kind === "group" && r.label === state.group) return true;
      const ci = colOfGroup.get(state.group);
      const es = ci === undefined ? null : cellOf(i, ci);
      return !!(es && es.some(entryVisible));
    }
    if (state.query && !(r.label.toLowerCase().includes(state.query) || r.note.toLowerCase().includes(state.query))) {
      return D.columns.some(function (c, ci) { return colMatches(ci) && c.label.toLowerCase().includes(state.query) && (cellOf(i, ci) || []).some(entryVisible); });
    }
    return true;
  }
  function colMatches(ci) {
    const c = D.columns[ci];
    if (state.group) return c.groups.indexOf(state.group) >= 0;
    return true;
  }
  function buildMatrix() {
    const thead = el("thead"), tr = el("tr");
    const corner = el("th", { class: "corner rowh", scope: "col" }, "from \\ to");
    tr.appendChild(corner);
    D.columns.forEach(function (c, ci) {
      const th = el("th", { scope: "col", "data-col": c.key, "data-ci": ci });
      th.appendChild(document.createTextNode(c.label));
      th.appendChild(el("span", { class: "kind" }, c.kind === "nic" ? "NIC: " + c.groups.join(" + ") : "group"));
      tr.appendChild(th);
    });
    thead.appendChild(tr);
    table.appendChild(thead);
    const tbody = el("tbody");
    table.appendChild(tbody);
    let next = 0;
    const CHUNK = 60;
    function chunk() {
      const stop = Math.min(D.rows.length, next + CHUNK);
      const frag = document.createDocumentFragment();
      for (let i = next; i < stop; i++) frag.appendChild(buildRow(i));
      tbody.appendChild(frag);
      next = stop;
      if (next < D.rows.length) setTimeout(chunk, 0);
      else { table.setAttribute("data-complete", "1"); applyFilters(); }
    }
    chunk();
  }
  function buildRow(i) {
    const r = D.rows[i];
    const tr = el("tr", { "data-row": r.key, "data-ri": i });
    const th = el("th", { class: "rowh", scope: "row", title: r.note || r.cidrs.join(", ") });
    th.appendChild(document.createTextNode(r.label));
    th.appendChild(el("span", { class: "kind" }, r.kind === "group" ? "members of the group" : (r.cidrs.length > 2 ? r.cidrs.slice(0, 2).join(", ") + ", ..." : r.cidrs.join(", "))));
    tr.appendChild(th);
    for (let ci = 0; ci < D.columns.length; ci++) {
      const es = cellOf(i, ci);
      const td = el("td", { class: "cell", "data-col": D.columns[ci].key });
      if (es && es.length) {
        const b = el("button", { type: "button", "data-r": i, "data-c": ci });
        b.setAttribute("aria-label", r.label + " to " + D.columns[ci].label + ": " + es.map(function (e) { return (e[1] ? e[0] + " " + e[1] : e[0]) + " " + RISKS[e[3]]; }).join(", "));
        es.forEach(function (e) { b.appendChild(chip(e)); });
        td.appendChild(b);
      }
      tr.appendChild(td);
    }
    return tr;
  }
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
    const buttons = Array.from(table.querySelectorAll("tbody tr:not(.hidden) td:not(.hidden) button[data-r]"));
    const r = +b.getAttribute("data-r"), c = +b.getAttribute("data-c");
    let best = null, bestScore = Infinity;
    buttons.forEach(function (o) {
      const orr = +o.getAttribute("data-r"), oc = +o.getAttribute("data-c");
      const dr = orr - r, dc = oc - c;
      if (m[0] && Math.sign(dr) !== m[0]) return;
      if (m[1] && Math.sign(dc) !== m[1]) return;
      const score = m[0] ? Math.abs(dr) * 1000 + Math.abs(dc) : Math.abs(dc) * 1000 + Math.abs(dr);
      if (score < bestScore) { bestScore = score; best = o; }
    });
    if (best) best.focus();
  });

  function ruleItem(n, group) {
    const li = el("li", { class: "rule" });
    if (n < 0) { li.textContent = "intra-group access of " + group + " (inner access policy accept)"; return li; }
    const r = D.rules[n];
    li.appendChild(document.createTextNode(r[0] + " rule " + r[1] + " `" + r[2] + "`"));
    if (r[3]) li.appendChild(el("span", { class: "desc" }, "  \"" + r[3] + "\""));
    if (r[4]) li.appendChild(el("span", { class: "desc" }, "  (" + r[4] + ")"));
    return li;
  }
  let lastFocus = null;
  function openCell(ri, ci, from) {
    const row = D.rows[ri], col = D.columns[ci];
    const box = $("#details");
    box.innerHTML = "";
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
      e[4].forEach(function (n) { ul.appendChild(ruleItem(n, col.label)); });
      div.appendChild(ul);
      if (e[5].length) {
        div.appendChild(el("div", { class: "muted" }, "also matching, overridden by the rule above (shadowed here):"));
        const sh = el("ul", { class: "rules shadowed" });
        e[5].forEach(function (n) { sh.appendChild(ruleItem(n, col.label)); });
        div.appendChild(sh);
      }
      if (row.kind === "group") {
        div.appendChild(el("div", { class: "muted" }, "the sender " + row.label + " lets it out by:"));
        const eg = el("ul", { class: "rules egress" });
        if (e[6].length) e[6].forEach(function (n) { eg.appendChild(ruleItem(n, row.label)); });
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

  // -- groups and findings -----------------------------------------------------------------
  function sectionFilter() {
    document.querySelectorAll("[data-group-section]").forEach(function (s) {
      const name = s.getAttribute("data-group-section");
      let show = !state.group || name === state.group;
      if (show && state.query) show = s.textContent.toLowerCase().includes(state.query);
      s.classList.toggle("hidden", !show);
    });
    document.querySelectorAll("tr[data-finding-group]").forEach(function (r) {
      let show = !state.group || r.getAttribute("data-finding-group") === state.group;
      if (show && state.query) show = r.textContent.toLowerCase().includes(state.query);
      r.classList.toggle("hidden", !show);
    });
  }

  function applyFilters() {
    const visibleCols = D.columns.map(function (_, ci) {
      if (!colMatches(ci)) return false;
      if (state.query && !state.group) {
        const c = D.columns[ci];
        if (c.label.toLowerCase().includes(state.query)) return true;
        return D.rows.some(function (r, ri) { return r.label.toLowerCase().includes(state.query) && (cellOf(ri, ci) || []).some(entryVisible); });
      }
      return true;
    });
    table.querySelectorAll("thead th[data-ci]").forEach(function (th) {
      th.classList.toggle("hidden", !visibleCols[+th.getAttribute("data-ci")]);
    });
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      const i = +tr.getAttribute("data-ri");
      tr.classList.toggle("hidden", !rowMatches(i));
      const tds = tr.querySelectorAll("td");
      for (let ci = 0; ci < tds.length; ci++) tds[ci].classList.toggle("hidden", !visibleCols[ci]);
    });
    table.querySelectorAll(".chip").forEach(function (c) {
      const risk = c.getAttribute("data-risk");
      let show = state.risks.has(risk);
      if (show && state.changed) show = c.classList.contains("ch-add") || c.classList.contains("ch-del");
      c.classList.toggle("hidden", !show);
    });
    graphFilter();
    sectionFilter();
    const n = table.querySelectorAll("tbody tr:not(.hidden)").length;
    $("#filter-status").textContent = state.group ? "showing group " + state.group + " (" + n + " senders)" :
      state.query ? "matching \u201c" + state.query + "\u201d" : "showing everything";
  }
  function setGroup(name) {
    state.group = name || "";
    $("#group-filter").value = state.group;
    applyFilters();
  }

  // -- controls ----------------------------------------------------------------------------
  const select = $("#group-filter");
  D.groups.forEach(function (g) { select.appendChild(el("option", { value: g.token }, g.token + (g.removed ? " (removed)" : ""))); });
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
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.group").forEach(function (d) { d.setAttribute("open", ""); });
  });
  buildMatrix();
  window.sgplanReport = { setGroup: setGroup, data: D, ready: function () { return table.getAttribute("data-complete") === "1"; } };
  document.body.setAttribute("data-ready", "1");
})();
