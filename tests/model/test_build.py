"""Building stacks: expansion conveniences, and every whole-stack rule with its exact message."""

from __future__ import annotations

import copy

import pytest

import sgplan as s
from sgplan.model.build import build_stack, build_state
from sgplan.model.issues import StackInvalid

VPC = "vpc-test1"


def stack(*groups, **extra):
    data = {"name": "prod", "region": "cn-hangzhou", "vpc_id": VPC, "groups": list(groups)}
    data.update(extra)
    return data


def grp(name="prod-web-app-sg", rules=(), **fields):
    return {"name": name, "description": "a test group", "rules": list(rules), **fields}


def rule(**fields):
    base = {"direction": "ingress", "protocol": "tcp", "ports": 443, "peer": "10.0.0.0/8"}
    base.update(fields)
    return base


def messages(data):
    with pytest.raises(StackInvalid) as exc:
        build_stack(data)
    return [str(i) for i in exc.value.issues]


def one(data):
    found = messages(data)
    assert len(found) == 1, found
    return found[0]


# -- conveniences ----------------------------------------------------------------------------


def test_services_ports_and_peers_expand_to_one_rule_each():
    built = s.define_stack("prod", "cn-hangzhou", vpc_id=VPC, groups=[
        s.security_group("prod-web-app-sg", "web", rules=[
            s.ingress(s.svc.HTTP, s.svc.HTTPS, from_=["0.0.0.0/0", "::/0"]),
            s.ingress(s.svc.DNS, from_="10.0.0.0/8"),
            s.ingress(protocol="tcp", ports=[8080, "9000-9100"], from_="10.1.0.0/16"),
            s.ingress(protocol="tcp", ports="22/23,443/443", from_="10.2.0.0/16"),
            {"direction": "ingress", "service": ["ssh", "rdp"], "peer": ["1.2.3.4", "5.6.7.8"]},
        ]),
    ])  # fmt: skip
    texts = [r.text() for r in built.groups[0].rules]
    assert texts == [
        "ingress accept tcp 80 from 0.0.0.0/0 priority 1",
        "ingress accept tcp 80 from ::/0 priority 1",
        "ingress accept tcp 443 from 0.0.0.0/0 priority 1",
        "ingress accept tcp 443 from ::/0 priority 1",
        "ingress accept udp 53 from 10.0.0.0/8 priority 1",
        "ingress accept tcp 53 from 10.0.0.0/8 priority 1",
        "ingress accept tcp 8080 from 10.1.0.0/16 priority 1",
        "ingress accept tcp 9000-9100 from 10.1.0.0/16 priority 1",
        "ingress accept tcp 22-23 from 10.2.0.0/16 priority 1",
        "ingress accept tcp 443 from 10.2.0.0/16 priority 1",
        "ingress accept tcp 22 from 1.2.3.4/32 priority 1",
        "ingress accept tcp 22 from 5.6.7.8/32 priority 1",
        "ingress accept tcp 3389 from 1.2.3.4/32 priority 1",
        "ingress accept tcp 3389 from 5.6.7.8/32 priority 1",
    ]


def test_groups_inherit_the_stack_vpc_and_enterprise_defaults_to_isolation():
    built = build_stack(stack(grp(), grp("prod-ent-app-sg", type="Enterprise")))
    assert built.groups[0].vpc_id == VPC
    assert built.groups[1].type == "enterprise"
    assert built.groups[1].inner_access_policy == "drop"


def test_a_valid_stack_dump_builds_back_to_itself():
    built = build_stack(stack(grp(rules=[rule(), rule(peer="group:prod-db-app-sg", ports=3306)]),
                              grp("prod-db-app-sg")))  # fmt: skip
    again = build_stack(built.model_dump())
    assert again == built


