"""The planner: keyed set differences, modes, matching, refusals, gates and order."""

from __future__ import annotations

import pytest

from sgplan.model.issues import StackInvalid
from sgplan.plan import PlanOptions, apply_plan, plan_stack

from .helpers import group, live, rule, stack, state

WEB = "prod-web-app-sg"
DB = "prod-db-app-sg"


def texts(rules):
    return sorted(r.text() for r in rules)


def test_adds_removes_and_adopts_by_identity():
    desired = stack(group(WEB, rule("in tcp 443 0.0.0.0/0"), rule("in tcp 80 0.0.0.0/0")))
    current = state(
        live(
            "sg-1",
            WEB,
            rule("in tcp 443 0.0.0.0/0", rule_id="sgr-1"),
            rule("in tcp 22 0.0.0.0/0 p100"),
        )
    )
    plan = plan_stack(desired, current)
    (g,) = plan.groups
    assert g.action == "update"
    assert texts(g.add) == ["ingress accept tcp 80 from 0.0.0.0/0 priority 1"]
    assert texts(g.remove) == ["ingress accept tcp 22 from 0.0.0.0/0 priority 100"]
    assert [live.rule_id for _, live in g.adopt_pairs] == ["sgr-1"]
    assert plan.counts == (1, 0, 1)


def test_description_only_change_is_an_update_in_place():
    desired = stack(group(WEB, rule("in tcp 443 0.0.0.0/0", description="public web")))
    current = state(live("sg-1", WEB, rule("in tcp 443 0.0.0.0/0", description="https")))
    (g,) = plan_stack(desired, current).groups
    assert g.add == [] and g.remove == []
    assert [(c.live.description, c.rule.description) for c in g.update] == [("https", "public web")]


def test_group_name_peers_resolve_to_the_matched_live_ids():
    desired = stack(group(WEB), group(DB, rule("in tcp 3306 group:" + WEB)))
    current = state(live("sg-web", WEB), live("sg-db", DB, rule("in tcp 3306 sg-web")))
    plan = plan_stack(desired, current)
    assert not plan.has_changes
    assert plan.adopted == 1


def test_a_group_not_yet_created_is_known_after_apply():
    desired = stack(group(WEB), group(DB, rule("in tcp 3306 group:" + WEB)))
    plan = plan_stack(desired, state())
    assert [g.action for g in plan.groups] == ["create", "create"]
    assert plan.groups[1].label == f"{DB} (known after apply)"


def test_additive_mode_keeps_and_reports_drift():
    desired = stack(group(WEB, rule("in tcp 443 0.0.0.0/0")))
    current = state(live("sg-1", WEB, rule("in tcp 22 1.2.3.4")))
    (g,) = plan_stack(desired, current, PlanOptions(mode="additive")).groups
    assert g.remove == []
    assert texts(g.drift) == ["ingress accept tcp 22 from 1.2.3.4/32 priority 1"]
    assert texts(g.add) == ["ingress accept tcp 443 from 0.0.0.0/0 priority 1"]


def test_additive_mode_does_not_remove_extra_tags_or_groups():
    desired = stack(group(WEB, tags={"env": "prod"}))
    current = state(
        live("sg-1", WEB, tags={"env": "prod", "cost": "42"}), live("sg-2", "prod-old-app-sg")
    )
    plan = plan_stack(desired, current, PlanOptions(mode="additive"))
    assert plan.groups[0].attributes == []
    assert plan.groups[1].action == "ignored"
    sync = plan_stack(desired, current)
    assert [(a.field, a.before, a.after) for a in sync.groups[0].attributes] == [
        ("tags.cost", "42", None)
    ]
    assert sync.groups[1].action == "delete"


def test_attributes_are_compared_field_by_field():
    desired = stack(
        group(WEB, description="new words", inner_access_policy="drop", tags={"env": "prod"})
    )
    current = state(live("sg-1", WEB, description="old words", tags={"env": "dev"}))
    (g,) = plan_stack(desired, current).groups
    assert [(a.field, a.before, a.after) for a in g.attributes] == [
        ("description", "old words", "new words"),
        ("inner_access_policy", "accept", "drop"),
        ("tags.env", "dev", "prod"),
    ]


