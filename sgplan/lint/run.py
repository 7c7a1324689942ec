"""Run the checks over a stack, a current state, or groups gathered elsewhere (the CrossGuard
pack), apply waivers, and pick out what blocks."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from ..evaluate.catalog import Context
from ..evaluate.evaluator import Evaluator
from ..model.group import Member, PrefixList, SecurityGroup
from ..model.issues import InputError
from ..model.stack import Stack, State
from . import hygiene
from .checks import CHECKS, Finding, apply_waivers
from .reach import (
    EXPOSURE_CHECKS,
    GroupReach,
    exposure_findings,
    open_all_findings,
    useless_rule_findings,
)

_REACH_CHECKS = frozenset({"open-all", "shadowed-rule", "redundant-rule", *EXPOSURE_CHECKS})


@dataclass(frozen=True)
class LintInput:
    """What lint looks at: groups, the prefix lists their rules use, NIC memberships, and
    the environment they belong to (None: guess from names and tags)."""

    groups: tuple[SecurityGroup, ...]
    prefix_lists: tuple[PrefixList, ...] = ()
    members: tuple[Member, ...] = ()
    environment: str | None = None


def lint_input(source: Stack | State | LintInput) -> LintInput:
    if isinstance(source, LintInput):
        return source
    env = source.env if isinstance(source, Stack) else None
    return LintInput(source.groups, source.prefix_lists, source.members, env)


def lint(
    source: Stack | State | LintInput, today: date, checks: Collection[str] | None = None
) -> list[Finding]:
    """Every finding, waivers applied (waived findings are kept, marked), in group order."""
    wanted = set(CHECKS) if checks is None else set(checks)
    unknown = wanted - set(CHECKS)
    if unknown:
        raise InputError(
            f"unknown check(s) {', '.join(sorted(unknown))}; allowed: {', '.join(CHECKS)}"
        )
    data = lint_input(source)
    ctx = Context.of(data.groups, data.prefix_lists)
    out: list[Finding] = []
    for group in data.groups:
        out.extend(_group_findings(group, ctx, data.environment, wanted))
    if "environment-mixing" in wanted:
        out.extend(
            hygiene.environment_mixing(data.groups, data.members, ctx.directory, data.environment)
        )
    if "limit-exceeded" in wanted:
        out.extend(hygiene.limits(data.groups, data.members, ctx.prefix_lists, ctx.directory))
    order = {ctx.directory.of_group(g): i for i, g in enumerate(data.groups)}
    check_order = {name: i for i, name in enumerate(CHECKS)}
    out.sort(
        key=lambda f: (
            order.get(f.group, len(order)),
            f.rule.position if f.rule else 0,
            check_order[f.check],
        )
    )
    return [apply_waivers(f, today) for f in out]


def _group_findings(
    group: SecurityGroup, ctx: Context, env: str | None, wanted: set[str]
) -> list[Finding]:
    out: list[Finding] = []
    if wanted & _REACH_CHECKS:
        reach = GroupReach(Evaluator([group], ctx))
        if "open-all" in wanted:
            out.extend(open_all_findings(reach))
        for check in EXPOSURE_CHECKS:
            if check in wanted:
                out.extend(exposure_findings(reach, check))
        if wanted & {"shadowed-rule", "redundant-rule"}:
            out.extend(f for f in useless_rule_findings(reach) if f.check in wanted)
    if "naming-convention" in wanted:
        out.extend(hygiene.naming(group, ctx.directory, env))
    if "missing-description" in wanted:
        out.extend(hygiene.missing_descriptions(group, ctx.directory))
    return out


def blocking(findings: Sequence[Finding]) -> list[Finding]:
    """Unwaived critical findings: what fails ``sgplan lint`` and the Pulumi gate."""
    return [f for f in findings if f.severity == "critical" and not f.waived]


def gate(stack: Stack, today: date) -> list[Finding]:
    """The unwaived critical findings of ``stack``; the Pulumi program refuses to register
    resources while this is not empty."""
    return blocking(lint(stack, today))