# -- the whole-stack rules, exact text ---------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (stack(grp("p")), "stack prod, group p: group name 'p' is 1 characters long; allowed: 2-128"),
        (stack(grp("9-web-sg")), "stack prod, group 9-web-sg: group name '9-web-sg' has characters that are not allowed; allowed: a letter first, then letters, digits, colons, underscores, periods and hyphens"),
        (stack(grp("http://x-sg")), "stack prod, group http://x-sg: group name 'http://x-sg' must not start with http:// or https://"),
        (stack(grp(description="https://example.com")), "stack prod, group prod-web-app-sg: group description must not start with http:// or https://"),
        (stack(grp(description="x")), "stack prod, group prod-web-app-sg: group description is 1 characters long; allowed: 2-256"),
        (stack(grp(), grp()), "stack prod, group prod-web-app-sg: group name 'prod-web-app-sg' is used by 2 groups; names must be unique in a stack"),
        (stack(grp(type="enterprise", inner_access_policy="accept")), "stack prod, group prod-web-app-sg: enterprise groups always isolate their members; inner_access_policy must be drop (or left out)"),
        (stack(grp(network="classic", type="enterprise"), vpc_id=None), "stack prod, group prod-web-app-sg: enterprise groups are VPC-only; allowed: network vpc"),
        (stack(grp(), vpc_id=None), "stack prod, group prod-web-app-sg: VPC group has no vpc_id; set vpc_id on the group or on the stack"),
        (stack(grp(network="classic", vpc_id="vpc-x")), "stack prod, group prod-web-app-sg: classic-network group has vpc_id vpc-x; allowed: network vpc with a vpc_id, or classic without"),
        (stack(grp(live={"service_managed": True})), "stack prod, group prod-web-app-sg: live facts (live:) are read from the cloud and cannot be declared in a stack"),
        (stack(grp(rules=[rule(), rule(description="again")])), "stack prod, group prod-web-app-sg, rule 2 `ingress accept tcp 443 from 10.0.0.0/8 priority 1`: duplicates rule 1 (same identity; only the description may differ and the cloud would keep one rule); remove one"),
        (stack(grp(rules=[rule(nic_type="internet")])), "stack prod, group prod-web-app-sg, rule 1 `ingress accept tcp 443 from 10.0.0.0/8 priority 1 nic internet`: VPC groups use one rule for public and private traffic; nic_type must be intranet (or left out)"),
        (stack(grp(rules=[rule(peer="group:prod-nope-app-sg")])), "stack prod, group prod-web-app-sg, rule 1 `ingress accept tcp 443 from group:prod-nope-app-sg priority 1`: peer group:prod-nope-app-sg names a group that is not in stack prod; allowed: prod-web-app-sg"),
        (stack(grp(rules=[rule(peer="prefix-list:office")])), "stack prod, group prod-web-app-sg, rule 1 `ingress accept tcp 443 from prefix-list:office priority 1`: peer prefix-list:office names a prefix list that is not in stack prod; allowed: none defined"),
        (stack(grp(rules=[rule(peer="group:prod-ent-app-sg")]), grp("prod-ent-app-sg", type="enterprise")), "stack prod, group prod-web-app-sg, rule 1 `ingress accept tcp 443 from group:prod-ent-app-sg priority 1`: peer group:prod-ent-app-sg is an enterprise group; enterprise groups cannot be the peer of a rule"),
        (stack(grp("prod-ent-app-sg", type="enterprise", rules=[rule(peer="sg-abc")])), "stack prod, group prod-ent-app-sg: enterprise groups cannot hold rules whose peer is a security group (1 found); allowed: addresses or prefix lists"),
        (stack(grp(rules=[rule(peer="group:prod-db-app-sg")]), grp("prod-db-app-sg", vpc_id="vpc-other")), "stack prod, group prod-web-app-sg, rule 1 `ingress accept tcp 443 from group:prod-db-app-sg priority 1`: peer group:prod-db-app-sg is in vpc-other, this group in vpc-test1; group peers must be in the same VPC"),
        (stack(grp(rules=[rule(peer=f"sg-abc{i}") for i in range(21)])), "stack prod, group prod-web-app-sg: has 21 rules whose peer is a security group; allowed: at most 20 in a normal group"),
        (stack(grp(rules=[rule(ports=p) for p in range(1, 202)])), "stack prod, group prod-web-app-sg: uses 201 rules; allowed: at most 200 per group, ingress and egress together"),
        (stack(grp(network="classic", rules=[rule(nic_type="internet", peer="1.2.3.0/24")]), vpc_id=None), "stack prod, group prod-web-app-sg, rule 1 `ingress accept tcp 443 from 1.2.3.0/24 priority 1 nic internet`: classic internet ingress takes single addresses only, got 1.2.3.0/24; allowed: one address (or use a group)"),
        (stack(grp(network="classic", rules=[rule(peer="pl-abc")]), vpc_id=None), "stack prod, group prod-web-app-sg, rule 1 `ingress accept tcp 443 from pl-abc priority 1`: prefix lists can only be used in VPC groups"),
    ],
)  # fmt: skip
def test_whole_stack_rules(data, message):
    assert one(data) == message


