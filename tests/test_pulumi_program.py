"""``__main__.py`` run fresh for dev, staging and prod under Pulumi's mock runtime.

One ``sgplan:ecs:RuleSet`` per group, holding exactly the group's rules keyed by identity,
its peers wired to the stack's own group and prefix-list IDs; pulumi-alicloud groups and
prefix lists, imported and retained when live, protected on prod. Then the ways a user's
mistake, a refusal or a gate must stop ``pulumi preview`` before anything is registered.
"""

from __future__ import annotations

from pathlib import Path

import pulumi
import pytest
from pulumi_runtime import COMPONENT, GROUP, PREFIX_LIST, ROOT, RULESET, Run, run_program

from sgplan.formats.current import load_current
from sgplan.load import load_stack
from sgplan.model.stack import Stack
from sgplan.plan import PlanOptions, plan_stack
from sgplan.provider.inputs import parse_inputs, rule_input, rule_name

STACKS = ("dev", "staging", "prod")


@pytest.fixture(scope="module", params=STACKS)
def ran(request) -> tuple[Stack, Run]:
    return load_stack(request.param, ROOT), run_program(request.param)


def test_one_rule_set_per_group_and_no_per_rule_resource(ran):
    stack, run = ran
    assert [(r.name, r.custom) for r in run.of(COMPONENT)] == [(stack.name, False)]
    assert sorted(run.named(GROUP)) == sorted(g.logical_name for g in stack.groups)
    assert sorted(run.named(RULESET)) == sorted(g.logical_name for g in stack.groups)
    assert sorted(run.named(PREFIX_LIST)) == sorted(p.name for p in stack.prefix_lists)
    assert {r.type for r in run.resources} == {COMPONENT, GROUP, RULESET} | (
        {PREFIX_LIST} if stack.prefix_lists else set()
    )
    assert len(run.resources) == 1 + 2 * len(stack.groups) + len(stack.prefix_lists)
    children = [u for u in run.urns if f"::{COMPONENT}$" in u]
    assert len(children) == len(run.resources) - 1


def test_each_rule_set_holds_exactly_its_groups_rules_keyed_by_identity(ran):
    stack, run = ran
    groups, lists, sets = run.named(GROUP), run.named(PREFIX_LIST), run.named(RULESET)
    for g in stack.groups:
        inputs = sets[g.logical_name].inputs
        assert inputs["groupId"] == groups[g.logical_name].id
        assert (inputs["region"], inputs["groupName"], inputs["mode"]) == (
            stack.region, g.name, "sync")  # fmt: skip
        assert sorted(inputs["rules"]) == sorted(rule_name(r) for r in g.rules)
        for rule in g.rules:
            got = inputs["rules"][rule_name(rule)]
            peer = rule.peer
            if peer.kind == "group_name":
                wired = groups[stack.group(peer.value).logical_name].id
            elif peer.kind == "prefix_list_name":
                wired = lists[peer.value].id
            else:
                wired = None
            assert got == {k: v for k, v in rule_input(rule, wired).items()}
        parsed, failures = parse_inputs(inputs)  # what the provider's check will see
        assert failures == [] and len(parsed.rules) == len(g.rules)


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


def test_exports_group_ids_prefix_list_ids_and_rule_counts(ran):
    stack, run = ran
    groups, lists = run.named(GROUP), run.named(PREFIX_LIST)
    assert run.outputs == {
        "groupIds": {g.name: groups[g.logical_name].id for g in stack.groups},
        "prefixListIds": {p.name: lists[p.name].id for p in stack.prefix_lists},
        "ruleCounts": {g.name: len(g.rules) for g in stack.groups},
    }
    assert run.errors == []


def test_prod_groups_and_rule_sets_are_protected_and_test_ones_are_not(ran):
    stack, run = ran
    for kind in (GROUP, RULESET):
        protected = {run.options[(kind, g.logical_name)].protect for g in stack.groups}
        assert protected == {stack.name == "prod"}, kind


def test_live_groups_and_lists_are_imported_and_retained_the_rest_created(ran):
    """Adopted resources carry import IDs and retain-on-delete; created ones neither, and
    their RuleSet goes with the group (deleted_with) instead of revoking rule by rule."""
    stack, run = ran
    snapshot = ROOT / "state" / f"{stack.name}.json"
    live_ids: dict[str, str] = {}
    if snapshot.exists():
        state = load_current([snapshot]).state
        live_ids = {g.name: g.id or "" for g in state.groups}
        live_lists = {p.name: p.id for p in state.prefix_lists}
        assert {r.name: r.import_id for r in run.of(PREFIX_LIST)} == {
            p.name: live_lists.get(p.name) for p in stack.prefix_lists
        }
    groups = {r.name: r for r in run.of(GROUP)}
    for g in stack.groups:
        adopted = live_ids.get(g.name)
        opts = run.options[(GROUP, g.logical_name)]
        assert groups[g.logical_name].import_id == adopted, g.name
        assert bool(opts.retain_on_delete) == bool(adopted)
        set_opts = run.options[(RULESET, g.logical_name)]
        assert (set_opts.deleted_with is None) == bool(adopted)
        assert run.named(RULESET)[g.logical_name].import_id is None
    for r in run.of(PREFIX_LIST):
        assert bool(run.options[(PREFIX_LIST, r.name)].retain_on_delete) == bool(r.import_id)
    if stack.name == "prod":
        assert sum(1 for v in live_ids.values() if v) and any(r.import_id for r in run.of(GROUP))


