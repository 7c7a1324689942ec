"""The CrossGuard pack, driven through pulumi_policy's own API: resources built as the engine
passes them (camelCase properties, values unknown during preview, property dependencies),
stack validation args, and the report_violation callback."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy
from pulumi_runtime import run

from modules.component import SecurityGroupStack, SecurityGroupStackArgs
from sgplan import define_stack, ingress, security_group, svc
from sgplan.lint import CHECKS

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "sgplan_policy_pack", ROOT / "policy" / "__main__.py"
)
assert _spec is not None and _spec.loader is not None
pack = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pack)

TODAY = date(2026, 3, 1)
POLICIES: dict[str, StackValidationPolicy] = {p.name: p for p in pack.policies(lambda: TODAY)}
SG = "alicloud:ecs/securityGroup:SecurityGroup"
RULE = "alicloud:ecs/securityGroupRule:SecurityGroupRule"
PL = "alicloud:ecs/ecsPrefixList:EcsPrefixList"
RULESET = "sgplan:ecs:RuleSet"


def urn(kind: str, name: str) -> str:
    return f"urn:pulumi:prod::sgplan::{kind}::{name}"


def resource(kind: str, name: str, props: dict[str, Any], **deps: PolicyResource) -> PolicyResource:
    opts = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
    res = PolicyResource(
        kind, unknown_checking_proxy(props), urn(kind, name), name, opts, None, None, [], {}
    )
    for prop, dep in deps.items():
        res.property_dependencies[prop] = [dep]
        res.dependencies.append(dep)
    return res


def group(name: str, **props: Any) -> PolicyResource:
    base = {"securityGroupName": name, "description": "a group", "vpcId": UNKNOWN_STRING_VALUE,
            "innerAccessPolicy": "Accept"}  # fmt: skip
    return resource(SG, name, {**base, **props})


def rule(
    name: str, owner: PolicyResource, peer: dict[str, Any] | None = None, deps=None, **props: Any
):
    """A rule whose securityGroupId is unknown (preview): it is linked by dependency."""
    base = {"type": "ingress", "ipProtocol": "tcp", "portRange": "22/22", "policy": "accept",
            "priority": 1, "nicType": "intranet", "description": "why",
            "securityGroupId": UNKNOWN_STRING_VALUE}  # fmt: skip
    return resource(RULE, name, {**base, **(peer or {"cidrIp": "0.0.0.0/0"}), **props},
                    securityGroupId=owner, **(deps or {}))  # fmt: skip


def run_policy(policy: str, resources: list[PolicyResource], config: dict[str, Any] | None = None):
    got: list[tuple[str, str | None]] = []
    POLICIES[policy].validate(
        StackValidationArgs(resources, config or {}), lambda m, u=None: got.append((m, u))
    )
    return got


def test_one_policy_per_check_with_the_same_severity():
    assert list(POLICIES) == [*CHECKS, "rule-not-judged"]
    assert POLICIES["rule-not-judged"].enforcement_level == EnforcementLevel.ADVISORY
    for name, check in CHECKS.items():
        p = POLICIES[name]
        level = (
            EnforcementLevel.MANDATORY
            if check.severity == "critical"
            else EnforcementLevel.ADVISORY
        )
        assert p.enforcement_level == level
        assert p.severity == {"critical": Severity.CRITICAL, "warning": Severity.MEDIUM,
                              "info": Severity.LOW}[check.severity]  # fmt: skip
        assert p.remediation_steps == check.remediation


def test_an_open_ssh_rule_is_reported_on_its_urn_even_during_preview():
    web = group("prod-shop-web-sg")
    ssh = rule("web-ssh", web)
    got = run_policy("open-admin-port", [web, ssh])
    assert got == [(
        "group prod-shop-web-sg, rule 1 `ingress accept tcp 22 from 0.0.0.0/0 priority 1`: lets in "
        "tcp/22 (SSH) from all of the public IPv4 internet. Fix: " + CHECKS["open-admin-port"].remediation,
        urn(RULE, "web-ssh"),
    )]  # fmt: skip


def test_reachability_not_strings_decides():
    web = group("prod-shop-web-sg")
    resources = [
        web,
        rule("deny-ssh", web, policy="drop", priority=1),
        rule("allow-ssh", web, priority=50),
        rule("udp-22", web, ipProtocol="udp"),
        rule("v6-rdp", web, {"ipv6CidrIp": "::/0"}, portRange="3389/3389"),
    ]
    assert [u for _, u in run_policy("open-admin-port", resources)] == [urn(RULE, "v6-rdp")]
    assert [u for _, u in run_policy("shadowed-rule", resources)] == [urn(RULE, "allow-ssh")]


def test_group_and_prefix_list_peers_are_linked_by_dependency():
    web = group("prod-shop-web-sg")
    app = group("prod-shop-app-sg")
    world = resource(PL, "world", {"prefixListName": "world", "addressFamily": "IPv4", "maxEntries": 5,
                                   "entries": [{"cidr": "0.0.0.0/0", "description": "everyone"}]})  # fmt: skip
    from_app = rule("app-ssh", web, {"sourceSecurityGroupId": UNKNOWN_STRING_VALUE},
                    deps={"sourceSecurityGroupId": app})  # fmt: skip
    from_world = rule("world-rdp", app, {"prefixListId": UNKNOWN_STRING_VALUE},
                      deps={"prefixListId": world}, portRange="3389/3389")  # fmt: skip
    got = run_policy("open-admin-port", [web, app, world, from_app, from_world])
    assert [u for _, u in got] == [urn(RULE, "world-rdp")]
    assert "rule 1 `ingress accept tcp 3389 from prefix-list:world priority 1`" in got[0][0]


def test_group_checks_point_at_the_group():
    odd = group("web")
    got = run_policy("naming-convention", [odd])
    assert [u for _, u in got] == [urn(SG, "web")]


def test_waivers_come_from_the_policy_config():
    web = group("prod-shop-web-sg")
    resources = [web, rule("web-ssh-vendor", web)]
    live = {
        "waived": [{"resource": "web-ssh-vendor", "reason": "vendor box", "expires": "2026-03-01"}]
    }
    assert run_policy("open-admin-port", resources, live) == []
    old = {
        "waived": [{"resource": "web-ssh-vendor", "reason": "vendor box", "expires": "2026-02-28"}]
    }
    assert len(run_policy("open-admin-port", resources, old)) == 1


def test_not_applicable_without_security_groups():
    bucket = resource("alicloud:oss/bucket:Bucket", "logs", {"bucket": "logs"})
    with pytest.raises(_NotApplicableError):
        run_policy("open-all", [bucket])


def test_the_pack_reads_what_the_sgplan_component_registers():
    """The real component under Pulumi's mock runtime: the pack sees its resources (camelCase
    inputs, IDs as the engine reports them, no dependencies: linked by ID), the rules inside
    each group's sgplan:ecs:RuleSet."""
    stack = define_stack("risky", "cn-hangzhou", vpc_id="vpc-1", groups=[
        security_group("risky-shop-web-sg", "web", rules=[
            ingress(svc.HTTPS, from_="0.0.0.0/0", description="public"),
            ingress(svc.RDP, from_="::/0", description="oops"),
            ingress(svc.SSH, from_="0.0.0.0/0", policy="drop", priority=1, description="never"),
        ]),
    ])  # fmt: skip
    record = run(
        lambda: SecurityGroupStack(stack.name, SecurityGroupStackArgs(stack)), stack="t", config={}
    )
    resources = [
        resource(r.type, r.name, {**r.inputs, "id": r.id})
        for r in record.resources
        if r.type in (SG, RULE, PL, RULESET)
    ]
    assert {r.resource_type for r in resources} == {SG, RULESET}  # one RuleSet per group
    got = run_policy("open-admin-port", resources)
    assert len(got) == 1 and "ingress accept tcp 3389 from ::/0 priority 1" in got[0][0]
    assert got[0][1] == urn(RULESET, "risky-shop-web-sg")


def test_rule_set_peers_that_are_the_stacks_own_groups_are_linked_by_id():
    web = group("web-sg", id="sg-web")
    db = group("db-sg", id="sg-db")
    rules = {"in-tcp-3306-1": {"direction": "ingress", "protocol": "tcp", "ports": "3306/3306",
                               "peer": "sg-web", "description": "app"},
             "in-tcp-22-2": {"direction": "ingress", "protocol": "tcp", "ports": "22/22",
                             "peer": "0.0.0.0/0", "description": "oops"}}  # fmt: skip
    rs = resource(RULESET, "db-sg", {"groupId": "sg-db", "region": "cn-hangzhou", "rules": rules})
    got = run_policy("open-admin-port", [web, db, rs])
    assert [u for _, u in got] == [urn(RULESET, "db-sg")]
    assert "group db-sg" in got[0][0]
