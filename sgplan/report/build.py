"""The report as data: everything the page, the text table and the tests read.

    doc = build_report(ReportInput(title="stack prod", groups=state.groups, ...))

It is built from the evaluator's results only: the access matrix (:mod:`.matrix`), the
effective access of each group (:func:`sgplan.evaluate.effective_access`), lint findings,
and, for a plan, the semantic diff (``GroupPlan.effects``) and the matrices before and
after. Rules appear as the things that decide, numbered once (``rules``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from ..evaluate.access import effective_access
from ..evaluate.catalog import Context, Directory, GroupIndex
from ..evaluate.evaluator import Evaluator
from ..evaluate.render import headline
from ..lint.checks import CHECKS, SEVERITIES, Finding
from ..lint.run import LintInput, lint
from ..model.group import Member, PrefixList, SecurityGroup
from ..model.rule import Rule
from ..plan.model import GroupPlan, Plan
from .axes import Column, Row, build_rows, group_columns, nic_columns
from .diffing import diff_matrices
from .graph import build_graph
from .matrix import Matrix, RuleBook, compute_matrix
from .risk import RISK_TITLES, RISKS

ACCESS_LINES_MAX = 60
"""Groups up to which each group's section also lists its effective access as lines (the
matrix column says the same; on large estates the lines would double the page)."""
REPORT_FORMAT = "sgplan-report"
REPORT_VERSION = 2


@dataclass
class Version:
    """One version of the groups: what is judged."""

    groups: tuple[SecurityGroup, ...]
    prefix_lists: tuple[PrefixList, ...] = ()
    members: tuple[Member, ...] = ()


@dataclass
class ReportInput:
    title: str
    source: str
    after: Version
    before: Version | None = None  # with a plan: the current state
    plan: Plan | None = None
    networks: Sequence[tuple[str, tuple[str, ...], str]] = ()
    columns: Literal["groups", "nics"] = "groups"
    environment: str | None = None
    today: date = field(default_factory=date.today)


def build_report(inp: ReportInput) -> dict[str, Any]:
    after = inp.after
    before = inp.before
    every = [*after.groups, *(before.groups if before else ())]
    directory = Directory(_unique(every))
    ctx = Context(directory, GroupIndex()).with_lists(after.prefix_lists)
    old_ctx = ctx.with_lists(before.prefix_lists) if before else None
    shown = _shown_groups(after.groups, before.groups if before else (), directory)
    rows = build_rows(shown, ctx, inp.networks)
    book = RuleBook()
    cols_after = _columns(inp.columns, after, ctx)
    evaluators = {c.key: Evaluator(c.groups, ctx, c.label) for c in cols_after}
    matrix = compute_matrix(rows, cols_after, ctx, book, evaluators, after.groups)
    if before is not None and old_ctx is not None:
        cols_before = _columns(inp.columns, before, old_ctx)
        old = compute_matrix(rows, cols_before, old_ctx, book, groups=before.groups)
        columns = cols_after + [c for c in cols_before if c.key not in {x.key for x in cols_after}]
        matrix = diff_matrices(old, Matrix(rows, columns, matrix.cells))
    findings = lint(
        LintInput(after.groups, after.prefix_lists, after.members, inp.environment), inp.today
    )
    old_findings = (
        lint(
            LintInput(before.groups, before.prefix_lists, before.members, inp.environment),
            inp.today,
        )
        if before is not None
        else []
    )
    group_docs = _groups(inp, ctx, evaluators, findings, book)
    doc: dict[str, Any] = {
        "format": REPORT_FORMAT,
        "version": REPORT_VERSION,
        "title": inp.title,
        "source": inp.source,
        "today": inp.today.isoformat(),
        "risks": [[r, RISK_TITLES[r]] for r in RISKS],
        "overview": _overview(inp, findings, old_findings),
        "rows": [_row(r) for r in rows],
        "columns": [_column(c) for c in matrix.columns],
        **_cells(matrix),
        "checks": {name: c.remediation for name, c in CHECKS.items()},
        "rules": _rules(book, directory),
        "groups": group_docs,
        "findings": [_finding(f) for f in findings],
        "graph": build_graph(matrix, _group_rule(book)),
        "plan": _plan(inp.plan) if inp.plan is not None else None,
    }
    return doc


def _group_rule(book: RuleBook) -> Any:
    """Whether rule number n names a group peer (or is intra-group access, -1)."""
    named = frozenset(
        n for n, (_, _, r) in enumerate(book.rules) if isinstance(r, Rule) and r.peer.is_group
    )
    return lambda n: n < 0 or n in named


def _unique(groups: Sequence[SecurityGroup]) -> list[SecurityGroup]:
    """One entry per group: the same group in two versions (same ID, or same name without
    an ID) counts once."""
    seen: set[str] = set()
    out = []
    for g in groups:
        key = g.id or f"name:{g.name}"
        if key not in seen:
            seen.add(key)
            out.append(g)
    return out


def _shown_groups(
    after: Sequence[SecurityGroup], before: Sequence[SecurityGroup], directory: Directory
) -> list[SecurityGroup]:
    tokens = {directory.of_group(g) for g in after}
    extra = [g for g in before if directory.of_group(g) not in tokens]
    return [*after, *extra]


def _columns(kind: str, version: Version, ctx: Context) -> list[Column]:
    if kind == "nics":
        from ..model.stack import State

        return nic_columns(State(groups=version.groups, members=version.members), ctx)
    return group_columns(version.groups, ctx)


def _row(r: Row) -> dict[str, Any]:
    return {"key": r.key, "label": r.label, "kind": r.kind, "note": r.note, "cidrs": list(r.cidrs)}


def _column(c: Column) -> dict[str, Any]:
    return {"key": c.key, "label": c.label, "kind": c.kind, "groups": list(c.tokens)}


def _cells(matrix: Matrix) -> dict[str, Any]:
    """``cells``: ``[row, column, n]`` where ``entries[n]`` is the cell's list of
    ``[protocol, ports, whole, risk, deciders, shadowed, egress, change]`` (risk as an index
    into ``risks``; deciders, shadowed and egress as indexes into ``numbers``, the lists of
    rule numbers, each written once); cells with the same list share it."""
    lists: dict[tuple[Any, ...], int] = {}
    table: list[Any] = []
    numbers: dict[tuple[int, ...], int] = {}
    risk_index = {r: i for i, r in enumerate(RISKS)}
    ports: dict[tuple[str, int, int], str] = {}
    out = []
    for (ri, ci), entries in sorted(matrix.cells.items()):
        listed = []
        for e in entries:  # the hot loop of large reports: lookups inlined
            where = (e.protocol, e.lo, e.hi)
            text = ports.get(where)
            if text is None:
                text = ports[where] = e.ports
            d = numbers.setdefault(e.deciders, len(numbers))
            s = numbers.setdefault(e.shadowed, len(numbers))
            g = numbers.setdefault(e.egress, len(numbers))
            listed.append((e.protocol, text, int(e.whole), risk_index[e.risk], d, s, g, e.change))
        key = tuple(listed)
        n = lists.get(key)
        if n is None:
            n = lists[key] = len(table)
            table.append([list(e) for e in listed])
        out.append([ri, ci, n])
    return {"cells": out, "entries": table, "numbers": [list(k) for k in numbers]}


def _peer_label(rule: Rule, directory: Directory) -> str:
    if rule.peer.is_group:
        token = directory.of_peer(rule.peer)
        return token if token.startswith("sg-") or "/" in token else f"group:{token}"
    return str(rule.peer)


def _rules(book: RuleBook, directory: Directory) -> list[list[Any]]:
    """``[group, position, text, description, rule id]`` by rule number."""
    out: list[list[Any]] = []
    for token, position, rule in book.rules:
        assert isinstance(rule, Rule)
        out.append(
            [token, position, rule.text(_peer_label(rule, directory)), rule.description or "",
             rule.rule_id or ""]
        )  # fmt: skip
    return out


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "check": f.check,
        "severity": f.severity,
        "group": f.group,
        "group_id": f.group_id,
        "rule": f.rule.position if f.rule else None,
        "message": f.message,
        "waived": f.waived,
    }


def _overview(inp: ReportInput, findings: list[Finding], old: list[Finding]) -> dict[str, Any]:
    after = inp.after
    counts = Counter(f.severity for f in findings if not f.waived)
    out: dict[str, Any] = {
        "groups": len(after.groups),
        "rules": sum(len(g.rules) for g in after.groups),
        "nics": len(after.members),
        "prefix_lists": len(after.prefix_lists),
        "findings": {s: counts.get(s, 0) for s in SEVERITIES},
        "waived": sum(1 for f in findings if f.waived),
    }
    if inp.before is not None:
        was = Counter(f.severity for f in old if not f.waived)
        out["findings_before"] = {s: was.get(s, 0) for s in SEVERITIES}
        out["rules_before"] = sum(len(g.rules) for g in inp.before.groups)
    return out


def _decisions(findings: list[Finding]) -> dict[tuple[str, int], list[int]]:
    out: dict[tuple[str, int], list[int]] = {}
    for i, f in enumerate(findings):
        if f.rule is not None:
            out.setdefault((f.group_id or f.group, f.rule.position), []).append(i)
    return out


def _groups(
    inp: ReportInput,
    ctx: Context,
    evaluators: dict[str, Evaluator],
    findings: list[Finding],
    book: RuleBook,
) -> list[dict[str, Any]]:
    by_rule = _decisions(findings)
    by_group: dict[str, list[int]] = {}
    for i, f in enumerate(findings):
        if f.rule is None:
            by_group.setdefault(f.group_id or f.group, []).append(i)
    plans: dict[str, GroupPlan] = {}
    if inp.plan is not None:
        for gp in inp.plan.groups:
            for key in (gp.id, gp.name):
                if key:
                    plans.setdefault(key, gp)
    directory = ctx.directory
    index = ctx.index
    out = []
    groups = list(inp.after.groups)
    if inp.before is not None:
        tokens = {directory.of_group(g) for g in groups}
        groups += [g for g in inp.before.groups if directory.of_group(g) not in tokens]
    after_tokens = {directory.of_group(g) for g in inp.after.groups}
    for g in groups:
        token = directory.of_group(g)
        gkey = g.id or token
        ev = evaluators.get(f"group:{token}") or Evaluator([g], ctx, token)
        removed = token not in after_tokens
        rules = []
        for direction in ("ingress", "egress"):
            ranked = sorted(
                (r.priority, r.policy != "drop", pos, r)
                for pos, r in enumerate(g.rules, start=1)
                if r.direction == direction
            )
            for order, (_, _, pos, r) in enumerate(ranked, start=1):
                hits = by_rule.get((gkey, pos), []) or by_rule.get((token, pos), [])
                checks = {findings[i].check for i in hits}
                decision = (
                    "shadowed" if "shadowed-rule" in checks
                    else "redundant" if "redundant-rule" in checks
                    else "decides"
                )  # fmt: skip
                rules.append([direction, order, pos, book.number(token, pos, r), decision, hits])
        access: dict[str, list[str]] = {}
        if not removed and len(groups) <= ACCESS_LINES_MAX:
            for direction in ("ingress", "egress"):
                acc = effective_access(ev.decision_map(direction))
                access[direction] = [f.text(direction) for f in acc.allowed.flows(index)]
                maybe = [f.text(direction) for f in acc.undetermined.flows(index)]
                access[direction] += [f"? {m} (depends on a prefix list not defined here)"
                                      for m in maybe]  # fmt: skip
        doc: dict[str, Any] = {
            "token": token,
            "name": g.name,
            "id": g.id,
            "type": g.type,
            "network": g.network,
            "inner_access": g.inner_access_policy,
            "description": g.description or "",
            "managed": bool(g.live and g.live.service_managed) if g.live else False,
            "removed": removed,
            "rules": rules,
            "findings": by_group.get(gkey, []) or by_group.get(token, []),
            "access": access,
        }
        found = plans.get(g.id or "") or plans.get(g.name)
        if found is not None:
            doc["change"] = _group_change(found, directory)
        out.append(doc)
    return out


def _group_change(gp: GroupPlan, directory: Directory) -> dict[str, Any]:
    def text(r: Rule) -> str:
        base = r.text(_peer_label(r, directory))
        return f'{base}  "{r.description}"' if r.description else base

    effects = gp.effects
    lines: list[str] = []
    if effects is not None:
        for dc in effects.changes:
            for symbol, flows in (
                ("+", dc.allowed_flows), ("-", dc.denied_flows), ("?", dc.undetermined_flows)
            ):  # fmt: skip
                lines.extend(f"{symbol} {dc.label} {f.text(dc.direction)}" for f in flows)
    return {
        "action": gp.action,
        "add": [text(r) for r in sorted(gp.add, key=lambda r: r.sort_key)],
        "remove": [text(r) for r in sorted(gp.remove, key=lambda r: r.sort_key)],
        "describe": [
            f"{c.live.text(_peer_label(c.live, directory))}: "
            f"{c.live.description or '(none)'} -> {c.rule.description or '(none)'}"
            for c in gp.update
        ],
        "headline": headline(effects).split(": ", 1)[-1] if effects is not None else "",
        "flows": lines,
    }


def _plan(plan: Plan) -> dict[str, Any]:
    from ..render.lines import summary_line

    add, change, destroy = plan.counts
    return {
        "summary": summary_line(plan),
        "add": add,
        "change": change,
        "destroy": destroy,
        "mode": plan.mode,
        "blocked": plan.blocked,
        "findings": [f"{f.kind} {f.name}: {f.message}" for f in plan.findings],
        "groups": [
            {"name": g.name, "id": g.id, "action": g.action, "counts": list(g.counts)}
            for g in plan.groups
            if g.changed
        ],
    }