def test_the_plan_the_program_checks_is_the_cli_plan():
    """The program runs the CLI's planner on the same snapshot in the same mode: prod's
    8 removals are in the RuleSets' hands now, not left behind."""
    stack = load_stack("prod", ROOT)
    state = load_current([ROOT / "state" / "prod.json"]).state
    plan = plan_stack(stack, state, PlanOptions(mode="sync"))
    assert plan.counts == (7, 4, 8) and not plan.blocked


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


def test_a_five_tuple_rule_goes_into_the_rule_set_whole(tmp_path):
    path = write(tmp_path, """\
name: fivetuple
region: cn-hangzhou
vpc_id: vpc-1
groups:
  - name: fivetuple-web-app-sg
    description: web
    rules:
      - {direction: ingress, service: https, peer: 0.0.0.0/0}
      - {direction: ingress, service: ssh, peer: 10.0.0.0/8, source_ports: 1024-65535,
         local_cidr: 192.168.1.0/24}
""")  # fmt: skip
    run = run_program("dev", {"sgplan:stackFile": path, "alicloud:region": "cn-hangzhou"})
    rules = run.named(RULESET)["fivetuple-web-app-sg"].inputs["rules"]
    five = [r for r in rules.values() if "sourcePorts" in r]
    assert five == [{"direction": "ingress", "protocol": "tcp", "ports": "22/22",
                     "peer": "10.0.0.0/8", "policy": "accept", "priority": 1,
                     "nicType": "intranet", "sourcePorts": "1024/65535",
                     "localCidr": "192.168.1.0/24"}]  # fmt: skip


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
    assert ok.of(RULESET)


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


BRAKE_STACK = """\
name: gated
region: cn-hangzhou
vpc_id: vpc-1
groups:
  - name: gated-web-app-sg
    description: web
    rules:
      - {direction: egress, service: https, peer: 10.0.0.0/8}
%s"""
BRAKE_STATE = (
    '{"version": 1, "region": "cn-hangzhou", "groups": [{"id": "sg-gated1", '
    '"name": "gated-web-app-sg", "description": "web", "vpc_id": "vpc-1", "rules": ['
    '{"direction": "ingress", "protocol": "tcp", "ports": "443/443", "peer": "10.0.0.0/8", "rule_id": "sgr-a"},'
    '{"direction": "ingress", "protocol": "tcp", "ports": "80/80", "peer": "10.0.0.0/8", "rule_id": "sgr-b"},'
    '{"direction": "egress", "protocol": "tcp", "ports": "443/443", "peer": "10.0.0.0/8", "rule_id": "sgr-c"}]}]}'
)


def gated(tmp_path: Path, extra_rule: str = "", **config: str) -> dict[str, str]:
    snapshot = tmp_path / "gated.json"
    snapshot.write_text(BRAKE_STATE)
    return {"sgplan:stackFile": write(tmp_path, BRAKE_STACK % extra_rule),
            "sgplan:state": str(snapshot), "alicloud:region": "cn-hangzhou", **config}  # fmt: skip


def test_blast_radius_gates_stop_the_run_with_every_problem_at_once(tmp_path):
    """Removing 2 of 3 rules (67% > 50%) and every ingress accept: both gates, plus an
    unwaived critical finding, reported together; nothing registered."""
    risky = "      - {direction: ingress, service: ssh, peer: 0.0.0.0/0, description: open}\n"
    error, run = fails("dev", gated(tmp_path, risky))
    text = "\n".join(run.errors)
    assert "open-admin-port" in text, text
    error, run = fails("dev", gated(tmp_path))
    assert "stack gated has 2 problems" in str(error) and run.resources == []
    assert any("removes 2 of its 3 rules" in e and "sgplan:maxRemoveShare" in e for e in run.errors)
    assert any("no ingress accept" in e and "sgplan:allowNoIngress" in e for e in run.errors)


def test_consent_in_config_lets_the_gated_plan_through(tmp_path):
    run = run_program("dev", gated(tmp_path, **{"sgplan:maxRemoveShare": "0.7",
                                                 "sgplan:allowNoIngress": "true"}))  # fmt: skip
    assert run.named(RULESET)["gated-web-app-sg"].inputs["groupId"] == "sg-gated1"


def test_additive_mode_removes_nothing_and_keeps_live_tags(tmp_path):
    run = run_program("dev", gated(tmp_path, **{"sgplan:mode": "additive"}))
    assert run.named(RULESET)["gated-web-app-sg"].inputs["mode"] == "additive"


@pytest.mark.parametrize(
    ("key", "value", "allowed"),
    [("mode", "merge", "sync, additive"), ("maxRemoveShare", "2", "a number from 0 to 1"),
     ("allowDestroy", "yes", "true, false")],
)  # fmt: skip
def test_bad_gate_config_is_a_clear_error(key, value, allowed):
    error, run = fails("dev", {"alicloud:region": "cn-hangzhou", f"sgplan:{key}": value})
    assert f"sgplan:{key} is {value!r}; allowed: {allowed}" in str(error)
    assert run.resources == []