def test_prefix_list_capacity_counts_against_the_group_quota():
    lists = [{"name": "office", "max_entries": 100, "entries": ["10.0.0.0/8"]},
             {"name": "partners", "max_entries": 100, "entries": ["192.168.0.0/16"]}]  # fmt: skip
    rules = [rule(peer="prefix-list:office"), rule(peer="prefix-list:partners"), rule()]
    assert one(stack(grp(rules=rules), prefix_lists=lists)) == (
        "stack prod, group prod-web-app-sg: uses 201 rules (3 rules, prefix lists counted at their "
        "max_entries); allowed: at most 200 per group, ingress and egress together"
    )


@pytest.mark.parametrize(
    ("plist", "message"),
    [
        ({"name": "office", "max_entries": 0}, "stack prod, prefix list office: max_entries 0 is out of range; allowed: 1-200 (fixed at creation)"),
        ({"name": "office", "max_entries": 1, "entries": ["10.0.0.0/8", "11.0.0.0/8"]}, "stack prod, prefix list office: holds 2 entries but max_entries is 1; allowed: at most max_entries"),
        ({"name": "office", "max_entries": 5, "entries": ["10.0.0.0/8", "10.0.0.1/8"]}, "stack prod, prefix list office: entry 10.0.0.0/8 appears more than once; entries must be unique"),
        ({"name": "office", "max_entries": 5, "entries": ["2001:db8::/32"]}, "stack prod, prefix list office: entry 2001:db8::/32 is IPv6 but the list's address_family is IPv4"),
        ({"name": "com.aliyun.x", "max_entries": 5}, "stack prod, prefix list com.aliyun.x: prefix list name 'com.aliyun.x' must not start with com.aliyun or com.alibabacloud"),
    ],
)  # fmt: skip
def test_prefix_list_rules(plist, message):
    assert one(stack(grp(), prefix_lists=[plist])) == message


def test_prefix_list_family_must_suit_the_rule():
    lists = [
        {"name": "v6nets", "address_family": "IPv6", "max_entries": 5, "entries": ["2001:db8::/32"]}
    ]
    found = one(stack(grp(rules=[rule(protocol="icmp", ports=None, peer="prefix-list:v6nets")]),
                      prefix_lists=lists))  # fmt: skip
    assert found.endswith(
        "protocol icmp is IPv4 only but prefix list v6nets is IPv6; allowed: icmpv6"
    )


def nic_stack(groups, members):
    return stack(*groups, members=members)


@pytest.mark.parametrize(
    ("groups", "member", "message"),
    [
        ([grp()], {"nic": "eni-1", "groups": ["prod-ghost-app-sg"]}, "stack prod, NIC eni-1: joins group 'prod-ghost-app-sg' which is not in stack prod; allowed: prod-web-app-sg"),
        ([grp(f"prod-g{i}-app-sg") for i in range(11)], {"nic": "eni-1", "groups": [f"prod-g{i}-app-sg" for i in range(11)]}, "stack prod, NIC eni-1: joins 11 groups; allowed: at most 10 per NIC"),
        ([grp(), grp("prod-ent-app-sg", type="enterprise")], {"nic": "eni-1", "groups": ["prod-web-app-sg", "prod-ent-app-sg"]}, "stack prod, NIC eni-1: joins normal and enterprise groups at once; a NIC can be in one kind only"),
        ([grp(), grp("prod-b-app-sg", vpc_id="vpc-b")], {"nic": "eni-1", "groups": ["prod-web-app-sg", "prod-b-app-sg"]}, "stack prod, NIC eni-1: joins groups of different networks (vpc-b, vpc-test1); a NIC's groups share one VPC"),
        ([grp(f"prod-g{i}-app-sg", rules=[rule(ports=p) for p in range(1, 168)]) for i in range(6)], {"nic": "eni-1", "groups": [f"prod-g{i}-app-sg" for i in range(6)]}, "stack prod, NIC eni-1: carries 1002 rules across its groups; allowed: at most 1000 per NIC"),
        ([grp()], {"nic": "eni-1", "groups": ["prod-web-app-sg", "prod-web-app-sg"]}, "stack prod, NIC eni-1: joins the same group twice"),
    ],
)  # fmt: skip
def test_nic_membership_rules(groups, member, message):
    assert one(nic_stack(groups, [member])) == message


