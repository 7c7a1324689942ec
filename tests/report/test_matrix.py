"""The access matrix says what the evaluator says: every entry checked against single-packet
verdicts (``Evaluator.decide``) on random groups, and the prod snapshot's known cells."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sgplan.evaluate.catalog import Context
from sgplan.evaluate.evaluator import Evaluator
from sgplan.evaluate.packet import Packet
from sgplan.evaluate.sources import load_current
from sgplan.report.axes import build_rows, group_columns
from sgplan.report.matrix import Matrix, RuleBook, compute_matrix
from tests.evaluate.strategies import GROUP_NAMES, PORT_EDGES, PREFIX_LISTS, groups

ROOT = Path(__file__).resolve().parents[2]
PORTS = sorted({*PORT_EDGES, 21, 2000, 65534})


def _covering(m: Matrix, ri: int, ci: int, proto: str, port: int):
    for e in m.cell(ri, ci):  # group rows fall back to the "any group member" row
        if e.protocol == proto and e.lo <= port <= e.hi:
            return e
    return None


@st.composite
def estates(draw: st.DrawFn):
    count = draw(st.integers(1, 3))
    return [draw(groups(GROUP_NAMES[i])) for i in range(count)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates())
def test_every_cell_agrees_with_single_packet_verdicts(gs) -> None:
    ctx = Context.of(gs, PREFIX_LISTS)
    rows = build_rows(gs, ctx)
    cols = group_columns(gs, ctx)
    m = compute_matrix(rows, cols, ctx, RuleBook())
    evs = {c.key: Evaluator(c.groups, ctx) for c in cols}
    for ri, row in enumerate(rows):
        for ci, col in enumerate(cols):
            ev = evs[col.key]
            for port in PORTS:
                entry = _covering(m, ri, ci, "tcp", port)
                if row.kind == "cidr":
                    net = ipaddress.ip_network(row.cidrs[0])
                    samples = {net.network_address, net.broadcast_address}
                    verdicts = {
                        ev.decide(Packet("ingress", "tcp", port, a)).outcome for a in samples
                    }
                    if entry is None:
                        assert "accept" not in verdicts, (row.label, col.label, port)
                    elif entry.whole:
                        assert verdicts == {"accept"}, (row.label, col.label, port, entry)
                elif row.kind == "group":
                    sender = evs[f"group:{row.token}"]
                    inn = ev.decide(Packet("ingress", "tcp", port, None, (row.token,))).outcome
                    out = sender.decide(Packet("egress", "tcp", port, None, col.tokens)).outcome
                    both = {inn, out}
                    if "unknown" in both:
                        continue
                    if both == {"accept"}:
                        assert entry is not None and entry.whole, (row.label, col.label, port)
                    else:
                        assert entry is None, (row.label, col.label, port, inn, out, entry)


def test_prod_snapshot_cells() -> None:
    state = load_current(ROOT / "state" / "prod.json")
    ctx = Context.of(state.groups, state.prefix_lists)
    rows = build_rows(state.groups, ctx)
    cols = group_columns(state.groups, ctx)
    book = RuleBook()
    m = compute_matrix(rows, cols, ctx, book)
    r = {x.key: i for i, x in enumerate(rows)}
    c = {x.key: i for i, x in enumerate(cols)}
    db = m.cell(r["internet-v4"], c["group:prod-mysql-db-sg"])
    mysql = [e for e in db if e.text == "tcp 3306"]
    assert mysql and mysql[0].risk == "critical" and mysql[0].whole
    token, _position, rule = book.rules[mysql[0].deciders[0]]
    assert token == "prod-mysql-db-sg" and rule.rule_id == "sgr-bp1d0sql3306any"
    # the app tier reaches MySQL only on 3306: its egress allow-list lets it out
    app_db = m.cell(r["group:prod-shop-app-sg"], c["group:prod-mysql-db-sg"])
    assert [e.text for e in app_db] == ["tcp 3306"]
    assert app_db[0].egress, "the app's egress rule that lets 3306 out is named"
    # nothing reaches the app tier from the internet
    assert m.cell(r["internet-v4"], c["group:prod-shop-app-sg"]) == []
    # the bastion is open to part of the internet only (Workbench): limited, not critical
    bastion = m.cell(r["internet-v4"], c["group:prod-ops-bastion-sg"])
    assert {e.risk for e in bastion} == {"limited"} and not any(e.whole for e in bastion)
