"""CrossGuard policy pack: sgplan's lint checks on the security groups, rule sets
(``sgplan:ecs:RuleSet``, one per group), rules and prefix lists a Pulumi stack registers,
with the same names and severities as ``sgplan lint`` (critical -> mandatory, warning and
info -> advisory).

Each check is a stack validation, because what a rule exposes depends on the other rules of
its group (a stronger drop, a shadowing accept). Violations point at the URN of the rule's
resource (its RuleSet) or the group's.

Waivers are the stack's own: a rule declared with ``waive("open-admin-port", ...)`` in
``stacks/<stack>.py`` (the Pulumi stack's name, or its ``sgplan:stackFile``) is waived here
until the waiver expires, exactly as ``sgplan lint`` and the program's gate waive it. A
policy's config may add waivers for what the stack cannot carry, by resource name (the
group's logical name for a RuleSet, e.g. ``prod-shop-web-sg``) and, optionally, one rule of
it (its key in the RuleSet's ``rules``, e.g. ``in-tcp-22-1a2b3c4d``):

    {"open-admin-port": {"waived": [{"resource": "prod-shop-web-sg", "rule": "in-tcp-22-1a2b3c4d",
                                     "reason": "vendor box", "expires": "2026-05-31"}]}}

Rules that cannot be judged (their fields are not known during a preview and the stack does
not declare them) are reported by the advisory ``rule-not-judged`` policy, never skipped
silently.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    PolicyResource,
    ReportViolation,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

from sgplan.lint import CHECKS, Check, lint
from sgplan.lint.resources import (
    GROUP_TYPE,
    PREFIX_LIST_TYPE,
    RULE_TYPE,
    RULESET_TYPE,
    UNKNOWN,
    Resource,
    StackContext,
    gather,
    stack_context,
)
from sgplan.load import load_stack, project_root
from sgplan.model.issues import InputError, StackInvalid

TYPES = frozenset({GROUP_TYPE, RULE_TYPE, RULESET_TYPE, PREFIX_LIST_TYPE})
NOT_JUDGED = "rule-not-judged"
ROOT = project_root(Path(__file__).resolve().parent)
LEVELS = {"critical": EnforcementLevel.MANDATORY, "warning": EnforcementLevel.ADVISORY,
          "info": EnforcementLevel.ADVISORY}  # fmt: skip
SEVERITIES = {"critical": Severity.CRITICAL, "warning": Severity.MEDIUM, "info": Severity.LOW}
WAIVERS = PolicyConfigSchema(
    properties={
        "waived": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "resource": {
                        "type": "string",
                        "description": "the resource's name: a group's logical name (its "
                        "RuleSet and SecurityGroup), or a SecurityGroupRule's",
                    },
                    "rule": {
                        "type": "string",
                        "description": "one rule of the RuleSet: its key in `rules`",
                    },
                    "reason": {"type": "string", "minLength": 3},
                    "expires": {"type": "string", "format": "date"},
                },
                "required": ["resource", "reason", "expires"],
            },
        }
    }
)


def snake(key: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in key)


def plain(resource: PolicyResource) -> Resource:
    """A resource as plain data: snake_case keys, values unknown at preview as UNKNOWN."""
    props: dict[str, Any] = {}
    for key in resource.props:
        try:
            props[snake(key)] = _plain_value(resource.props[key])
        except UnknownValueError:
            props[snake(key)] = UNKNOWN
    depends = {snake(k): tuple(d.urn for d in v) for k, v in resource.property_dependencies.items()}
    return Resource(resource.resource_type, resource.urn, resource.name, props, depends)


def _plain_value(value: Any) -> Any:
    """Plain data; a nested value unknown during preview becomes UNKNOWN (only it)."""
    if isinstance(value, Mapping):
        return {k: _known(lambda k=k: value[k]) for k in value}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_known(lambda i=i: value[i]) for i in range(len(value))]
    return value


def _known(get: Callable[[], Any]) -> Any:
    try:
        return _plain_value(get())
    except UnknownValueError:
        return UNKNOWN


def stack_name(urn: str) -> str:
    """``urn:pulumi:STACK::project::type::name`` -> STACK."""
    return urn.split("::", 1)[0].removeprefix("urn:pulumi:")


def context_for(stack: str) -> tuple[StackContext, str | None]:
    """The stack's waivers (and declared rules) for a Pulumi stack, or why there are none."""
    return _context(stack, ROOT)


@functools.cache
def _context(stack: str, root: Path) -> tuple[StackContext, str | None]:
    from sgplan.promotion import stack_setting

    try:
        ref = stack_setting(stack, "sgplan:stackFile", root) or stack
        return stack_context(load_stack(str(ref), root)), None
    except StackInvalid as exc:
        return StackContext(), f"stack {stack} is invalid ({len(exc.issues)} problems)"
    except InputError as exc:
        return StackContext(), str(exc)


def validator(
    check: Check, today: Callable[[], date] = date.today
) -> Callable[[StackValidationArgs, ReportViolation], None]:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        resources = [plain(r) for r in args.resources if r.resource_type in TYPES]
        if not resources:
            args.not_applicable("no Alibaba Cloud security groups in this stack")
        context, problem = context_for(stack_name(resources[0].urn))
        gathered = gather(resources, context)
        waived = _waivers(args.get_config(), today())
        names = {r.urn: r.name for r in resources}
        note = f" (waivers in the stack not applied: {problem})" if problem else ""
        for f in lint(gathered.input, today(), [check.name]):
            urn = gathered.urn_of(f)
            name = names.get(urn or "")
            key = _rule_key(f)
            if f.waived or (name, None) in waived or (name, key) in waived:
                continue
            report_violation(f"{f.location()}: {f.message}. Fix: {f.remediation}{note}", urn)

    return validate


def _rule_key(f: Any) -> str | None:
    from sgplan.lint.resources import ruleset_rule_name

    return ruleset_rule_name(f.rule.rule) if f.rule is not None else None


def _waivers(config: Mapping[str, Any], today: date) -> set[tuple[str, str | None]]:
    return {
        (str(w["resource"]), w.get("rule"))
        for w in config.get("waived", ())
        if date.fromisoformat(str(w["expires"])) >= today
    }


def not_judged(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    resources = [plain(r) for r in args.resources if r.resource_type in TYPES]
    if not resources:
        args.not_applicable("no Alibaba Cloud security groups in this stack")
    context, _ = context_for(stack_name(resources[0].urn))
    for urn, reason in gather(resources, context).skipped:
        report_violation(f"not judged by any check: {reason}", urn)


def policies(today: Callable[[], date] = date.today) -> list[StackValidationPolicy]:
    return [
        StackValidationPolicy(
            name=check.name,
            description=check.title,
            validate=validator(check, today),
            enforcement_level=LEVELS[check.severity],
            severity=SEVERITIES[check.severity],
            remediation_steps=check.remediation,
            config_schema=WAIVERS,
        )
        for check in CHECKS.values()
    ] + [
        StackValidationPolicy(
            name=NOT_JUDGED,
            description="a rule the checks could not read (unknown during preview, or invalid)",
            validate=not_judged,
            enforcement_level=EnforcementLevel.ADVISORY,
            severity=Severity.LOW,
            remediation_steps="Run `sgplan lint --stack STACK` on the stack, or preview again "
            "once the values are known.",
        )
    ]


if __name__ == "__main__":
    PolicyPack(name="sgplan", policies=policies(), enforcement_level=EnforcementLevel.ADVISORY)
