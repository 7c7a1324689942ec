"""The pack agrees with the stack: RuleSet resources (one per group) judged on what they
carry, waivers written in the stack honoured until they expire, exactly as `sgplan lint`
honours them; rules it cannot read reported, never skipped silently."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pulumi_policy import StackValidationArgs
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE
from typer.testing import CliRunner

from sgplan.cli import app
from sgplan.lint import lint
from sgplan.lint.resources import ruleset_rule_name
from sgplan.load import load_stack

from .test_pack import SG, pack, resource

RULESET = "sgplan:ecs:RuleSet"
runner = CliRunner()

STACK = {
    "name": "waived",
    "region": "cn-hangzhou",
    "vpc_id": "vpc-bp1waived",
    "groups": [
        {"name": "waived-shop-web-sg", "description": "web", "rules": [
            {"direction": "ingress", "protocol": "tcp", "ports": "443", "peer": "0.0.0.0/0",
             "description": "public web"},
            {"direction": "ingress", "protocol": "tcp", "ports": "22", "peer": "0.0.0.0/0",
             "description": "vendor jump host",
             "waivers": [{"check": "open-admin-port", "reason": "vendor box until migration",
                          "expires": "2026-06-30"}]},
            {"direction": "ingress", "protocol": "tcp", "ports": "3306", "peer": "0.0.0.0/0",
             "description": "not waived"},
        ]},
        {"name": "waived-shop-app-sg", "description": "app", "rules": [
            {"direction": "ingress", "protocol": "tcp", "ports": "8080",
             "peer": "group:waived-shop-web-sg", "description": "from web"},
        ]},
    ],
}  # fmt: skip


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: t\nruntime: python\n")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "waived.json").write_text(json.dumps(STACK))
    monkeypatch.setattr(pack, "ROOT", tmp_path)
    return tmp_path


def _urn(kind: str, name: str) -> str:
    return f"urn:pulumi:waived::sgplan::{kind}::{name}"


def _program_resources(project: Path, *, known_ids: bool = True) -> list[Any]:
    """What the program registers: a SecurityGroup and a RuleSet per group, peers wired to
    the group IDs (unknown during a preview of new groups)."""
    stack = load_stack("waived", project)
    ids = {g.name: f"sg-bp1{g.name.split('-')[2]}" for g in stack.groups}
    out = []
    for g in stack.groups:
        sg = resource(SG, g.name, {"securityGroupName": g.name, "description": g.description,
                                   "vpcId": "vpc-bp1waived", "innerAccessPolicy": "Accept",
                                   "id": ids[g.name] if known_ids else UNKNOWN_STRING_VALUE})  # fmt: skip
        sg.urn = _urn(SG, g.name)
        rules = {}
        for r in g.rules:
            data: dict[str, Any] = {"direction": r.direction, "protocol": r.protocol,
                                    "ports": str(r.ports), "policy": r.policy,
                                    "priority": r.priority, "nicType": r.nic_type,
                                    "peer": str(r.peer), "description": r.description}  # fmt: skip
            if r.peer.kind == "group_name":
                data["peer"] = ids[r.peer.value] if known_ids else UNKNOWN_STRING_VALUE
            rules[ruleset_rule_name(r)] = data
        rs = resource(RULESET, g.name, {"groupId": ids[g.name] if known_ids else
                                        UNKNOWN_STRING_VALUE, "groupName": g.name,
                                        "region": "cn-hangzhou", "mode": "sync",
                                        "rules": rules}, groupId=sg)  # fmt: skip
        rs.urn = _urn(RULESET, g.name)
        out += [sg, rs]
    return out


def _run(name: str, resources: list[Any], today: date, config: dict | None = None):
    policy = {p.name: p for p in pack.policies(lambda: today)}[name]
    got: list[tuple[str, str | None]] = []
    policy.validate(
        StackValidationArgs(resources, config or {}), lambda m, u=None: got.append((m, u))
    )
    return got


@pytest.mark.parametrize("known_ids", [True, False])
def test_a_waiver_in_the_stack_is_honoured_like_lint_honours_it(project, known_ids):
    resources = _program_resources(project, known_ids=known_ids)
    before = date(2026, 6, 1)
    admin = _run("open-admin-port", resources, before)
    assert admin == []  # waived in the stack, as lint waives it
    db = _run("open-database-port", resources, before)
    assert (
        len(db) == 1 and "tcp 3306" in db[0][0] and db[0][1] == _urn(RULESET, "waived-shop-web-sg")
    )
    assert _run("rule-not-judged", resources, before) == []  # unknown peers: the stack's rule
    after = _run("open-admin-port", resources, date(2026, 7, 1))
    assert len(after) == 1 and "tcp 22" in after[0][0]


@pytest.mark.parametrize("today", [date(2026, 6, 1), date(2026, 7, 1)])
def test_pack_and_lint_block_the_same_findings(project, today):
    stack = load_stack("waived", project)
    blocking = sorted((f.check, f.rule.rule.text()) for f in lint(stack, today)
                      if f.severity == "critical" and not f.waived and f.rule)  # fmt: skip
    resources = _program_resources(project)
    reported = sorted(
        (check, msg.split("`")[1])
        for check in ("open-all", "open-admin-port", "open-database-port", "limit-exceeded")
        for msg, _ in _run(check, resources, today)
    )
    assert reported == blocking
    cli = runner.invoke(app, ["lint", "--stack", str(project / "stacks" / "waived.json"),
                              "--today", today.isoformat()])  # fmt: skip
    assert cli.exit_code == 1  # 3306 is never waived


def test_config_waivers_name_the_rule_set_and_its_rule_key(project):
    resources = _program_resources(project)
    stack = load_stack("waived", project)
    mysql = next(r for r in stack.group("waived-shop-web-sg").rules if r.ports.start == 3306)
    waiver = {"resource": "waived-shop-web-sg", "rule": ruleset_rule_name(mysql),
              "reason": "migration window", "expires": "2026-06-30"}  # fmt: skip
    day = date(2026, 6, 1)
    assert _run("open-database-port", resources, day, {"waived": [waiver]}) == []
    other = {**waiver, "rule": "in-tcp-5432-00000000"}
    assert len(_run("open-database-port", resources, day, {"waived": [other]})) == 1


def test_a_rule_it_cannot_read_is_reported(project):
    resources = _program_resources(project, known_ids=False)
    rs = resource(RULESET, "extra", {"groupId": "sg-bp1x", "groupName": "waived-shop-app-sg",
                                     "rules": {"in-tcp-9000-deadbeef": {
                                         "direction": "ingress", "protocol": "tcp",
                                         "ports": "9000", "peer": UNKNOWN_STRING_VALUE}}})  # fmt: skip
    rs.urn = _urn(RULESET, "waived-shop-app-sg")
    resources.append(rs)
    got = _run("rule-not-judged", resources, date(2026, 6, 1))
    assert got == [('not judged by any check: rules["in-tcp-9000-deadbeef"]: its peer is not '
                    "known (yet)", _urn(RULESET, "waived-shop-app-sg"))]  # fmt: skip


def test_an_unreadable_stack_is_said_in_every_violation(project):
    (project / "stacks" / "waived.json").write_text("{broken")
    pack._context.cache_clear()
    got = _run("open-database-port", _program_resources_from_dict(), date(2026, 6, 1))
    assert got and all("waivers in the stack not applied" in m for m, _ in got)
    pack._context.cache_clear()


def _program_resources_from_dict() -> list[Any]:
    sg = resource(SG, "waived-shop-web-sg", {"securityGroupName": "waived-shop-web-sg",
                                             "id": "sg-bp1web"})  # fmt: skip
    sg.urn = _urn(SG, "waived-shop-web-sg")
    rs = resource(RULESET, "waived-shop-web-sg", {"groupId": "sg-bp1web", "rules": {
        "in-tcp-3306-x": {"direction": "ingress", "protocol": "tcp", "ports": "3306",
                          "peer": "0.0.0.0/0"}}}, groupId=sg)  # fmt: skip
    rs.urn = _urn(RULESET, "waived-shop-web-sg")
    return [sg, rs]


def test_the_real_component_and_a_stack_waiver(project):
    """The program's component under Pulumi's mock runtime registers a RuleSet per group;
    the pack judges what they carry and honours the stack's waiver until it expires."""
    from pulumi_runtime import run

    from modules.component import SecurityGroupStack, SecurityGroupStackArgs

    stack = load_stack("waived", project)
    record = run(lambda: SecurityGroupStack(stack.name, SecurityGroupStackArgs(stack)),
                 stack="waived", config={})  # fmt: skip
    resources = []
    for r in record.resources:
        if r.type in (SG, RULESET):
            res = resource(r.type, r.name, {**r.inputs, "id": r.id})
            res.urn = _urn(r.type, r.name)
            resources.append(res)
    assert sum(1 for r in resources if r.resource_type == RULESET) == len(stack.groups)
    assert _run("open-admin-port", resources, date(2026, 6, 1)) == []
    assert len(_run("open-admin-port", resources, date(2026, 7, 1))) == 1
    assert len(_run("open-database-port", resources, date(2026, 6, 1))) == 1
