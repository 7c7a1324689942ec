"""``__main__.py`` run fresh for dev, staging and prod under Pulumi's mock runtime.

Every registered resource is checked against what pulumi-alicloud accepts and against the
typed stack it came from: types, names, each input, peers wired to the referenced group's
or prefix list's ID, children parented to the component, exports. Then the ways a user's
mistake must stop ``pulumi preview`` cleanly.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pulumi
import pytest
from pulumi_runtime import COMPONENT, GROUP, PREFIX_LIST, ROOT, RULE, Run, run_program

from sgplan.formats.current import load_current
from sgplan.formats.resource_ids import rule_resource_name
from sgplan.load import load_stack
from sgplan.model.stack import Stack
from sgplan.plan import PlanOptions, plan_stack

STACKS = ("dev", "staging", "prod")
PEER_FIELDS = ("cidrIp", "ipv6CidrIp", "sourceSecurityGroupId", "prefixListId")
RULE_INPUTS = {
    "securityGroupId", "type", "ipProtocol", "portRange", "nicType", "policy", "priority",
    "description", "sourceGroupOwnerId", *PEER_FIELDS,
}  # fmt: skip


@pytest.fixture(scope="module", params=STACKS)
def ran(request) -> tuple[Stack, Run]:
    return load_stack(request.param, ROOT), run_program(request.param)


def assert_valid_for_provider(inputs: dict) -> None:
    """What pulumi-alicloud's SecurityGroupRule accepts (its schema and docs)."""
    assert set(inputs) <= RULE_INPUTS, set(inputs) - RULE_INPUTS
    assert inputs["type"] in ("ingress", "egress")
    assert inputs["policy"] in ("accept", "drop")
    assert inputs["nicType"] == "intranet"
    assert inputs["priority"] == int(inputs["priority"]) and 1 <= inputs["priority"] <= 100
    protocol, port_range = inputs["ipProtocol"], inputs["portRange"]
    assert protocol in ("tcp", "udp", "icmp", "icmpv6", "gre", "all")
    if protocol in ("tcp", "udp"):
        start, end = (int(p) for p in port_range.split("/"))
        assert 1 <= start <= end <= 65535
    else:
        assert port_range == "-1/-1"
    peers = [f for f in PEER_FIELDS if inputs.get(f)]
    assert len(peers) == 1, peers
    if "cidrIp" in peers:
        net = ipaddress.ip_network(inputs["cidrIp"])
        assert net.version == 4 and str(net) == inputs["cidrIp"]
    if "ipv6CidrIp" in peers:
        net = ipaddress.ip_network(inputs["ipv6CidrIp"])
        assert net.version == 6 and net.compressed == inputs["ipv6CidrIp"]
    if "sourceSecurityGroupId" in peers:
        assert inputs["sourceSecurityGroupId"].startswith("sg-")
    if "prefixListId" in peers:
        assert inputs["prefixListId"].startswith("pl-")
    if "description" in inputs:
        assert 1 <= len(inputs["description"]) <= 512


def test_one_component_with_every_group_prefix_list_and_rule_of_the_stack(ran):
    stack, run = ran
    assert [(r.name, r.custom) for r in run.of(COMPONENT)] == [(stack.name, False)]
    assert sorted(run.named(GROUP)) == sorted(g.logical_name for g in stack.groups)
    assert sorted(run.named(PREFIX_LIST)) == sorted(p.name for p in stack.prefix_lists)
    want = sorted(rule_resource_name(g.logical_name, r) for g in stack.groups for r in g.rules)
    assert sorted(run.named(RULE)) == want and len(want) == stack.rule_count
    assert len(run.resources) == 1 + len(stack.groups) + len(stack.prefix_lists) + len(want)
    children = [u for u in run.urns if "alicloud:" in u]
    assert len(children) == len(run.resources) - 1
    assert all(f"::{COMPONENT}$alicloud:" in u for u in children)


def test_groups_and_prefix_lists_carry_the_stack_fields(ran):
    stack, run = ran
    groups = run.named(GROUP)
    for g in stack.groups:
        assert groups[g.logical_name].inputs == {
            "securityGroupName": g.name, "description": g.description, "vpcId": g.vpc_id,
            "securityGroupType": "normal", "innerAccessPolicy": "Accept", "tags": g.tags,
        }  # fmt: skip
    lists = run.named(PREFIX_LIST)
    for pl in stack.prefix_lists:
        assert lists[pl.name].inputs == {
            "prefixListName": pl.name, "addressFamily": "IPv4", "maxEntries": pl.max_entries,
            "entries": [{"cidr": c} for c in pl.cidrs], "description": pl.description,
        }  # fmt: skip


