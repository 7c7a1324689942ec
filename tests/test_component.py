"""The SecurityGroupStack component on its own: adoption, peers of every kind, refusals,
and the naming properties (order and descriptions never change a resource name)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pulumi_runtime import GROUP, ROOT, RULE, Run, run

import sgplan as s
from modules.component import SecurityGroupStack, SecurityGroupStackArgs
from sgplan.formats.resource_ids import Adoption, rule_import_id, rule_resource_name
from sgplan.load import load_stack
from sgplan.model.issues import StackInvalid
from sgplan.model.stack import Stack

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


def test_every_peer_kind_becomes_exactly_one_provider_field():
    st_ = mixed()
    rules = apply(st_).named(RULE)
    web = st_.group("mixed-web-app-sg")
    by_text = {r.text(): rules[rule_resource_name(web.logical_name, r)].inputs for r in web.rules}
    peer_fields = {
        text: {k: v for k, v in inputs.items() if k in (
            "cidrIp", "ipv6CidrIp", "sourceSecurityGroupId", "sourceGroupOwnerId", "prefixListId")}
        for text, inputs in by_text.items()
    }  # fmt: skip
    assert peer_fields["ingress accept tcp 443 from 2001:db8::/32 priority 1"] == {
        "ipv6CidrIp": "2001:db8::/32"
    }
    assert peer_fields["ingress accept tcp 80 from pl-bp1shared priority 1"] == {
        "prefixListId": "pl-bp1shared"
    }
    assert peer_fields["egress accept tcp 3306 to 1234567/sg-bp1peer priority 1"] == {
        "sourceSecurityGroupId": "sg-bp1peer",
        "sourceGroupOwnerId": "1234567",
    }
    assert peer_fields["ingress accept tcp 22 from prefix-list:mixed-office-nets priority 1"][
        "prefixListId"].startswith("pl-")  # fmt: skip
    gre = by_text["egress accept gre to 10.9.0.0/16 priority 1"]
    assert (gre["portRange"], gre["description"]) == ("-1/-1", "tunnel")


def test_enterprise_groups_get_no_inner_access_policy():
    groups = apply(mixed()).named(GROUP)
    assert groups["mixed-vault-app-sg"].inputs["securityGroupType"] == "enterprise"
    assert "innerAccessPolicy" not in groups["mixed-vault-app-sg"].inputs
    assert groups["mixed-web-app-sg"].inputs["innerAccessPolicy"] == "Accept"


def test_adoption_imports_groups_prefix_lists_and_rules_and_creates_the_rest():
    st_ = mixed()
    web = st_.group("mixed-web-app-sg")
    adopted = web.rules[0]
    adopt = Adoption(
        groups={"mixed-vault-app-sg": "sg-live-vault"},
        prefix_lists={"mixed-office-nets": "pl-live"},
        rules={(web.logical_name, adopted.key): rule_import_id("sg-pinned", adopted)},
    )
    result = apply(st_, adopt)
    imports = {r.name: r.import_id for r in result.resources if r.import_id}
    assert imports == {
        "mixed-web-app-sg": "sg-pinned",
        "mixed-vault-app-sg": "sg-live-vault",
        "mixed-office-nets": "pl-live",
        rule_resource_name(web.logical_name, adopted): (
            "sg-pinned:ingress:tcp:443/443:intranet:2001_db8__/32:accept:1"
        ),
    }
    ssh = result.named(RULE)[rule_resource_name(web.logical_name, web.rules[1])]
    assert ssh.inputs["prefixListId"] == "pl-live" and ssh.inputs["securityGroupId"] == "sg-pinned"


def test_adoption_that_does_not_fit_registers_nothing():
    st_ = mixed()
    vault = st_.group("mixed-vault-app-sg")
    adopt = Adoption(rules={(vault.logical_name, vault.rules[0].key): "sg-x:whatever"})
    record = Run([])
    with pytest.raises(StackInvalid) as exc:
        apply(st_, adopt, record)
    assert [str(i) for i in exc.value.issues] == [
        "stack mixed, group mixed-vault-app-sg, rule 1 `ingress accept tcp 443 from 10.0.0.0/8 "
        "priority 1`: adopts a rule of a group that is created, not adopted; adopt the group "
        "too (or adopt none of its rules)"
    ]
    assert record.resources == []


def test_five_tuple_rules_and_long_entry_descriptions_are_refused_by_name():
    st_ = s.define_stack("t", "cn-hangzhou", vpc_id="vpc-1", prefix_lists=[
        s.prefix_list_of("t-office-nets", [{"cidr": "10.8.0.0/16", "description": "x" * 40}], max_entries=5),
    ], groups=[
        s.security_group("t-web-app-sg", "web", rules=[
            s.ingress(s.svc.HTTPS, from_="0.0.0.0/0"),
            s.ingress(s.svc.SSH, from_="10.0.0.0/8", local_cidr="192.168.1.0/24"),
            s.egress(s.svc.DNS, to="10.0.0.2", source_ports="1024-65535", local_cidr="192.168.1.0/24"),
        ]),
    ])  # fmt: skip
    record = Run([])
    with pytest.raises(StackInvalid) as exc:
        apply(st_, record=record)
    assert [str(i) for i in exc.value.issues] == [
        "stack t, group t-web-app-sg, rule 2 `ingress accept tcp 22 from 10.0.0.0/8 local "
        "192.168.1.0/24 priority 1`: uses local_cidr (the API's 5-tuple fields), which "
        "pulumi-alicloud's SecurityGroupRule cannot hold; remove them or apply this rule "
        "outside Pulumi",
        *(
            f"stack t, group t-web-app-sg, rule {n} `egress accept {p} 53 source-ports 1024-65535 "
            "to 10.0.0.2/32 local 192.168.1.0/24 priority 1`: uses source_ports and local_cidr "
            "(the API's 5-tuple fields), which pulumi-alicloud's SecurityGroupRule cannot hold; "
            "remove them or apply this rule outside Pulumi"
            for n, p in ((3, "udp"), (4, "tcp"))
        ),
        "stack t, prefix list t-office-nets: entry 10.8.0.0/16 has a 40-character description; "
        "pulumi-alicloud allows 2-32",
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
def redescribed(draw: st.DrawFn) -> tuple[str, Stack, str]:
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
    return name, s.build_stack(changed), rule_resource_name(grp.logical_name, rule)


@settings(max_examples=12, deadline=None)
@given(redescribed())
def test_changing_a_description_changes_that_input_only_never_a_name(case):
    name, stack, changed_name = case
    after, before = resources_by_name(stack), BASELINE[name]
    assert after.keys() == before.keys()
    differing = [k for k in before if after[k] != before[k]]
    assert differing == [(RULE, changed_name)]
    diff = {k for k in before[differing[0]].keys() | after[differing[0]].keys()
            if before[differing[0]].get(k) != after[differing[0]].get(k)}  # fmt: skip
    assert diff == {"description"}
