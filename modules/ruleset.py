"""``sgplan:ecs:RuleSet`` for Pulumi programs: the complete rule set of one security group.

The resource lives in the sgplan provider plugin (``provider/``, found through the
``plugins.providers`` entry of ``Pulumi.yaml``). Its preview is the sgplan planner on the
group against a fresh live read, its apply the sgplan apply engine.
"""

from __future__ import annotations

from typing import Any

import pulumi

from sgplan.provider.schema import RULESET

_TO_INPUT = {
    "group_id": "groupId",
    "group_name": "groupName",
    "rule_ids": "ruleIds",
    "applied_rule_ids": "appliedRuleIds",
}
_TO_PYTHON = {v: k for k, v in _TO_INPUT.items()}


class RuleSet(pulumi.CustomResource):
    """Inputs: ``group_id``, ``region``, ``rules`` (name -> rule fields, see
    :func:`sgplan.provider.inputs.rule_input`), ``mode`` (sync/additive), ``group_name``.
    Outputs: ``rule_ids`` (name -> sgr-...), ``applied_rule_ids``, ``counts``, ``fingerprint``.
    """

    group_id: pulumi.Output[str]
    rule_ids: pulumi.Output[dict[str, str]]
    applied_rule_ids: pulumi.Output[dict[str, str]]
    counts: pulumi.Output[dict[str, int]]
    fingerprint: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        group_id: pulumi.Input[str],
        region: pulumi.Input[str],
        rules: pulumi.Input[dict[str, Any]],
        mode: pulumi.Input[str] = "sync",
        group_name: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "group_id": group_id,
            "region": region,
            "group_name": group_name,
            "mode": mode,
            "rules": rules,
            "rule_ids": None,
            "applied_rule_ids": None,
            "counts": None,
            "fingerprint": None,
        }
        super().__init__(RULESET, resource_name, props, opts)

    def translate_input_property(self, prop: str) -> str:
        return _TO_INPUT.get(prop, prop)

    def translate_output_property(self, prop: str) -> str:
        return _TO_PYTHON.get(prop, prop)