def test_matching_by_pinned_id_and_its_errors():
    desired = stack(group(WEB, id="sg-9"))
    with pytest.raises(StackInvalid, match="is pinned to sg-9, which is not in the current state"):
        plan_stack(desired, state(live("sg-1", WEB)))
    twice = state(live("sg-1", WEB), live("sg-2", WEB))
    with pytest.raises(
        StackInvalid,
        match=r"matches 2 live groups named prod-web-app-sg .* \(sg-1, sg-2\); pin one with id",
    ):
        plan_stack(stack(group(WEB)), twice)
    renamed = plan_stack(stack(group("prod-www-app-sg", id="sg-1")), state(live("sg-1", WEB)))
    assert [(a.field, a.before, a.after) for a in renamed.groups[0].attributes][-1] == (
        "name",
        WEB,
        "prod-www-app-sg",
    )


def test_same_name_in_another_vpc_is_not_a_match():
    plan = plan_stack(stack(group(WEB)), state(live("sg-1", WEB, vpc_id="vpc-other")))
    assert [g.action for g in plan.groups] == ["create", "delete"]


def test_type_change_is_a_replacement_behind_the_destroy_gate():
    desired = stack(group(WEB, id="sg-1", type="enterprise"))
    plan = plan_stack(desired, state(live("sg-1", WEB, rule("in tcp 1 1.2.3.4"))))
    assert plan.groups[0].action == "replace"
    assert plan.blocked
    assert [f.name for f in plan.findings] == ["destroy"]
    assert not plan_stack(
        desired, state(live("sg-1", WEB)), PlanOptions(allow_destroy=True)
    ).blocked


def test_service_managed_groups_are_read_only():
    managed = live(
        "sg-m",
        WEB,
        rule("in all 10.0.0.0/8"),
        live={"service_managed": True, "service_id": "cloudfw"},
    )
    plan = plan_stack(stack(group(WEB, rule("in tcp 22 1.2.3.4"))), state(managed))
    assert plan.groups[0].action == "read-only"
    (finding,) = plan.findings
    assert (finding.kind, finding.name) == ("refusal", "managed-group")
    assert "InvalidOperation.ResourceManagedByCloudProduct" in finding.message
    alone = plan_stack(stack(), state(managed))
    assert alone.groups[0].action == "read-only" and not alone.findings


@pytest.mark.parametrize(
    ("fields", "extra", "name", "message"),
    [
        (
            {"live": {"nic_count": 3}},
            {},
            "delete-attached",
            "cannot be deleted while attached to 3 NICs",
        ),
        (
            {},
            {"members": [{"nic": "eni-1", "groups": ["sg-old"]}]},
            "delete-attached",
            "attached to 1 NIC;",
        ),
        (
            {"live": {"deletion_protection": True}},
            {},
            "delete-protected",
            "InvalidOperation.DeletionProtection",
        ),
        (
            {"live": {"referenced_by": ["sg-x"]}},
            {},
            "delete-referenced",
            "rules of sg-x refer to it",
        ),
    ],
)
def test_deletion_refusals(fields, extra, name, message):
    current = state(live("sg-old", "prod-old-app-sg", **fields), **extra)
    plan = plan_stack(stack(), current, PlanOptions(allow_destroy=True))
    refusal = [f for f in plan.findings if f.kind == "refusal"]
    assert [f.name for f in refusal] == [name]
    assert message in refusal[0].message
    assert plan.blocked


def test_deleting_a_group_another_rule_still_uses_is_refused():
    desired = stack(group(WEB, rule("in tcp 22 sg-old")))
    current = state(live("sg-1", WEB, rule("in tcp 22 sg-old")), live("sg-old", "prod-old-app-sg"))
    plan = plan_stack(desired, current, PlanOptions(allow_destroy=True))
    assert [f.message for f in plan.findings if f.kind == "refusal"] == [
        f"cannot be deleted while rules of {WEB} refer to it; remove those rules first"
    ]


def test_groups_outside_the_scope_are_left_alone():
    plan = plan_stack(stack(), state(live("sg-x", "shared-tools-sg")))
    assert plan.groups[0].action == "ignored"
    assert not plan.has_changes


def test_remove_share_gate():
    current = state(live("sg-1", WEB, *(rule(f"in tcp {p} 1.2.3.4") for p in (1, 2, 3, 4))))
    desired = stack(group(WEB, rule("in tcp 1 1.2.3.4")))
    plan = plan_stack(desired, current)
    gate = [f for f in plan.findings if f.name == "remove-share"]
    assert gate and gate[0].message.startswith(
        "removes 3 of its 4 rules (75%); allowed: at most 50%"
    )
    assert plan.blocked
    assert not plan_stack(desired, current, PlanOptions(max_remove_share=0.8)).blocked


