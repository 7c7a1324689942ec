"""The report as one self-contained HTML file: inline CSS, inline JavaScript, inline SVG,
the data as JSON in the page; nothing is fetched when it is viewed (a Content-Security-Policy
of ``default-src 'none'`` makes sure of it).

The overview, the graph and one summary line per group are written here. The rest is drawn
by the page's script from the embedded data (:mod:`.pagedata`) as the reader reaches it:
the matrix a window of rows and columns at a time, growing as it is scrolled; a group's
rules when its section is opened; the findings a page at a time. Before printing, the
script draws everything (the whole matrix, every group, every finding).
"""

from __future__ import annotations

import json
from html import escape
from importlib import resources
from typing import Any

from .pagedata import page_data
from .risk import RISKS

OPEN_RULES = 500
"""Up to this many rules in all, every group's section starts open (writing 4,000 rule rows
takes Chromium about a second)."""

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)


def _asset(name: str) -> str:
    return (
        resources.files("sgplan.report")
        .joinpath("assets")
        .joinpath(name)
        .read_text(encoding="utf-8")
    )


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def render_html(doc: dict[str, Any]) -> str:
    data = json.dumps(page_data(doc), separators=(",", ":"), ensure_ascii=False)
    data = data.replace("</", "<\\/").replace("<!--", "<\\!--")
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>sgplan report: {_e(doc['title'])}</title>",
        f"<style>{_asset('report.css')}</style></head><body>",
        '<a class="skip" href="#matrix-section">Skip to the access matrix</a>',
        _header(doc),
        "<main>",
        _overview(doc),
        _matrix(doc),
        _graph(doc),
        _groups(doc),
        _findings(doc),
        "</main>",
        '<aside id="details" class="hidden" role="dialog" aria-labelledby="details-title" '
        'aria-live="polite"></aside>',
        f'<script id="report-data" type="application/json">{data}</script>',
        f"<script>{_asset('report.js')}</script>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _header(doc: dict[str, Any]) -> str:
    boxes = "".join(
        f'<label><input type="checkbox" data-risk-toggle="{r}" checked> '
        f'<span class="chip risk-{r}">{r}</span></label>'
        for r in RISKS
    )
    changed = (
        '<label><input type="checkbox" id="changed-only"> only what the plan changes</label>'
        if doc.get("plan")
        else ""
    )
    return (
        '<header class="top"><h1>sgplan access report: ' + _e(doc["title"]) + "</h1>"
        f'<div class="meta">{_e(doc["source"])} &middot; {_e(doc["today"])} &middot; '
        "built from the evaluator's verdicts (priorities, drops, defaults, intra-group access)"
        "</div>"
        '<div class="controls" role="search">'
        '<label>Search <input type="search" id="search" placeholder="group, address, port (/)" '
        'aria-label="search groups, senders and rules"></label>'
        '<label>Group <select id="group-filter" aria-label="show one group">'
        '<option value="">all groups</option></select></label>'
        f"{boxes}{changed}"
        '<button type="button" id="print-all" title="draw every row, group and finding, '
        'then print">Print everything</button>'
        '<span id="filter-status" class="muted" aria-live="polite"></span></div>'
        '<nav class="toc" aria-label="sections"><a href="#overview">Overview</a>'
        '<a href="#matrix-section">Access matrix</a><a href="#graph-section">Graph</a>'
        '<a href="#groups">Groups</a><a href="#findings">Findings</a></nav></header>'
    )


def _card(label: str, value: object, cls: str = "") -> str:
    return f'<div class="card {cls}"><div class="n">{_e(value)}</div><div>{_e(label)}</div></div>'


