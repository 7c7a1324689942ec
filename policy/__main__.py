"""CrossGuard policy pack: sgplan's lint checks on the security groups, rules and prefix
lists a Pulumi stack registers, with the same names and severities as ``sgplan lint``
(critical -> mandatory, warning and info -> advisory).

Each check is a stack validation, because what a rule exposes depends on the other rules of
its group (a stronger drop, a shadowing accept). Violations point at the rule's (or the
group's) URN. A policy's config may waive findings per resource:

    {"open-admin-port": {"waived": [{"resource": "web-ssh-vendor", "reason": "vendor box",
                                     "expires": "2026-05-31"}]}}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
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
    gather,
)

TYPES = frozenset({GROUP_TYPE, RULE_TYPE, RULESET_TYPE, PREFIX_LIST_TYPE})
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
                    "resource": {"type": "string", "description": "the resource's logical name"},
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
    if isinstance(value, Mapping):
        return {k: _plain_value(value[k]) for k in value}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain_value(v) for v in value]
    return value


def validator(
    check: Check, today: Callable[[], date] = date.today
) -> Callable[[StackValidationArgs, ReportViolation], None]:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        resources = [plain(r) for r in args.resources if r.resource_type in TYPES]
        if not resources:
            args.not_applicable("no Alibaba Cloud security groups in this stack")
        gathered = gather(resources)
        waived = _waivers(args.get_config(), today())
        names = {r.urn: r.name for r in resources}
        for f in lint(gathered.input, today(), [check.name]):
            urn = gathered.urn_of(f)
            if f.waived or names.get(urn or "") in waived:
                continue
            report_violation(f"{f.location()}: {f.message}. Fix: {f.remediation}", urn)

    return validate


def _waivers(config: Mapping[str, Any], today: date) -> set[str]:
    return {
        w["resource"]
        for w in config.get("waived", ())
        if date.fromisoformat(str(w["expires"])) >= today
    }


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
    ]


if __name__ == "__main__":
    PolicyPack(name="sgplan", policies=policies(), enforcement_level=EnforcementLevel.ADVISORY)
