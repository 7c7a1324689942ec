"""Golden files for the three plan renderers, on several plans (the empty one included).

Rewrite them with ``SGPLAN_UPDATE_GOLDEN=1 pytest tests/render`` and review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from sgplan.formats import snapshot
from sgplan.formats.current import load_current
from sgplan.load import load_stack
from sgplan.plan import PlanOptions, apply_plan, diff_states, plan_stack
from sgplan.plan.effects import attach_effects
from sgplan.render import render_json, render_markdown, render_text
from tests.golden_files import check_golden
from tests.plan.helpers import group, live, rule, stack, state

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
SCHEMA = json.loads((ROOT / "docs" / "plan.schema.json").read_text())


def shop(options: PlanOptions | None = None):
    desired = load_stack(DATA / "shop" / "stack.json")
    current = snapshot.read(DATA / "shop" / "state.json")
    return desired, current, options or PlanOptions()


def plan_of(desired, current, options, sources=("tests/data/shop/state.json",)):
    plan = plan_stack(desired, current, options, list(sources))
    attach_effects(plan, current)
    return plan


def brownfield_sync():
    return plan_of(*shop())


def brownfield_additive():
    return plan_of(*shop(PlanOptions(mode="additive")))


def empty():
    desired, current, options = shop()
    after = apply_plan(plan_stack(desired, current, options), current)
    return plan_of(desired, after, options)


def blocked():
    desired = stack(
        group("prod-web-app-sg", rule("in tcp 443 0.0.0.0/0", description="public web")),
        group("prod-fw-app-sg", rule("in tcp 22 10.0.0.0/8")),
    )
    current = state(
        live("sg-web", "prod-web-app-sg", rule("in tcp 443 0.0.0.0/0"), *(rule(f"in tcp {p} 10.0.0.0/8") for p in (1, 2, 3)),
             rule("in tcp 22 sg-old")),
        live("sg-fw", "prod-fw-app-sg", live={"service_managed": True, "service_id": "cloudfw"}),
        live("sg-old", "prod-old-app-sg", rule("in tcp 21 0.0.0.0/0"), live={"nic_count": 2, "deletion_protection": True}),
    )  # fmt: skip
    return plan_of(desired, current, PlanOptions(), ["blocked-state.json"])


def restore_between_two_groups():
    a = load_current(DATA / "api" / "pay_page1.json").state
    b = load_current([DATA / "api" / "pay_page1.json", DATA / "api" / "pay_page2.json"]).state
    plan = diff_states(
        b, a, PlanOptions(max_remove_share=1), ["pay_page1+2.json", "pay_page1.json"]
    )
    attach_effects(plan, b)
    return plan


CASES = {
    "brownfield_sync": brownfield_sync,
    "brownfield_additive": brownfield_additive,
    "empty": empty,
    "blocked": blocked,
    "restore": restore_between_two_groups,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_renderers_match_their_golden_files(name):
    plan = CASES[name]()
    check_golden(f"plan/{name}.txt", render_text(plan))
    check_golden(f"plan/{name}.md", render_markdown(plan))
    doc = render_json(plan)
    check_golden(f"plan/{name}.json", doc)
    jsonschema.validate(json.loads(doc), SCHEMA)


def test_the_golden_cases_cover_what_they_claim():
    assert not empty().has_changes and "No changes." in render_text(empty())
    b = blocked()
    assert b.blocked and {f.name for f in b.findings} >= {
        "managed-group",
        "delete-attached",
        "delete-protected",
        "destroy",
    }
    assert brownfield_additive().drifted and not brownfield_additive().counts[2]
    assert "\033[" in render_text(brownfield_sync(), colour=True)
    assert "\033[" not in render_text(brownfield_sync())