def test_no_ingress_gate():
    current = state(live("sg-1", WEB, rule("in tcp 443 0.0.0.0/0"), rule("out tcp 443 0.0.0.0/0")))
    desired = stack(group(WEB, rule("out tcp 443 0.0.0.0/0")))
    plan = plan_stack(desired, current, PlanOptions(max_remove_share=1))
    assert [f.name for f in plan.findings] == ["no-ingress"]
    assert plan.blocked
    assert not plan_stack(
        desired, current, PlanOptions(max_remove_share=1, allow_no_ingress=True)
    ).blocked


def test_resulting_group_over_the_limits_is_refused():
    # additive mode keeps 150 live rules; adding 60 more breaks the 200-rule quota
    current = state(live("sg-1", WEB, *(rule(f"in tcp {p} 1.2.3.4") for p in range(1, 151))))
    desired = stack(group(WEB, *(rule(f"in tcp {p} 5.6.7.8") for p in range(1, 61))))
    plan = plan_stack(desired, current, PlanOptions(mode="additive"))
    assert [f.name for f in plan.findings] == ["limit-rules"]
    assert "would hold 210 rules" in plan.findings[0].message


def test_nic_rule_total_is_checked_after_the_plan():
    names = [f"prod-g{i}-app-sg" for i in range(6)]
    current = state(
        *(
            live(f"sg-{i}", n, *(rule(f"in tcp {p} 1.2.3.4") for p in range(1, 161)))
            for i, n in enumerate(names)
        ),
        members=[{"nic": "eni-1", "groups": [f"sg-{i}" for i in range(6)]}],
    )
    desired = stack(
        *(group(n, *(rule(f"in tcp {p} 1.2.3.4") for p in range(1, 171))) for n in names)
    )
    plan = plan_stack(desired, current)
    assert [f.name for f in plan.findings] == ["limit-nic-rules"]
    assert (
        plan.findings[0].message
        == "NIC eni-1 would carry 1020 rules across its groups; allowed: at most 1000"
    )


def test_steps_put_additions_before_removals():
    desired = stack(group(WEB, rule("in tcp 443 0.0.0.0/0")), group(DB))
    current = state(
        live("sg-1", WEB, rule("in tcp 80 0.0.0.0/0")), live("sg-old", "prod-old-app-sg")
    )
    plan = plan_stack(desired, current, PlanOptions(allow_destroy=True, max_remove_share=1))
    actions = [s.action for s in plan.steps()]
    assert actions == ["create-group", "add-rules", "remove-rules", "delete-group"]


def test_prefix_lists_are_planned_too():
    lists = [{"name": "prod-office", "max_entries": 5, "entries": ["10.0.0.0/8", "11.0.0.0/8"]}]
    current = state(
        prefix_lists=[
            {
                "id": "pl-1",
                "name": "prod-office",
                "max_entries": 5,
                "entries": ["10.0.0.0/8", "12.0.0.0/8"],
            }
        ]
    )
    plan = plan_stack(stack(prefix_lists=lists), current)
    (p,) = plan.prefix_lists
    assert (p.action, p.add_entries, p.remove_entries) == ("update", ["11.0.0.0/8"], ["12.0.0.0/8"])
    resized = plan_stack(stack(prefix_lists=[{**lists[0], "max_entries": 6}]), current)
    assert resized.prefix_lists[0].action == "replace"


def test_prefix_list_peers_resolve_to_live_ids():
    lists = [{"name": "prod-office", "max_entries": 5, "entries": ["10.0.0.0/8"]}]
    current = state(live("sg-1", WEB, rule("in tcp 22 pl-1")),
                    prefix_lists=[{"id": "pl-1", "name": "prod-office", "max_entries": 5, "entries": ["10.0.0.0/8"]}])  # fmt: skip
    plan = plan_stack(
        stack(group(WEB, rule("in tcp 22 prefix-list:prod-office")), prefix_lists=lists), current
    )
    assert not plan.has_changes


def test_apply_then_plan_is_empty_in_both_modes():
    desired = stack(
        group(WEB, rule("in tcp 443 0.0.0.0/0"), tags={"a": "b"}),
        group(DB, rule("in tcp 3306 group:" + WEB)),
    )
    current = state(live("sg-1", WEB, rule("in tcp 22 1.2.3.4"), tags={"c": "d"}))
    for mode in ("sync", "additive"):
        options = PlanOptions(mode=mode)
        first = plan_stack(desired, current, options)
        assert first.has_changes
        after = apply_plan(first, current)
        assert not plan_stack(desired, after, options).has_changes
