"""The snapshot file and console export files: lossless, deterministic, honest about limits."""

from __future__ import annotations

import json
import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sgplan.formats import console, snapshot
from sgplan.formats.api import attribute_body, group_from_attribute
from sgplan.model.build import build_state
from sgplan.model.issues import InputError


def sample_state(rule_count=6, region="cn-hangzhou"):
    rules = [
        {"direction": "ingress", "protocol": "tcp", "ports": 22, "peer": "0.0.0.0/0", "priority": 110,
         "rule_id": "sgr-legacy", "description": "系统创建规则"},
        {"direction": "ingress", "protocol": "icmp", "peer": "0.0.0.0/0", "priority": 100},
        {"direction": "ingress", "protocol": "tcp", "ports": "3306", "peer": "sg-bp1app", "priority": 1},
        {"direction": "egress", "protocol": "all", "peer": "::/0", "policy": "drop", "priority": 100},
        {"direction": "ingress", "protocol": "tcp", "ports": 443, "peer": "pl-bp1office", "priority": 1},
        {"direction": "ingress", "protocol": "udp", "ports": "1000-2000", "peer": "10.0.0.0/8",
         "source_ports": 53, "local_cidr": "192.168.1.0/24", "priority": 7},
    ][:rule_count]  # fmt: skip
    return build_state({
        "region": region,
        "groups": [{"id": "sg-bp1db", "name": "prod-mysql-db-sg", "description": "db", "vpc_id": "vpc-1",
                    "tags": {"env": "prod"}, "live": {"service_managed": False, "nic_count": 2},
                    "rules": rules}],
        "members": [{"nic": "eni-1", "instance": "i-1", "groups": ["sg-bp1db"]}],
    })  # fmt: skip


def test_snapshot_round_trips_and_puts_one_rule_per_line():
    state = sample_state()
    text = snapshot.dumps(state)
    back = snapshot.loads(text)
    assert snapshot.dumps(back) == text
    assert set(back.groups[0].rules) == set(state.groups[0].rules)
    assert back.groups[0].model_copy(update={"rules": ()}) == state.groups[0].model_copy(
        update={"rules": ()}
    )
    assert back.members == state.members
    rule_lines = [line for line in text.splitlines() if '"direction"' in line]
    assert len(rule_lines) == 6
    assert all(line.strip().startswith("{") for line in rule_lines)
    assert "系统创建规则" in text  # kept readable, not \\u-escaped


def test_snapshot_is_independent_of_input_order():
    state = sample_state()
    g = state.groups[0]
    shuffled = list(g.rules)
    random.Random(7).shuffle(shuffled)
    other = state.model_copy(update={"groups": (g.model_copy(update={"rules": tuple(shuffled)}),)})
    assert snapshot.dumps(other) == snapshot.dumps(state)


def test_unchanged_snapshot_is_not_rewritten(tmp_path):
    path = tmp_path / "state" / "prod.json"
    assert snapshot.write(sample_state(), path) is True
    stamp = path.stat().st_mtime_ns
    assert snapshot.write(sample_state(), path) is False
    assert path.stat().st_mtime_ns == stamp


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not valid JSON"),
        ('{"region": "x"}', "not an sgplan snapshot"),
        ('{"version": 9, "groups": []}', "snapshot version 9 is not supported; allowed: 1"),
    ],
)
def test_bad_snapshots_are_input_errors(text, message):
    with pytest.raises(InputError, match=message):
        snapshot.loads(text)


def test_console_json_and_csv_round_trip(tmp_path):
    group = sample_state().groups[0]
    j = console.write_json(group, "cn-hangzhou", tmp_path)
    c = console.write_csv(group, "cn-hangzhou", tmp_path, date(2020, 1, 20))
    assert j.name == "ecs_cn-hangzhou_sg-bp1db.json"
    assert c.name == "ecs_sgRule_sg-bp1db_cn-hangzhou_2020-01-20.csv"
    for path in (j, c):
        back = console.read(path)
        assert back.region == "cn-hangzhou"
        assert back.group.id == "sg-bp1db"
        assert set(back.group.rules) == set(group.rules)
    header = c.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("SecurityGroupRuleId,Direction,Policy,Priority,IpProtocol,PortRange")


def test_console_import_rules(tmp_path):
    group = sample_state().groups[0]
    path = console.write_json(group, "cn-hangzhou", tmp_path)
    same, warnings = console.import_rules(path, "cn-hangzhou")
    assert len(same) == 5
    assert [w.message for w in warnings] == [
        "priority 110 is above 100 and is ignored, as the console does"
    ]
    cross, warnings = console.import_rules(path, "cn-shanghai")
    assert {str(r.peer) for r in cross} == {"0.0.0.0/0", "::/0", "10.0.0.0/8"}
    assert sum("do not cross regions" in w.message for w in warnings) == 2


def test_console_import_refuses_more_than_200_rules(tmp_path):
    rules = [
        {"direction": "ingress", "protocol": "tcp", "ports": p, "peer": "10.0.0.0/8"}
        for p in range(1, 202)
    ]
    state = build_state(
        {"groups": [{"id": "sg-big", "name": "big", "vpc_id": "vpc-1", "rules": rules}]}
    )
    path = console.write_json(state.groups[0], "cn-hangzhou", tmp_path)
    with pytest.raises(
        InputError, match="holds 201 rules; the console imports at most 200 at once"
    ):
        console.import_rules(path)


def test_console_names_are_checked(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text("[]")
    with pytest.raises(InputError, match="not a console export name"):
        console.read(path)


@settings(max_examples=40, deadline=None)
@given(st.permutations(list(range(6))), st.booleans())
def test_api_body_round_trip_whatever_the_order(order, json_text):
    group = sample_state().groups[0]
    body = attribute_body(group, "cn-hangzhou")
    perms = body["Permissions"]["Permission"]
    body["Permissions"]["Permission"] = [perms[i] for i in order]
    if json_text:
        body = json.loads(json.dumps(body))
    back, problems = group_from_attribute(body)
    assert problems == []
    assert set(back.rules) == set(group.rules)
