"""Run the checks over a stack, a current state, or groups gathered elsewhere (the CrossGuard
pack), apply waivers, and pick out what blocks."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from ..evaluate.catalog import Context
from ..evaluate.packet import RuleRef
from ..model.group import Member, PortRangeList, PrefixList, SecurityGroup
from ..model.issues import InputError, Issue
from ..model.stack import Stack, State
from . import hygiene
from .checks import CHECKS, Finding, apply_waivers, finding
from .risks import RISK_CHECKS, Service, catalogue
from .views import CLASSIC_CHECK, exposure_findings, useless_findings, views_of

_EXPOSURE = frozenset({"open-all", CLASSIC_CHECK, *RISK_CHECKS})
_USELESS = frozenset({"shadowed-rule", "redundant-rule"})


@dataclass(frozen=True)
class LintInput:
    """What lint looks at: groups, the prefix lists their rules use, NIC memberships, and
    the environment they belong to (None: guess from names and tags)."""

    groups: tuple[SecurityGroup, ...]
    prefix_lists: tuple[PrefixList, ...] = ()
    members: tuple[Member, ...] = ()
    environment: str | None = None
    port_lists: tuple[PortRangeList, ...] = ()


def lint_input(source: Stack | State | LintInput) -> LintInput:
    if isinstance(source, LintInput):
        return source
    env = source.env if isinstance(source, Stack) else None
    return LintInput(source.groups, source.prefix_lists, source.members, env, source.port_lists)


def lint(
    source: Stack | State | LintInput,
    today: date,
    checks: Collection[str] | None = None,
    *,
    unreadable: Sequence[Issue] = (),
    risks: Sequence[Service] = (),
) -> list[Finding]:
    """Every finding, waivers applied (waived findings are kept, marked), in group order.

    ``unreadable`` are the parts of the input that could not be read (each becomes an
    ``unreadable-rule`` finding; the rest is judged all the same); ``risks`` are a team's
    own services added to the catalogue (:mod:`sgplan.lint.risks`)."""
    wanted = set(CHECKS) if checks is None else set(checks)
    unknown = wanted - set(CHECKS)
    if unknown:
        raise InputError(
            f"unknown check(s) {', '.join(sorted(unknown))}; allowed: {', '.join(CHECKS)}"
        )
    data = lint_input(source)
    ctx = Context.of(data.groups, data.prefix_lists, data.port_lists)
    out: list[Finding] = []
    if "unreadable-rule" in wanted:
        out.extend(_unreadable(i) for i in unreadable)
    if wanted & (_EXPOSURE | _USELESS):
        alone, nics = views_of(data.groups, data.members, ctx)
        if wanted & _EXPOSURE:
            out.extend(exposure_findings(data.groups, alone, nics, ctx, wanted, catalogue(risks)))
        if wanted & _USELESS:
            out.extend(useless_findings(data.groups, alone, nics, ctx, wanted))
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


def _unreadable(issue: Issue) -> Finding:
    where = issue.stack if issue.stack else None
    rule = ""
    if issue.rule is not None:
        rule = f"rule {issue.rule}" + (f" `{issue.rule_text}`" if issue.rule_text else "") + ": "
    return finding(
        "unreadable-rule",
        issue.group or "?",
        f"{rule}could not be read, so it is not judged: {issue.message}",
        where=where,
    )


def _cannot_judge(group: SecurityGroup, ctx: Context) -> list[Finding]:
    out = []
    token = ctx.directory.of_group(group)
    for i, rule in enumerate(group.rules):
        missing = ctx.unknown_lists(rule)
        if not missing:
            continue
        ref = RuleRef(token, i + 1, rule, group.id)
        text = "; ".join(f"entries of {m} unknown" for m in missing)
        out.append(
            finding("cannot-judge", token, f"cannot judge: {text}; pull to include them",
                    group_id=group.id, rule=ref)
        )  # fmt: skip
    return out


def _group_findings(
    group: SecurityGroup, ctx: Context, env: str | None, wanted: set[str]
) -> list[Finding]:
    out: list[Finding] = []
    if "cannot-judge" in wanted:
        out.extend(_cannot_judge(group, ctx))
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