def test_several_mistakes_are_reported_together_in_order():
    data = stack(
        grp("prod-web-app-sg", rules=[
            rule(ports=70000),
            rule(protocol="icmp", peer="::/0", ports=None),
            rule(priority=0, peer="group:prod-nope-app-sg"),
            rule(),
            rule(description="same rule again"),
        ]),
        grp("x", type="enterprise", inner_access_policy="accept"),
        members=[{"nic": "eni-1", "groups": ["prod-web-app-sg", "ghost"]}],
        colour="blue",
    )  # fmt: skip
    found = messages(data)
    assert found == [
        "stack prod: unknown field(s) colour; allowed: description, environment, groups, intents, members, name, port_lists, prefix_lists, region, vpc_id",
        "stack prod, group prod-web-app-sg, rule 1 `ingress tcp 70000 from 10.0.0.0/8`: port range 70000 is outside 1-65535; allowed: a port 1-65535 or a range like 1000-2000 or 1000/2000 (start <= end)",
        "stack prod, group prod-web-app-sg, rule 2 `ingress icmp from ::/0`: protocol icmp is IPv4 only but the peer is IPv6; allowed: icmpv6",
        "stack prod, group prod-web-app-sg, rule 3 `ingress tcp 443 from group:prod-nope-app-sg priority 0`: priority 0 is out of range; allowed: 1-100 (smaller is stronger)",
        "stack prod, group prod-web-app-sg, rule 5 `ingress accept tcp 443 from 10.0.0.0/8 priority 1`: duplicates rule 4 (same identity; only the description may differ and the cloud would keep one rule); remove one",
        "stack prod, group x: group name 'x' is 1 characters long; allowed: 2-128",
        "stack prod, group x: enterprise groups always isolate their members; inner_access_policy must be drop (or left out)",
        "stack prod, NIC eni-1: joins group 'ghost' which is not in stack prod; allowed: prod-web-app-sg, x",
    ]


def test_pydantic_field_errors_name_field_and_value():
    found = one(stack(grp(type="premium")))
    assert found.startswith(
        "stack prod, group prod-web-app-sg: type 'premium' is not valid: input should be 'normal' or 'enterprise'"
    )


def test_unknown_service_names_the_catalog():
    found = one(
        stack(grp(rules=[{"direction": "ingress", "service": "gopher", "peer": "1.2.3.4"}]))
    )
    assert "service 'gopher' is not in the catalog; allowed: ssh, rdp, http, https" in found


def test_service_and_protocol_together_is_an_error():
    found = one(
        stack(
            grp(
                rules=[
                    {"direction": "ingress", "service": "ssh", "protocol": "tcp", "peer": "1.2.3.4"}
                ]
            )
        )
    )
    assert found.endswith("give either service or protocol/ports, not both")


def test_group_decl_builds_alone_and_reports_problems():
    decl = s.security_group(
        "prod-web-app-sg", "web", vpc_id=VPC, rules=[s.ingress(s.svc.HTTPS, from_="0.0.0.0/0")]
    )
    assert decl.build().rules[0].text() == "ingress accept tcp 443 from 0.0.0.0/0 priority 1"
    bad = s.security_group("prod-web-app-sg", "web", rules=[s.ingress(s.tcp(0), from_="1.2.3.4")])
    with pytest.raises(StackInvalid) as exc:
        bad.build()
    assert "port range 0 is outside 1-65535" in str(exc.value)


def test_state_admits_live_only_facts():
    state = build_state({
        "region": "cn-hangzhou",
        "groups": [{"id": "sg-1", "name": "", "vpc_id": VPC, "live": {"service_managed": True},
                    "rules": [rule(priority=110, policy="Accept", protocol="TCP")]}],
    })  # fmt: skip
    assert state.groups[0].managed
    assert state.groups[0].rules[0].priority == 110


def test_build_does_not_mutate_its_input():
    data = stack(grp(rules=[{"direction": "ingress", "service": ["ssh"], "peer": ["1.2.3.4"]}]))
    before = copy.deepcopy(data)
    build_stack(data)
    assert data == before
