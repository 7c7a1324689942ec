"""The page's compact data says what the report's document says: every rule, finding and
group's rule order decodes back to the document's; the graph keeps the exposed edges
when it leaves some out."""

from __future__ import annotations

from typing import Any

from sgplan.evaluate.sources import load_current
from sgplan.report import ReportInput, Version, build_report
from sgplan.report.graph import MAX_EDGES, _readable
from sgplan.report.pagedata import DECISIONS, page_data
from tests.report.test_matrix import ROOT


def _doc() -> dict[str, Any]:
    state = load_current(ROOT / "state" / "prod.json")
    return build_report(ReportInput("prod", "snapshot", Version(state.groups)))


def _text(page: dict[str, Any], ids: list[int]) -> str:
    return " ".join(page["words"][i] for i in ids)


def test_rules_and_findings_decode_to_the_documents() -> None:
    doc = _doc()
    page = page_data(doc)
    words = page["words"]
    assert len(page["rules"]) == len(doc["rules"]) > 0
    for (token, pos, text, desc, rid), r in zip(doc["rules"], page["rules"], strict=True):
        assert page["names"][r[0]] == token and r[1] == pos
        assert _text(page, r[4:]) == text
        assert (words[r[2]] if r[2] >= 0 else "") == desc
        assert (words[r[3]] if r[3] >= 0 else "") == rid
    assert len(page["findings"]) == len(doc["findings"]) > 0
    for f, p in zip(doc["findings"], page["findings"], strict=True):
        assert page["checks"][p[0]] == f["check"]
        assert page["severities"][p[1]] == f["severity"]
        assert page["names"][p[2]] == f["group"]
        assert p[3] == (f["rule"] or 0) and bool(p[4]) == f["waived"]
        assert _text(page, p[5:]) == f["message"]
    for g, p in zip(doc["groups"], page["groups"], strict=True):
        assert p["t"] == g["token"]
        assert p["r"] == [r[3] for r in g["rules"]]
        for k, (_, _, _, _, decision, hits) in enumerate(g["rules"]):
            note = p["x"].get(k, [0])
            assert DECISIONS[note[0]] == decision and note[1:] == hits
    # the matrix is the document's own
    assert page["cells"] == doc["cells"] and page["entries"] == doc["entries"]


def test_the_graph_keeps_exposed_and_changed_edges_first() -> None:
    quiet = [
        {"source": f"group:g{i}", "target": f"group:h{i}", "risk": "internal", "change": ""}
        for i in range(MAX_EDGES)
    ]
    loud = [
        {"source": "internet", "target": "group:db", "risk": "critical", "change": ""},
        {"source": "group:a", "target": "group:b", "risk": "internal", "change": "+"},
    ]
    edges = [*quiet[:10], loud[0], *quiet[10:], loud[1]]
    kept, left = _readable(edges)
    assert len(kept) == MAX_EDGES and left == len(edges) - MAX_EDGES
    assert loud[0] in kept and loud[1] in kept
    assert kept.index(loud[0]) == 10  # drawn in their order, not re-sorted
    assert _readable(quiet) == (quiet, 0)
