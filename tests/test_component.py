"""The SecurityGroupStack component on its own: adoption, peers of every kind, refusals,
and the naming properties (order changes nothing; a description edit changes only that
rule's description inside its group's RuleSet)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pulumi_runtime import GROUP, PREFIX_LIST, ROOT, RULESET, Run, run

import sgplan as s
from modules.component import SecurityGroupStack, SecurityGroupStackArgs
from sgplan.formats.resource_ids import Adoption
from sgplan.load import load_stack
from sgplan.model.issues import StackInvalid
from sgplan.model.stack import Stack
from sgplan.provider.inputs import rule_name

STACKS = {name: load_stack(name, ROOT) for name in ("dev", "staging", "prod")}


def apply(stack: Stack, adopt: Adoption | None = None, record: Run | None = None) -> Run:
    args = SecurityGroupStackArgs(stack, adopt=adopt or Adoption())
    return run(lambda: SecurityGroupStack(stack.name, args), stack="test", config={}, run_=record)


def mixed() -> Stack:
    return s.define_stack("mixed", "cn-hangzhou", vpc_id="vpc-1", prefix_lists=[
        s.prefix_list_of("mixed-office-nets", ["10.8.0.0/16"], max_entries=5),
    ], groups=[
        s.security_group("mixed-web-app-sg", "web", id="sg-pinned", rules=[
            s.ingress(s.svc.HTTPS, from_="2001:db8::/32"),
            s.ingress(s.svc.SSH, from_=s.prefix_list("mixed-office-nets")),
            s.ingress(s.svc.HTTP, from_="pl-bp1shared"),
            s.egress(s.svc.MYSQL, to=s.group_id("sg-bp1peer", "1234567")),
            s.egress("gre", to="10.9.0.0/16", description="tunnel"),
        ]),
        s.security_group("mixed-vault-app-sg", "vault", type="enterprise", rules=[
            s.ingress(s.svc.HTTPS, from_="10.0.0.0/8"),
        ]),
    ])  # fmt: skip


def test_every_peer_kind_is_wired_or_passed_through_into_the_rule_set():
    stack = mixed()
    record = apply(stack)
    sets, groups, lists = record.named(RULESET), record.named(GROUP), record.named(PREFIX_LIST)
    web = stack.group("mixed-web-app-sg")
    rules = sets["mixed-web-app-sg"].inputs["rules"]
    peers = {rules[rule_name(r)]["peer"] for r in web.rules}
    assert peers == {"2001:db8::/32", lists["mixed-office-nets"].id, "pl-bp1shared",
                     "1234567/sg-bp1peer", "10.9.0.0/16"}  # fmt: skip
    assert sets["mixed-web-app-sg"].inputs["groupId"] == groups["mixed-web-app-sg"].id


def test_enterprise_groups_get_no_inner_access_policy():
    groups = apply(mixed()).named(GROUP)
    assert "innerAccessPolicy" not in groups["mixed-vault-app-sg"].inputs
    assert groups["mixed-web-app-sg"].inputs["innerAccessPolicy"] == "Accept"


def test_adoption_imports_and_retains_groups_and_lists_and_creates_the_rest():
    stack = mixed()
    record = apply(stack, Adoption(prefix_lists={"mixed-office-nets": "pl-bp1live"}))
    groups, lists = record.named(GROUP), record.named(PREFIX_LIST)
    assert groups["mixed-web-app-sg"].import_id == "sg-pinned"  # pinned with id
    assert groups["mixed-vault-app-sg"].import_id is None
    assert lists["mixed-office-nets"].import_id == "pl-bp1live"
    assert record.options[(GROUP, "mixed-web-app-sg")].retain_on_delete is True
    assert not record.options[(GROUP, "mixed-vault-app-sg")].retain_on_delete
    assert record.options[(RULESET, "mixed-web-app-sg")].deleted_with is None
    assert record.options[(RULESET, "mixed-vault-app-sg")].deleted_with is not None


def test_additive_mode_keeps_live_tags_and_sync_mode_sets_the_stacks():
    stack = s.define_stack("tags", "cn-hangzhou", vpc_id="vpc-1", groups=[
        s.security_group("tags-web-app-sg", "web", tags={"team": "web"},
                         rules=[s.ingress(s.svc.HTTPS, from_="10.0.0.0/8")]),
    ])  # fmt: skip
    live = {"tags-web-app-sg": {"owner": "ops", "team": "old"}}
    for mode, want in (("sync", {"team": "web"}), ("additive", {"owner": "ops", "team": "web"})):
        args = SecurityGroupStackArgs(stack, mode=mode, live_tags=live)
        record = run(lambda a=args: SecurityGroupStack("tags", a), stack="t", config={})
        assert record.named(GROUP)["tags-web-app-sg"].inputs["tags"] == want
        assert record.named(RULESET)["tags-web-app-sg"].inputs["mode"] == mode


def test_long_entry_descriptions_are_refused_by_name():
    stack = s.define_stack("bad", "cn-hangzhou", vpc_id="vpc-1", prefix_lists=[
        s.prefix_list_of("bad-office-nets", [{"cidr": "10.8.0.0/16", "description": "x" * 40}],
                         max_entries=5),
    ], groups=[s.security_group("bad-web-app-sg", "web", rules=[
        s.ingress(s.svc.HTTPS, from_="10.0.0.0/8")])])  # fmt: skip
    record = Run([])
    with pytest.raises(StackInvalid) as exc:
        apply(stack, record=record)
    assert [str(i) for i in exc.value.issues] == [
        "stack bad, prefix list bad-office-nets: entry 10.8.0.0/16 has a 40-character "
        "description; pulumi-alicloud allows 2-32"
    ]
    assert record.resources == []


# -- naming properties ---------------------------------------------------------------------------


def resources_by_name(stack: Stack) -> dict[tuple[str, str], dict]:
    return {(r.type, r.name): r.inputs for r in apply(stack).resources}


BASELINE = {name: resources_by_name(stack) for name, stack in STACKS.items()}


@st.composite
def shuffled(draw: st.DrawFn) -> tuple[str, Stack]:
    name = draw(st.sampled_from(sorted(STACKS)))
    stack = STACKS[name]
    groups = [
        g.model_copy(update={"rules": tuple(draw(st.permutations(g.rules)))})
        for g in draw(st.permutations(stack.groups))
    ]
    lists = draw(st.permutations(stack.prefix_lists))
    return name, stack.model_copy(update={"groups": tuple(groups), "prefix_lists": tuple(lists)})


@settings(max_examples=12, deadline=None)
@given(shuffled())
def test_reordering_groups_and_rules_changes_no_resource(case):
    name, stack = case
    assert resources_by_name(stack) == BASELINE[name]


@st.composite
def redescribed(draw: st.DrawFn) -> tuple[str, Stack, str, str]:
    name = draw(st.sampled_from(sorted(STACKS)))
    stack = STACKS[name]
    gi = draw(st.integers(0, len(stack.groups) - 1))
    grp = stack.groups[gi]
    ri = draw(st.integers(0, len(grp.rules) - 1))
    rule = grp.rules[ri]
    text = draw(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                        min_size=1, max_size=60).filter(lambda t: t != rule.description))  # fmt: skip
    rules = list(grp.rules)
    rules[ri] = rule.with_(description=text)
    groups = list(stack.groups)
    groups[gi] = grp.model_copy(update={"rules": tuple(rules)})
    changed = stack.model_copy(update={"groups": tuple(groups)})
    return name, s.build_stack(changed), grp.logical_name, rule_name(rule)


@settings(max_examples=12, deadline=None)
@given(redescribed())
def test_changing_a_description_changes_that_input_only_never_a_name(case):
    name, stack, group, changed_rule = case
    after, before = resources_by_name(stack), BASELINE[name]
    assert after.keys() == before.keys()
    differing = [k for k in before if after[k] != before[k]]
    assert differing == [(RULESET, group)]
    old, new = before[differing[0]]["rules"], after[differing[0]]["rules"]
    assert old.keys() == new.keys()
    assert [n for n in old if old[n] != new[n]] == [changed_rule]
    diff = {k for k in old[changed_rule].keys() | new[changed_rule].keys()
            if old[changed_rule].get(k) != new[changed_rule].get(k)}  # fmt: skip
    assert diff == {"description"}
