"""Planner invariants on random estates (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sgplan.model.build import build_stack, build_state
from sgplan.plan import PlanOptions, apply_plan, plan_stack
from sgplan.render import plan_document, render_json

VPC = "vpc-prop1"
NAMES = ["prod-g0-app-sg", "prod-g1-app-sg", "prod-g2-app-sg"]
IDS = {n: f"sg-g{i}" for i, n in enumerate(NAMES)}
V4 = ["0.0.0.0/0", "10.0.0.0/8", "192.168.1.0/24", "1.2.3.4/32"]
V6 = ["::/0", "2001:db8::/32"]
# equivalent spellings of the same values, to check the plan ignores them
SPELL = {"1.2.3.4/32": "1.2.3.4", "10.0.0.0/8": "10.9.8.7/8", "2001:db8::/32": "2001:DB8:0::/32",
         "tcp": "TCP", "udp": "Udp", "all": "ALL", "icmp": "ICMP", "accept": "Accept", "drop": "DROP"}  # fmt: skip

rules = st.fixed_dictionaries(
    {
        "direction": st.sampled_from(["ingress", "egress"]),
        "protocol": st.sampled_from(["tcp", "udp", "icmp", "all"]),
        "ports": st.sampled_from(["22", "80", "443", "1000-2000"]),
        "peer": st.sampled_from([*V4, *V6, "group:0", "group:1", "group:2"]),
        "priority": st.sampled_from([1, 50, 100]),
        "policy": st.sampled_from(["accept", "drop"]),
        "description": st.sampled_from([None, "a", "b"]),
    }
)


def _fix(rule: dict, live: bool) -> dict | None:
    r = dict(rule)
    if r["protocol"] not in ("tcp", "udp"):
        del r["ports"]
    if r["protocol"] == "icmp" and ":" in r["peer"]:
        return None
    if r["peer"].startswith("group:"):
        name = NAMES[int(r["peer"][6:])]
        r["peer"] = IDS[name] if live else f"group:{name}"
    if r["description"] is None:
        del r["description"]
    return r


def _unique(items: list[dict], live: bool) -> list[dict]:
    out, seen = [], set()
    for item in items:
        r = _fix(item, live)
        if r is None:
            continue
        key = tuple(sorted((k, str(v)) for k, v in r.items() if k != "description"))
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


estates = st.tuples(
    st.lists(
        st.tuples(st.sampled_from(range(3)), st.lists(rules, max_size=8)),
        max_size=3,
        unique_by=lambda x: x[0],
    ),
    st.lists(
        st.tuples(st.sampled_from(range(3)), st.lists(rules, max_size=8)),
        max_size=3,
        unique_by=lambda x: x[0],
    ),
)


def build(estate, spell=False):
    desired_groups, live_groups = estate
    stack_groups = []
    for i, items in sorted(desired_groups):
        rs = _unique(items, live=False)
        if spell:
            rs = [
                {k: SPELL.get(v, v) if isinstance(v, str) else v for k, v in r.items()} for r in rs
            ]
        stack_groups.append({"name": NAMES[i], "description": "group", "rules": rs})
    # group peers need their group in the stack: add any referenced group, empty
    present = {g["name"] for g in stack_groups}
    wanted = {
        r["peer"][6:]
        for g in stack_groups
        for r in g["rules"]
        if str(r["peer"]).startswith("group:")
    }
    stack_groups += [{"name": n, "description": "group"} for n in sorted(wanted - present)]
    stack = build_stack(
        {"name": "prod", "region": "cn-hangzhou", "vpc_id": VPC, "groups": stack_groups}
    )
    state = build_state({"region": "cn-hangzhou", "groups": [
        {"id": IDS[NAMES[i]], "name": NAMES[i], "description": "group", "vpc_id": VPC, "rules": _unique(items, live=True)}
        for i, items in sorted(live_groups)]})  # fmt: skip
    return stack, state


OPTIONS = [PlanOptions(mode="sync", max_remove_share=1, allow_destroy=True, allow_no_ingress=True),
           PlanOptions(mode="additive")]  # fmt: skip
FAST = settings(max_examples=60, deadline=None)


@FAST
@given(estates, st.sampled_from(OPTIONS))
def test_applying_a_plan_leaves_nothing_to_do(estate, options):
    stack, state = build(estate)
    after = apply_plan(plan_stack(stack, state, options), state)
    again = plan_stack(stack, after, options)
    assert not again.has_changes, render_json(again)


def _normal(plan) -> dict:
    """The plan document with group blocks sorted (they follow the stack's group order)."""
    doc = plan_document(plan)
    doc["groups"].sort(key=lambda g: (g["name"], g["id"] or ""))
    doc["steps"] = sorted((s["action"], s["target"], s["count"]) for s in doc["steps"])
    doc["findings"].sort(key=lambda f: (f["group"] or "", f["name"]))
    return doc


@FAST
@given(estates, st.sampled_from(OPTIONS), st.randoms(use_true_random=False))
def test_plans_do_not_depend_on_rule_or_group_order(estate, options, rnd):
    stack, state = build(estate)

    def shuffled(groups):
        out = []
        for g in groups:
            rs = list(g.rules)
            rnd.shuffle(rs)
            out.append(g.model_copy(update={"rules": tuple(rs)}))
        rnd.shuffle(out)
        return tuple(out)

    stack2 = stack.model_copy(update={"groups": shuffled(stack.groups)})
    state2 = state.model_copy(update={"groups": shuffled(state.groups)})
    assert _normal(plan_stack(stack, state, options)) == _normal(
        plan_stack(stack2, state2, options)
    )


@FAST
@given(estates, st.sampled_from(OPTIONS))
def test_plans_ignore_letter_case_and_equivalent_cidr_spellings(estate, options):
    plain = plan_stack(*build(estate), options)
    spelled = plan_stack(*build(estate, spell=True), options)
    assert render_json(plain) == render_json(spelled)


@FAST
@given(estates)
def test_additive_never_removes(estate):
    plan = plan_stack(*build(estate), PlanOptions(mode="additive"))
    assert all(not g.remove and g.action not in ("delete", "replace") for g in plan.groups)
    assert plan.counts[2] == 0


@FAST
@given(estates, st.randoms(use_true_random=False))
def test_description_only_changes_are_updates(estate, rnd):
    stack, state = build(estate)
    options = OPTIONS[0]
    synced = apply_plan(plan_stack(stack, state, options), state)
    groups = []
    for g in stack.groups:
        rs = [r.model_copy(update={"description": rnd.choice(["x", "y", None])}) for r in g.rules]
        groups.append(g.model_copy(update={"rules": tuple(rs)}))
    plan = plan_stack(stack.model_copy(update={"groups": tuple(groups)}), synced, options)
    for g in plan.groups:
        assert not g.add and not g.remove
        for change in g.update:
            assert (
                change.rule.key != change.live.key
                or change.rule.description != change.live.description
            )