def _overview(doc: dict[str, Any]) -> str:
    o = doc["overview"]
    f = o["findings"]
    cards = [
        _card("groups", o["groups"]),
        _card("rules", o["rules"]),
        _card("NICs", o["nics"]),
        _card("prefix lists", o["prefix_lists"]),
        _card("critical findings", f["critical"], "critical" if f["critical"] else ""),
        _card("warnings", f["warning"], "warning" if f["warning"] else ""),
        _card("info", f["info"]),
    ]
    out = ['<section id="overview"><h2>Overview</h2>', f'<div class="cards">{"".join(cards)}</div>']
    if o.get("waived"):
        out.append(f'<p class="muted">{o["waived"]} finding(s) waived (not counted).</p>')
    exposed = _exposed(doc)
    if exposed:
        out.append("<h3>Open to the internet</h3><ul>")
        out += [f"<li>{x}</li>" for x in exposed]
        out.append("</ul>")
    plan = doc.get("plan")
    if plan:
        b = o.get("findings_before", {})
        out.append("<h3>What the plan changes</h3>")
        out.append(f"<p><strong>{_e(plan['summary'])}</strong> (mode {_e(plan['mode'])})")
        if b:
            out.append(
                f" Findings before &rarr; after: critical {b['critical']} &rarr; {f['critical']}, "
                f"warnings {b['warning']} &rarr; {f['warning']}."
            )
        out.append("</p>")
        for line in plan["findings"]:
            out.append(f'<p class="sev-warning">{_e(line)}</p>')
        out.append(
            '<table class="list"><thead><tr><th>group</th><th>action</th><th>add</th>'
            "<th>change</th><th>destroy</th><th>effect</th></tr></thead><tbody>"
        )
        heads = {g["token"]: g.get("change", {}).get("headline", "") for g in doc["groups"]}
        for g in plan["groups"]:
            a, c, d = g["counts"]
            out.append(
                f'<tr><td><a href="#group-{_e(g["name"])}">{_e(g["name"])}</a></td>'
                f"<td>{_e(g['action'])}</td><td>{a}</td><td>{c}</td><td>{d}</td>"
                f"<td>{_e(heads.get(g['name'], ''))}</td></tr>"
            )
        out.append("</tbody></table>")
        out.append(
            '<p class="muted">In the matrix and the graph, <span class="chip risk-internal '
            'ch-add">newly allowed</span> and <span class="chip risk-internal ch-del">newly '
            "blocked</span> flows are marked.</p>"
        )
    out.append("</section>")
    return "".join(out)


def _exposed(doc: dict[str, Any]) -> list[str]:
    out = []
    internet = {i for i, r in enumerate(doc["rows"]) if r["kind"] == "internet"}
    for ri, ci, n in doc["cells"]:
        entries = doc["entries"][n]
        if ri not in internet:
            continue
        risky = [e for e in entries if RISKS[e[3]] in ("critical", "warning", "exposed")]
        if not risky:
            continue
        chips = " ".join(
            f'<span class="chip risk-{RISKS[e[3]]}">{_e((e[0] + " " + e[1]).strip())}</span>'
            for e in risky
        )
        out.append(
            f"{_e(doc['rows'][ri]['label'])} &rarr; <strong>{_e(doc['columns'][ci]['label'])}"
            f"</strong>: {chips}"
        )
    return out


def _matrix(doc: dict[str, Any]) -> str:
    legend = "".join(
        f'<span class="chip risk-{r}" title="{_e(t)}">{r}</span> ' for r, t in doc["risks"]
    )
    return (
        '<section id="matrix-section"><h2>Access matrix</h2>'
        "<p>Rows send, columns receive. Each cell lists what the receiver's rules let through "
        "from the sender (between groups, the sender's egress must let it out too). A dashed "
        "chip marked (part) gets through for part of the sender only. Open a cell (click, or "
        "Enter; arrow keys move) to see the rules that decide and the ones they override. "
        "Large matrices are drawn as they are scrolled.</p>"
        f'<div class="legend">{legend}</div>'
        '<div class="matrix-wrap" tabindex="-1"><table class="matrix" id="matrix" '
        'aria-label="access matrix"></table></div>'
        '<p id="matrix-more" class="muted noprint" aria-live="polite"></p></section>'
    )