def test_every_rule_is_valid_for_the_provider_and_wired_to_its_peers(ran):
    stack, run = ran
    groups, lists, rules = run.named(GROUP), run.named(PREFIX_LIST), run.named(RULE)
    seen_kinds = set()
    for g in stack.groups:
        for rule in g.rules:
            inputs = rules[rule_resource_name(g.logical_name, rule)].inputs
            assert_valid_for_provider(inputs)
            assert inputs["securityGroupId"] == groups[g.logical_name].id
            assert (inputs["type"], inputs["ipProtocol"], inputs["portRange"], inputs["policy"],
                    inputs["priority"], inputs.get("description")) == (
                rule.direction, rule.protocol, str(rule.ports), rule.policy, rule.priority,
                rule.description)  # fmt: skip
            peer = rule.peer
            seen_kinds.add(peer.kind)
            if peer.kind == "group_name":
                target = groups[stack.group(peer.value).logical_name]
                assert inputs["sourceSecurityGroupId"] == target.id
                assert target.inputs["securityGroupName"] == peer.value
            elif peer.kind == "prefix_list_name":
                assert inputs["prefixListId"] == lists[peer.value].id
                assert lists[peer.value].inputs["prefixListName"] == peer.value
            elif peer.kind == "ipv4":
                assert inputs["cidrIp"] == peer.value
            else:
                assert (peer.kind, inputs["ipv6CidrIp"]) == ("ipv6", peer.value)
    assert {"group_name", "prefix_list_name", "ipv4"} <= seen_kinds


def test_exports_group_ids_prefix_list_ids_and_rule_counts(ran):
    stack, run = ran
    groups, lists = run.named(GROUP), run.named(PREFIX_LIST)
    assert run.outputs == {
        "groupIds": {g.name: groups[g.logical_name].id for g in stack.groups},
        "prefixListIds": {p.name: lists[p.name].id for p in stack.prefix_lists},
        "ruleCounts": {g.name: len(g.rules) for g in stack.groups},
    }
    assert run.errors == []


def test_prod_groups_are_protected_and_test_groups_are_not(ran):
    stack, run = ran
    protected = {run.options[(GROUP, g.logical_name)].protect for g in stack.groups}
    assert protected == {stack.name == "prod"}
    assert not any(run.options[(RULE, name)].protect for name in run.named(RULE))


def test_what_is_live_is_imported_and_what_is_not_is_created(ran):
    """The program plans the stack against state/<stack>.json and imports what already exists."""
    stack, run = ran
    snapshot = ROOT / "state" / f"{stack.name}.json"
    if not snapshot.exists():  # dev and staging have no snapshot: everything is created
        assert all(r.import_id is None for r in run.resources)
        return
    state = load_current([snapshot]).state
    plan = plan_stack(stack, state, PlanOptions(mode="additive"))
    groups = {r.name: r.import_id for r in run.of(GROUP)}
    live_ids = {g.name: g.id for g in state.groups}
    for g in stack.groups:
        assert groups[g.logical_name] == live_ids.get(g.name), g.name
    imported_rules = [r for r in run.of(RULE) if r.import_id]
    assert len(imported_rules) == plan.adopted > 0
    for r in imported_rules:
        sg, direction, protocol, ports, _nic, _peer, policy, priority = r.import_id.split(":")
        assert (
            sg in live_ids.values()
            and direction == r.inputs["type"]
            and protocol == r.inputs["ipProtocol"]
        )
        assert (ports, policy, int(priority)) == (
            r.inputs["portRange"],
            r.inputs["policy"],
            r.inputs["priority"],
        )
    prefix_lists = {r.name: r.import_id for r in run.of(PREFIX_LIST)}
    assert prefix_lists == {
        p.name: next(x.id for x in state.prefix_lists if x.name == p.name)
        for p in stack.prefix_lists
    }


# -- a user's mistakes stop the run cleanly ------------------------------------------------------


def fails(stack: str, config: dict[str, str]) -> tuple[pulumi.RunError, Run]:
    run = Run([])
    with pytest.raises(pulumi.RunError) as exc:
        run_program(stack, config, run_=run)
    return exc.value, run


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "stack.yaml"
    path.write_text(text)
    return str(path)


def test_an_invalid_stack_fails_preview_with_every_problem_and_registers_nothing(tmp_path):
    path = write(tmp_path, """\
name: broken
region: cn-hangzhou
vpc_id: vpc-1
groups:
  - name: broken-web-app-sg
    rules:
      - {direction: ingress, protocol: tcp, ports: 70000, peer: 0.0.0.0/0}
      - {direction: ingress, service: ssh, peer: "group:nowhere-sg"}
""")  # fmt: skip
    error, run = fails("dev", {"sgplan:stackFile": path, "alicloud:region": "cn-hangzhou"})
    assert str(error) == "stack broken has 2 problems (listed above); nothing was applied"
    assert run.errors == [
        "stack broken, group broken-web-app-sg, rule 1 `ingress tcp 70000 from 0.0.0.0/0`: "
        "port range 70000 is outside 1-65535; allowed: a port 1-65535 or a range like "
        "1000-2000 or 1000/2000 (start <= end)",
        "stack broken, group broken-web-app-sg, rule 2 `ingress accept tcp 22 from "
        "group:nowhere-sg priority 1`: peer group:nowhere-sg names a group that is not in "
        "stack broken; allowed: broken-web-app-sg",
    ]
    assert run.resources == []


