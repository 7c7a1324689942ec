"""The ``sgplan:ecs:RuleSet`` inputs as plain data, and their validation (no Pulumi import).

A RuleSet is the complete rule set of one security group. Its ``rules`` input is a map from a
stable name to one rule in the canonical model's fields (camelCase, as Pulumi schemas spell
them). The name derives only from the rule's identity (:func:`rule_name`): reordering a stack
changes nothing, a description edit is an update of the same key, and any other change is a
new key (add) and an old key gone (delete).

Both sides use this module: the Pulumi program turns a stack's rules into inputs
(:func:`rule_input`) and the provider turns inputs back into rules (:func:`parse_inputs`),
so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from ..formats.resource_ids import rule_resource_name
from ..model.group import SecurityGroup
from ..model.issues import Issue
from ..model.rule import Rule, normalize_rule
from ..model.stack import Stack
from ..model.validate import check_stack

Mode = Literal["sync", "additive"]
MODES: tuple[str, ...] = ("sync", "additive")

# model field -> input property (schema spelling)
RULE_FIELDS: dict[str, str] = {
    "direction": "direction",
    "protocol": "protocol",
    "ports": "ports",
    "peer": "peer",
    "policy": "policy",
    "priority": "priority",
    "nic_type": "nicType",
    "source_ports": "sourcePorts",
    "local_cidr": "localCidr",
    "description": "description",
}
INPUT_FIELDS: dict[str, str] = {v: k for k, v in RULE_FIELDS.items()}


def rule_name(rule: Rule) -> str:
    """``in-tcp-443-1a2b3c4d``: direction, protocol, ports, ``drop``, identity hash."""
    return rule_resource_name("x", rule)[2:]


def rule_input(rule: Rule, peer: Any = None) -> dict[str, Any]:
    """One rule as the RuleSet's ``rules`` map holds it. ``peer`` replaces the peer text (the
    program passes the live ID of a group or prefix list the stack names)."""
    out: dict[str, Any] = {
        "direction": rule.direction,
        "protocol": rule.protocol,
        "ports": str(rule.ports),
        "peer": str(rule.peer) if peer is None else peer,
        "policy": rule.policy,
        "priority": rule.priority,
        "nicType": rule.nic_type,
    }
    if rule.source_ports is not None:
        out["sourcePorts"] = str(rule.source_ports)
    if rule.local_cidr:
        out["localCidr"] = rule.local_cidr
    if rule.description is not None:
        out["description"] = rule.description
    return out


def path(name: str, attr: str | None = None) -> str:
    """The property path of a rule (or one of its fields) in diffs and check failures."""
    base = f'rules["{name}"]'
    return f"{base}.{attr}" if attr else base


@dataclass(frozen=True)
class Failure:
    """One problem of the inputs: the property path and what is wrong and allowed."""

    property: str
    reason: str


@dataclass
class RuleSetInputs:
    group_id: str
    region: str
    group_name: str
    mode: Mode
    rules: dict[str, Rule] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.group_name} ({self.group_id})" if self.group_name else self.group_id

    def desired_group(self) -> SecurityGroup:
        return SecurityGroup(
            name=self.group_name or self.group_id,
            id=self.group_id,
            rules=tuple(self.rules.values()),
        )

    def names_by_key(self) -> dict[Any, str]:
        return {r.key: n for n, r in self.rules.items()}


def _text(raw: Mapping[str, Any], key: str, failures: list[Failure], *, required: bool) -> str:
    value = raw.get(key)
    if value is None or value == "":
        if required:
            failures.append(Failure(key, f"{key} is required"))
        return ""
    if not isinstance(value, str):
        failures.append(Failure(key, f"{key} must be text, got {type(value).__name__}"))
        return ""
    return value


def _rule(name: str, data: Any, failures: list[Failure]) -> Rule | None:
    if not isinstance(data, Mapping):
        failures.append(Failure(path(name), "a rule must be an object of rule fields"))
        return None
    unknown = sorted(set(data) - set(INPUT_FIELDS))
    if unknown:
        failures.append(Failure(path(name, unknown[0]),
                                f"unknown field(s) {', '.join(unknown)}; allowed: "
                                + ", ".join(sorted(INPUT_FIELDS))))  # fmt: skip
        return None
    fields: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            continue
        if key == "priority" and isinstance(value, float) and value.is_integer():
            value = int(value)
        fields[INPUT_FIELDS[key]] = value
    _, problems = normalize_rule(fields)
    if problems:
        for model_field, message in problems:
            failures.append(Failure(path(name, RULE_FIELDS.get(model_field, model_field)), message))
        return None
    try:
        return Rule.model_validate(fields)
    except ValidationError as exc:
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ()) if p != "__root__"]
            attr = RULE_FIELDS.get(loc[0], loc[0]) if loc else None
            failures.append(Failure(path(name, attr), err["msg"]))
        return None


def parse_inputs(raw: Mapping[str, Any]) -> tuple[RuleSetInputs, list[Failure]]:
    """The inputs and every problem with them (all at once; empty when valid).

    Values still unknown (a group ID during the preview of a new group) are passed as
    ``None`` by the caller and are not reported.
    """
    failures: list[Failure] = []
    group_id = _text(raw, "groupId", failures, required="groupId" in raw)
    if group_id and not group_id.startswith("sg-"):
        failures.append(Failure("groupId", f"groupId {group_id!r} is not a security group "
                                           "ID; allowed: sg-..."))  # fmt: skip
    region = _text(raw, "region", failures, required=True)
    group_name = _text(raw, "groupName", failures, required=False)
    mode = raw.get("mode") or "sync"
    if mode not in MODES:
        failures.append(Failure("mode", f"mode {mode!r} is not allowed; allowed: sync, additive"))
        mode = "sync"
    rules_raw = raw.get("rules") or {}
    rules: dict[str, Rule] = {}
    if not isinstance(rules_raw, Mapping):
        failures.append(Failure("rules", "rules must be a map of name -> rule"))
        rules_raw = {}
    seen: dict[Any, str] = {}
    for name, data in rules_raw.items():
        rule = _rule(str(name), data, failures)
        if rule is None:
            continue
        other = seen.get(rule.key)
        if other is not None:
            failures.append(Failure(path(str(name)),
                                    f"`{rule.text()}` has the identity of rule {other!r}; the "
                                    "cloud would hold them as one rule; keep one"))  # fmt: skip
            continue
        seen[rule.key] = str(name)
        rules[str(name)] = rule
    inputs = RuleSetInputs(group_id, region, group_name, mode, rules)  # type: ignore[arg-type]
    if rules and not failures:
        failures += _group_failures(inputs)
    return inputs, failures


def _group_failures(inputs: RuleSetInputs) -> list[Failure]:
    """The whole-group checks of the model (limits, names, families), by rule name."""
    group = inputs.desired_group().model_copy(update={"vpc_id": "vpc-of-the-group"})
    stack = Stack(name="ruleset", region=inputs.region or "unknown", groups=(group,))
    names = list(inputs.rules)
    out: list[Failure] = []
    for issue in check_stack(stack):
        out.append(_failure(issue, names))
    return out


def _failure(issue: Issue, names: list[str]) -> Failure:
    if issue.rule is not None and 1 <= issue.rule <= len(names):
        return Failure(path(names[issue.rule - 1], _attr(issue.field)), issue.message)
    return Failure("rules", issue.message)


def _attr(model_field: str | None) -> str | None:
    return RULE_FIELDS.get(model_field or "")
