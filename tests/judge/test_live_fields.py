"""Live reads through the official SDK against the local endpoint: classic groups on both NIC
types, port lists with their entries, cross-account references, fields kept exactly."""

from __future__ import annotations

from alibabacloud_ecs20140526 import models as ecs_models

from sgplan.live import read_live
from sgplan.live.client import EcsApi
from sgplan.model import build_state
from tests.conftest import TEST_ACCESS_KEY_ID  # noqa: F401  (the environment's test key)
from tests.live.helpers import config, served

CLASSIC = {
    "version": 1,
    "region": "cn-hangzhou",
    "groups": [
        {
            "name": "old-classic-web-sg",
            "id": "sg-bp1classic0000001",
            "network": "classic",
            "rules": [
                {"direction": "ingress", "protocol": "tcp", "ports": "22/22",
                 "peer": "0.0.0.0/0", "nic_type": "internet", "rule_id": "sgr-c1",
                 "create_time": "2019-05-01T10:00:00Z"},
                {"direction": "ingress", "protocol": "tcp", "ports": "3306/3306",
                 "peer": "10.0.0.0/8", "nic_type": "intranet", "rule_id": "sgr-c2"},
                {"direction": "egress", "protocol": "all", "peer": "0.0.0.0/0",
                 "policy": "drop", "priority": 100, "nic_type": "intranet", "rule_id": "sgr-c3"},
            ],
        },
        {
            "name": "prod-web-ports-sg",
            "id": "sg-bp1vpcports000001",
            "vpc_id": "vpc-1",
            "rules": [
                {"direction": "ingress", "protocol": "tcp", "port_list": "prl-bp1web0001",
                 "peer": "0.0.0.0/0", "rule_id": "sgr-p1"},
            ],
        },
    ],
    "port_lists": [
        {"name": "web", "id": "prl-bp1web0001", "max_entries": 20,
         "entries": [{"ports": "80/80", "description": "http"}, "443/443"]},
    ],
}  # fmt: skip


def test_classic_groups_are_read_on_both_nic_types():
    state = build_state(CLASSIC)
    with served(state) as ecs:
        api = EcsApi(config(ecs.endpoint))
        # what the API does: without NicType a classic group answers its internet side only
        bare = api.client.describe_security_group_attribute(
            ecs_models.DescribeSecurityGroupAttributeRequest(
                region_id="cn-hangzhou", security_group_id="sg-bp1classic0000001"
            )
        ).body.to_map()
        read = read_live(config(ecs.endpoint)).state
    assert [p["NicType"] for p in bare["Permissions"]["Permission"]] == ["internet"]
    classic = next(g for g in read.groups if g.network == "classic")
    assert {(r.rule_id, r.nic_type) for r in classic.rules} == {
        ("sgr-c1", "internet"), ("sgr-c2", "intranet"), ("sgr-c3", "intranet")
    }  # fmt: skip
    calls = [(a, o) for (a, o), n in ecs.calls.items() for _ in range(n)]
    assert (
        calls.count(("DescribeSecurityGroupAttribute", "ok")) == 4
    )  # the bare call above, 2 classic + 1 VPC


def test_port_lists_are_read_with_their_entries_and_rules_keep_them():
    with served(build_state(CLASSIC)) as ecs:
        state = read_live(config(ecs.endpoint)).state
    (prl,) = state.port_lists
    assert (prl.id, prl.name, prl.max_entries) == ("prl-bp1web0001", "web", 20)
    assert [str(e.ports) for e in prl.entries or ()] == ["80/80", "443/443"]
    vpc = next(g for g in state.groups if g.network == "vpc")
    assert vpc.rules[0].port_list == "prl-bp1web0001"


def test_create_time_is_kept_and_never_invented():
    with served(build_state(CLASSIC)) as ecs:
        state = read_live(config(ecs.endpoint)).state
    times = {r.rule_id: r.create_time for g in state.groups for r in g.rules}
    assert times["sgr-c1"] == "2019-05-01T10:00:00Z"
    assert times["sgr-c2"] is None and times["sgr-p1"] is None


def test_cross_account_references_feed_referenced_by():
    state = build_state(CLASSIC)
    foreign = {"sg-bp1vpcports000001": [("1999888877776666", "sg-bp1otheraccount01")]}
    with served(state, foreign_references=foreign) as ecs:
        read = read_live(config(ecs.endpoint)).state
    vpc = next(g for g in read.groups if g.id == "sg-bp1vpcports000001")
    assert vpc.live is not None
    assert vpc.live.referenced_by == ("1999888877776666/sg-bp1otheraccount01",)


def test_deletion_protection_is_not_read_from_a_field_the_sdk_drops():
    with served(build_state(CLASSIC)) as ecs:
        ecs.store.groups["sg-bp1classic0000001"]["item"]["DeletionProtection"] = True
        read = read_live(config(ecs.endpoint)).state
    assert all(g.live is not None and not g.live.deletion_protection for g in read.groups)