def test_a_rule_the_provider_cannot_hold_is_refused_by_name_before_any_resource(tmp_path):
    path = write(tmp_path, """\
name: fivetuple
region: cn-hangzhou
vpc_id: vpc-1
groups:
  - name: fivetuple-web-app-sg
    description: web
    rules:
      - {direction: ingress, service: https, peer: 0.0.0.0/0}
      - {direction: ingress, service: ssh, peer: 10.0.0.0/8, source_ports: 1024-65535}
""")  # fmt: skip
    error, run = fails("dev", {"sgplan:stackFile": path, "alicloud:region": "cn-hangzhou"})
    assert str(error) == "stack fivetuple has 1 problem (listed above); nothing was applied"
    assert run.errors == [
        "stack fivetuple, group fivetuple-web-app-sg, rule 2 `ingress accept tcp 22 "
        "source-ports 1024-65535 from 10.0.0.0/8 priority 1`: uses source_ports (the API's "
        "5-tuple fields), which pulumi-alicloud's SecurityGroupRule cannot hold; remove them "
        "or apply this rule outside Pulumi"
    ]
    assert run.resources == []


@pytest.mark.parametrize(
    ("region", "found"), [("cn-shanghai", "is cn-shanghai"), (None, "is not set")]
)
def test_the_wrong_region_stops_the_run(region, found, monkeypatch):
    monkeypatch.delenv("ALICLOUD_REGION", raising=False)
    config = {} if region is None else {"alicloud:region": region}
    error, run = fails("prod", config)
    message = (
        f"stack prod is in cn-hangzhou but this Pulumi stack's alicloud:region {found}; "
        "run `pulumi config set alicloud:region cn-hangzhou`"
    )
    assert str(error) == f"{message}; nothing was applied"
    assert run.errors == [message] and run.resources == []


def test_a_pulumi_stack_without_a_stack_module_names_the_known_stacks():
    error, run = fails("qa", {"alicloud:region": "cn-hangzhou"})
    assert "no stack 'qa'" in str(error) and "known stacks: dev, prod, staging" in str(error)
    assert run.resources == []


def test_the_region_may_come_from_the_providers_environment_variable(monkeypatch):
    monkeypatch.setenv("ALICLOUD_REGION", "cn-hangzhou")
    assert run_program("dev", {}).named(GROUP)


def test_stack_file_config_applies_another_stack_under_this_pulumi_stack():
    run = run_program("dev", {"sgplan:stackFile": "staging", "alicloud:region": "cn-hangzhou"})
    assert sorted(run.named(GROUP)) == sorted(g.name for g in load_stack("staging", ROOT).groups)


def test_unwaived_critical_findings_stop_the_run_and_a_waiver_lets_it_through(tmp_path):
    body = """\
name: risky
region: cn-hangzhou
vpc_id: vpc-1
groups:
  - name: risky-web-app-sg
    description: web
    rules:
      - {direction: ingress, service: ssh, peer: 0.0.0.0/0, description: ssh from anywhere%s}
"""
    error, run = fails(
        "dev", {"sgplan:stackFile": write(tmp_path, body % ""), "alicloud:region": "cn-hangzhou"}
    )
    assert "nothing was applied" in str(error)
    assert any("open-admin-port" in e and "risky-web-app-sg" in e for e in run.errors), run.errors
    assert run.resources == []
    waived = (
        body
        % ", waivers: [{check: open-admin-port, reason: vendor appliance, expires: 2999-01-01}]"
    )
    ok = run_program(
        "dev", {"sgplan:stackFile": write(tmp_path, waived), "alicloud:region": "cn-hangzhou"}
    )
    assert ok.of(RULE)


def test_a_plan_the_cloud_would_refuse_stops_the_run(tmp_path):
    stack_file = write(tmp_path, """\
name: fw
region: cn-hangzhou
vpc_id: vpc-1
groups:
  - name: fw-edge-app-sg
    description: edge
    rules:
      - {direction: ingress, service: https, peer: 10.0.0.0/8}
""")  # fmt: skip
    snapshot = tmp_path / "fw.json"
    snapshot.write_text(
        '{"version": 1, "region": "cn-hangzhou", "groups": [{"id": "sg-fw1", "name": "fw-edge-app-sg", '
        '"vpc_id": "vpc-1", "live": {"service_managed": true, "service_id": "cloudfw"}, "rules": []}]}'
    )
    error, run = fails("dev", {"sgplan:stackFile": stack_file, "sgplan:state": str(snapshot),
                               "alicloud:region": "cn-hangzhou"})  # fmt: skip
    assert any("InvalidOperation.ResourceManagedByCloudProduct" in e for e in run.errors), (
        run.errors
    )
    assert run.resources == [] and "nothing was applied" in str(error)
