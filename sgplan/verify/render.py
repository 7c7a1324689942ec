"""``sgplan verify`` reports: text (terminal, CI log), Markdown (a pull request or job
summary) and JSON (bots; versioned, ``format: sgplan-verify``)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..formats import jsontext
from ..lint import SEVERITIES, Finding
from ..plan.model import GroupPlan
from ..render.json_plan import plan_document
from ..render.lines import Entry, group_entries, list_entries, summary_line
from .check import Verification

VERIFY_FORMAT = "sgplan-verify"
VERIFY_SCHEMA_VERSION = 1
DRIFT_LEGEND = "+ declared, not live   - live, not declared   ~ live differs from the stack"


def _mark(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _drift_groups(v: Verification) -> list[GroupPlan]:
    return [g for g in v.plan.groups if g.changed]


def _drift_summary(v: Verification) -> str:
    if v.drift_ok:
        groups = sum(1 for g in v.plan.groups if g.desired is not None)
        rules = sum(len(g.desired.rules) for g in v.plan.groups if g.desired is not None)
        return f"live equals the stack ({groups} groups, {rules} rules, mode {v.mode})"
    add, change, destroy = v.plan.counts
    parts = []
    if add:
        parts.append(f"{add} declared but not live")
    if destroy:
        parts.append(f"{destroy} live but not declared")
    if change:
        parts.append(f"{change} differing")
    if v.plan.blocked:
        parts.append("the plan is blocked")
    return "live differs from the stack: " + ", ".join(parts) + f" (mode {v.mode})"


def _intents_summary(v: Verification) -> str:
    if not v.intents:
        return "the stack declares no intents"
    failed = sum(1 for r in v.intents if not r.passed)
    if failed:
        return f"{failed} of {len(v.intents)} failed on the live state"
    return f"all {len(v.intents)} hold on the live state"


def _lint_counts(findings: list[Finding]) -> str:
    counts = Counter(f.severity for f in findings if not f.waived)
    waived = sum(1 for f in findings if f.waived)
    text = ", ".join(f"{counts.get(s, 0)} {s}" for s in SEVERITIES)
    return text + (f", {waived} waived" if waived else "")


def _lint_summary(v: Verification) -> str:
    n = len(v.blocking)
    head = "no unwaived critical finding" if not n else f"{n} unwaived critical"
    return f"{head} ({_lint_counts(v.findings)})"


def _verdict(v: Verification) -> str:
    if v.passed:
        return f"Verified: stack {v.stack} is live as declared."
    return f"Verification failed for stack {v.stack}: {', '.join(v.failed_checks())}."


def _shown_findings(v: Verification) -> list[Finding]:
    """Critical findings (blocking or waived) and expired waivers: what a reviewer must see."""
    return [f for f in v.findings if f.severity == "critical" or f.expired_waiver is not None]


def _drift_entries(v: Verification, g: GroupPlan) -> list[Entry]:
    """What differs (adopted rules, being equal, and flow effects are left out)."""
    return [
        e
        for e in group_entries(g, v.plan)
        if e.symbol != "=" and not e.text.startswith("effective access:")
    ]


def render_text(v: Verification) -> str:
    region = f" ({v.region})" if v.region else ""
    out = [f"sgplan verify: stack {v.stack}{region}, mode {v.mode}"]
    if v.sources:
        out.append("live state: " + ", ".join(v.sources))
    out += [f"warning: {w}" for w in [*v.warnings, *v.plan.warnings]]
    out += ["", f"{_mark(v.drift_ok)} drift: {_drift_summary(v)}"]
    if not v.drift_ok:
        out.append(f"  {DRIFT_LEGEND}")
        for p in (p for p in v.plan.prefix_lists if p.changed):
            out.append(f"  prefix list {p.name}")
            out += [f"    {e.symbol} {e.text}" for e in list_entries(p)]
        for g in _drift_groups(v):
            out.append(f"  {g.label}")
            for e in _drift_entries(v, g):
                out.append(f"    {e.symbol} {e.text}".rstrip())
                out += [f"        {n}" for n in e.notes]
        for pf in v.plan.findings:
            where = f"group {pf.group}: " if pf.group else ""
            out.append(f"  ! {where}{pf.message}  [{pf.name}]")
        out.append(f"  ({summary_line(v.plan)})")
    out.append(f"{_mark(v.intents_ok)} intents: {_intents_summary(v)}")
    for r in v.intents:
        out.append(f"  {_mark(r.passed)} {r.title()}")
        out.append(f"       {r.detail}")
    out.append(f"{_mark(v.lint_ok)} lint: {_lint_summary(v)}")
    for f in _shown_findings(v):
        out.append(f"  {f.text()}")
        if not f.waived:
            out.append(f"    fix: {f.remediation}")
    out += ["", _verdict(v)]
    return "\n".join(out) + "\n"


def _icon(ok: bool) -> str:
    return ":white_check_mark:" if ok else ":x:"


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(v: Verification) -> str:
    region = f" ({v.region})" if v.region else ""
    out = [f"### sgplan verify: stack `{v.stack}`{region}, mode `{v.mode}`", ""]
    out.append(f"**{_verdict(v)}**")
    if v.sources:
        out += ["", "Live state: " + ", ".join(f"`{s}`" for s in v.sources)]
    out += [f"> :warning: {w}" for w in [*v.warnings, *v.plan.warnings]]
    out += ["", "| check | result | detail |", "|---|---|---|"]
    out.append(f"| drift | {_icon(v.drift_ok)} | {_md(_drift_summary(v))} |")
    out.append(f"| intents | {_icon(v.intents_ok)} | {_md(_intents_summary(v))} |")
    out.append(f"| lint | {_icon(v.lint_ok)} | {_md(_lint_summary(v))} |")
    if not v.drift_ok:
        out += ["", "<details><summary>drift</summary>", "", "```diff"]
        for p in (p for p in v.plan.prefix_lists if p.changed):
            out.append(f"# prefix list {p.name}")
            out += [f"{'+' if e.symbol == '+' else '-' if e.symbol == '-' else '!'} {e.text}"
                    for e in list_entries(p)]  # fmt: skip
        for g in _drift_groups(v):
            out.append(f"# {g.label}")
            for e in _drift_entries(v, g):
                sign = {"+": "+", "-": "-"}.get(e.symbol, "!")
                out.append(f"{sign} {e.text}")
                out += [f"#     {n}" for n in e.notes]
        for pf in v.plan.findings:
            out.append(f"! {pf.message} [{pf.name}]")
        out += ["```", "", "</details>"]
    if v.intents:
        out += ["", "| intent | result | detail |", "|---|---|---|"]
        for r in v.intents:
            out.append(f"| {_md(r.title())} | {_icon(r.passed)} | {_md(r.detail)} |")
    shown = _shown_findings(v)
    if shown:
        out += ["", "Critical findings on the live groups:", ""]
        out += [f"- {'waived: ' if f.waived else ''}`{f.check}` {_md(f.location())}: "
                f"{_md(f.message)}" + (f" (until {f.waiver.expires}: {_md(f.waiver.reason)})"
                                       if f.waiver else "")
                for f in shown]  # fmt: skip
    return "\n".join(out) + "\n"


def verify_document(v: Verification) -> dict[str, Any]:
    plan = plan_document(v.plan)
    return {
        "format": VERIFY_FORMAT,
        "schema_version": VERIFY_SCHEMA_VERSION,
        "stack": v.stack,
        "region": v.region,
        "mode": v.mode,
        "sources": v.sources,
        "today": v.today.isoformat(),
        "passed": v.passed,
        "failed": v.failed_checks(),
        "drift": {
            "passed": v.drift_ok,
            "summary": _drift_summary(v),
            "counts": {k: plan["summary"][k] for k in ("add", "change", "destroy")},
            "groups": [g for g in plan["groups"] if g["action"] not in ("no-op", "ignored")],
            "findings": plan["findings"],
        },
        "intents": {
            "passed": v.intents_ok,
            "results": [r.as_dict() for r in v.intents],
        },
        "lint": {
            "passed": v.lint_ok,
            "blocking": len(v.blocking),
            "findings": [f.as_dict() for f in v.findings],
        },
        "warnings": [*v.warnings, *v.plan.warnings],
    }


_ONE_LINE = ("add", "remove", "drift", "update", "attributes", "findings", "counts", "results")


def render_json(v: Verification) -> str:
    """Indented JSON; every rule, finding and intent result on its own line."""
    return jsontext.dumps(verify_document(v), _ONE_LINE)
