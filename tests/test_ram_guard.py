"""The RAM guard: its document is generated from data and equals seed 003's JSON by default;
the component registers one alicloud.ram.Policy under Pulumi's mock runtime."""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pytest

from modules.ram_guard import GuardSpec, RamGuard, RamGuardArgs, guard_document

SEED_DOCUMENT = json.loads((Path(__file__).parent / "golden" / "ram_guard.json").read_text())


class Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.created: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.created.append(args)
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


@pytest.fixture
def mocks() -> Mocks:
    """Fresh mocks for each test (set here, not at import, so other suites keep theirs)."""
    found = Mocks()
    pulumi.runtime.set_mocks(found, preview=False)
    return found


def test_the_default_document_is_the_seeds():
    assert guard_document() == SEED_DOCUMENT


def test_the_document_follows_the_spec():
    doc = guard_document(GuardSpec(protocols=("TCP", "UDP"), source_cidrs=("0.0.0.0/0", "::/0"),
                                   require_group_on_create=False))  # fmt: skip
    (statement,) = doc["Statement"]
    assert statement["Condition"] == {
        "StringLike": {"ecs:SecurityGroupIpProtocols": ["TCP", "UDP"]},
        "CIDRInRange": {"ecs:SecurityGroupSourceCidrIps": ["0.0.0.0/0", "::/0"]},
    }
    with pytest.raises(ValueError, match="at least one protocol"):
        GuardSpec(protocols=())


@pulumi.runtime.test
def test_the_component_registers_one_ram_policy(mocks):
    guard = RamGuard("ops-guard", RamGuardArgs(policy_name="deny-open-ops"))

    def check(values):
        name, document = values
        assert name == "deny-open-ops"
        assert json.loads(document) == SEED_DOCUMENT
        policies = [a for a in mocks.created if a.typ == "alicloud:ram/policy:Policy"]
        assert [a.name for a in policies] == ["ops-guard-policy"]
        component = next(a for a in mocks.created if a.typ == "sgplan:modules:RamGuard")
        assert component.name == "ops-guard"

    return pulumi.Output.all(guard.policy.policy_name, guard.policy.policy_document).apply(check)