def _graph(doc: dict[str, Any]) -> str:
    g = doc["graph"]
    w, h = g["width"], g["height"]
    nodes = {n["id"]: n for n in g["nodes"]}
    out = [
        '<section id="graph-section"><h2>Group graph</h2>',
        "<p>Nodes: the internet, named networks, address ranges and groups; an edge is an "
        "effective grant, labelled with its ports. <strong>Red</strong>: critical exposure to "
        "the internet. Edges from ranges or groups that only the internet's own rules open "
        "are folded into the internet's edge (the matrix lists them). Click or press Enter on "
        "a group to filter to it.</p>",
        (
            f'<p class="muted" id="graph-left-out">{g["left_out"]} edges between groups and '
            "private or external ranges are not drawn (too many to read): the matrix lists "
            "them.</p>"
            if g.get("left_out")
            else ""
        ),
        f'<div class="graph-wrap"><svg class="graph" id="graph" role="img" '
        f'aria-label="group graph" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        'xmlns="http://www.w3.org/2000/svg">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#57606a"/></marker></defs>',
    ]
    from .graph import NODE_H, NODE_W

    for e in g["edges"]:
        s, t = nodes[e["source"]], nodes[e["target"]]
        x1, y1 = s["x"] + NODE_W, s["y"] + NODE_H / 2
        x2, y2 = t["x"], t["y"] + NODE_H / 2
        if x2 <= x1:  # back or same-column edge: loop below
            x2 = t["x"] + NODE_W / 2
            y2 = t["y"] + NODE_H
            path = f"M{x1},{y1} C{x1 + 60},{y1 + 80} {x2},{y2 + 80} {x2},{y2}"
            lx, ly = (x1 + x2) / 2, max(y1, y2) + 50
        else:
            mx = (x1 + x2) / 2
            path = f"M{x1},{y1} C{mx},{y1} {mx},{y2} {x2},{y2}"
            lx, ly = mx, (y1 + y2) / 2 - 3
        ch = {"+": " ch-add", "-": " ch-del", "~": " ch-mix"}.get(e["change"], "")
        out.append(
            f'<g class="edge risk-{e["risk"]}{ch}" data-source="{_e(e["source"])}" '
            f'data-target="{_e(e["target"])}" data-risk="{e["risk"]}" '
            f'data-change="{_e(e["change"])}"><title>{_e(s["label"])} to {_e(t["label"])}: '
            f'{_e(e["full"])}</title><path d="{path}" marker-end="url(#arrow)"/>'
            f'<text x="{lx:.0f}" y="{ly:.0f}" text-anchor="middle">{_e(e["label"])}</text></g>'
        )
    for n in g["nodes"]:
        risk = f" risk-{n['risk']}" if n.get("risk") else ""
        group = n["id"][6:] if n["id"].startswith("group:") else ""
        attrs = f' data-group="{_e(group)}" tabindex="0" role="button"' if group else ""
        label = n["label"] if len(n["label"]) <= 28 else n["label"][:27] + "\u2026"
        out.append(
            f'<g class="node {n["kind"]}{risk}" data-id="{_e(n["id"])}"{attrs}>'
            f"<title>{_e(n['label'])}</title>"
            f'<rect x="{n["x"]}" y="{n["y"]}" width="{NODE_W}" height="{NODE_H}"/>'
            f'<text x="{n["x"] + 8}" y="{n["y"] + 19}">{_e(label)}</text></g>'
        )
    out.append("</svg></div></section>")
    return "".join(out)


def _groups(doc: dict[str, Any]) -> str:
    """One closed section per group (its summary only); the page writes a section's rules
    when it is opened, and all of them before printing. Small estates start open."""
    findings = doc["findings"]
    start_open = sum(len(g["rules"]) for g in doc["groups"]) <= OPEN_RULES
    out = [
        '<section id="groups"><h2>Groups</h2>',
        '<p class="muted">Each group\'s rules in evaluation order, with the decision each one '
        "makes and its findings. Open a group to read it; printing opens them all.</p>",
        "<noscript><p>The rules of each group are written by the page's script.</p></noscript>",
    ]
    for g in doc["groups"]:
        token = g["token"]
        worst = [findings[i]["severity"] for i in g["findings"]] + [
            findings[i]["severity"] for r in g["rules"] for i in r[5]
        ]
        badge = ""
        for sev in ("critical", "warning"):
            n = worst.count(sev)
            if n:
                badge += f' <span class="sev-{sev}">{n} {sev}</span>'
        if g.get("change"):
            badge += f' <span class="chip risk-internal">plan: {_e(g["change"]["action"])}</span>'
        status = " (removed by the plan)" if g["removed"] else ""
        ident = f" ({g['id']})" if g["id"] and g["id"] != token else ""
        opened = " open" if start_open else ""
        out.append(
            f'<details class="group" id="group-{_e(token)}" data-group-section="{_e(token)}"'
            f"{opened}><summary>{_e(token)}{_e(ident)}{_e(status)}{badge}</summary>"
            '<div class="body"></div></details>'
        )
    out.append("</section>")
    return "".join(out)


def _findings(doc: dict[str, Any]) -> str:
    n = len(doc["findings"])
    return (
        '<section id="findings"><h2>Findings</h2>'
        f'<p class="muted" id="findings-count">{n} finding(s).</p>'
        '<table class="list"><thead><tr><th>severity</th><th>check</th><th>group</th>'
        "<th>rule</th><th>finding</th><th>fix</th></tr></thead>"
        '<tbody id="findings-body"></tbody></table>'
        '<button type="button" id="findings-more" class="hidden noprint">show more</button>'
        "</section>"
    )
