"""Rules as frozen objects with slots: small, immutable, validated on every way in, and
behaving as the pydantic model they replaced (dumps, copies, pickling, nesting)."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import sys

import pytest
from pydantic import ValidationError

from sgplan.model import SecurityGroup
from sgplan.model.ports import PortRange
from sgplan.model.rule import Rule, Waiver

FIELDS = {"direction": "ingress", "protocol": "tcp", "ports": 22, "peer": "10.0.0.1",
          "description": "ssh", "rule_id": "sgr-1"}  # fmt: skip


def test_a_rule_has_no_instance_dict_and_is_small():
    rule = Rule(**FIELDS)
    assert not hasattr(rule, "__dict__")
    assert sys.getsizeof(rule) <= 160


def test_rules_are_frozen():
    rule = Rule(**FIELDS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.priority = 5  # type: ignore[misc]


def test_every_way_in_validates_and_canonicalises():
    direct = Rule(direction="INGRESS", protocol="TCP", ports="22/22", peer="10.0.0.1/32",
                  description="ssh", rule_id="sgr-1")  # fmt: skip
    validated = Rule.model_validate(FIELDS)
    nested = SecurityGroup(name="web", rules=[FIELDS]).rules[0]
    assert direct == validated == nested
    assert nested.ports == PortRange(22, 22) and str(nested.peer) == "10.0.0.1/32"
    with pytest.raises(ValidationError, match="port range 70000 is outside 1-65535"):
        Rule.model_validate({**FIELDS, "ports": 70000})
    with pytest.raises(ValidationError, match="protocol 'sctp' is not allowed"):
        SecurityGroup(name="web", rules=[{**FIELDS, "protocol": "sctp"}])


def test_a_rule_from_normalized_fields_still_checks_types():
    with pytest.raises(ValidationError, match="rule_id must be text"):
        Rule.from_normalized({**FIELDS, "peer": Rule(**FIELDS).peer, "rule_id": 5})


def test_model_copy_recomputes_the_identity():
    rule = Rule(**FIELDS)
    assert rule.model_copy() is rule
    moved = rule.model_copy(update={"priority": 7})
    assert moved.priority == 7 and moved.key[3] == 7 and rule.key[3] == 1


def test_dumps_match_the_pydantic_shapes():
    rule = Rule(**FIELDS, waivers=[{"check": "open-all", "reason": "lab", "expires": "2030-01-01"}])
    assert rule.model_dump(mode="json", exclude_none=True) == {
        "direction": "ingress", "protocol": "tcp", "peer": "10.0.0.1/32", "ports": "22/22",
        "policy": "accept", "priority": 1, "nic_type": "intranet", "description": "ssh",
        "waivers": [{"check": "open-all", "reason": "lab", "expires": "2030-01-01"}],
        "rule_id": "sgr-1",
    }  # fmt: skip
    assert isinstance(rule.waivers[0], Waiver)
    group = SecurityGroup(name="web", rules=(rule,))
    dumped = group.model_dump(mode="json", exclude_none=True)["rules"][0]
    assert dumped == rule.model_dump(mode="json", exclude_none=True)
    assert SecurityGroup.model_validate(group.model_dump()) == group


def test_pickle_and_copies_keep_the_rule():
    rule = Rule(**FIELDS)
    back = pickle.loads(pickle.dumps(rule))
    assert back == rule and back.key == rule.key and back.rule_id == "sgr-1"
    assert copy.deepcopy(rule) is rule
