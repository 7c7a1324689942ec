"""The Mermaid diagram of the Markdown plan: golden file for prod, kept small, absent when
no flow changes."""

from __future__ import annotations

import re
from pathlib import Path

from sgplan.formats.current import load_current
from sgplan.load import load_stack
from sgplan.plan import PlanOptions, plan_stack
from sgplan.plan.effects import attach_effects
from sgplan.render import render_markdown
from sgplan.render.mermaid import render_mermaid
from tests.golden_files import check_golden

ROOT = Path(__file__).resolve().parents[2]


def prod_plan():
    desired = load_stack("prod", ROOT)
    current = load_current([ROOT / "state" / "prod.json"]).state
    plan = plan_stack(desired, current, PlanOptions(), ["state/prod.json"])
    attach_effects(plan, current)
    return plan


def test_prod_plan_diagram_golden() -> None:
    text = render_mermaid(prod_plan())
    check_golden("plan/prod.mermaid.md", text)
    assert text.startswith("```mermaid\nflowchart LR\n")
    # the database's public MySQL is closed: a dotted (blocked) arrow from 0.0.0.0/0
    ids = dict(re.findall(r'  (n\d+)\S*\["?\(?\[?"([^"]+)"', text))
    db = next(k for k, v in ids.items() if v == "prod-mysql-db-sg")
    anywhere = next(k for k, v in ids.items() if v == "0.0.0.0/0")
    assert f'{anywhere} -.->|"- tcp 22, tcp 3306"| {db}' in text
    # the new redis group is reached from the app tier: a thick (allowed) arrow
    assert re.search(r'n\d+ ==>\|"\+ tcp 6379"\| n\d+', text)


def test_the_diagram_is_in_the_markdown_plan() -> None:
    md = render_markdown(prod_plan())
    assert "```mermaid" in md
    assert md.index("```mermaid") < md.index("<details>")


def test_kept_small_and_says_what_is_left_out() -> None:
    text = render_mermaid(prod_plan(), max_nodes=4, max_edges=3)
    nodes = re.findall(r"^  n\d+[\[(]", text, flags=re.M)
    arrows = re.findall(r"^  n\d+ (?:==>|-\.->)", text, flags=re.M)
    assert len(nodes) <= 4 and len(arrows) <= 3
    assert "Kept small:" in text and "more node(s)" in text


def test_no_diagram_without_flow_changes() -> None:
    desired = load_stack("prod", ROOT)
    current = load_current([ROOT / "state" / "prod.json"]).state
    plan = plan_stack(desired, current, PlanOptions(), [])
    assert render_mermaid(plan) == ""  # effects not attached: nothing to draw
