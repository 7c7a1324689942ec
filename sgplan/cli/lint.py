"""``sgplan lint``: risky and useless rules, judged on what is reachable. Exit 1 on any
unwaived critical finding."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from ..evaluate.sources import read_source
from ..lint import CHECKS, SEVERITIES, Finding, blocking, lint
from ..lint.risks import load_risks
from ..model.issues import InputError
from .app import EXIT_ERROR, OutputFormat, app, user_errors
from .check import CurrentOption, FormatOption, StackOption


def _today(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--today {value!r} is not a date; allowed: YYYY-MM-DD") from None


@app.command("lint")
@user_errors
def lint_command(
    stack: StackOption = None,
    current: CurrentOption = None,
    check: Annotated[
        list[str] | None,
        typer.Option("--check", help="run only this check (repeatable): " + ", ".join(CHECKS)),
    ] = None,
    min_severity: Annotated[
        str, typer.Option("--min-severity", help="critical, warning or info")
    ] = "info",
    today: Annotated[
        str | None,
        typer.Option("--today", help="the day waivers are judged on (YYYY-MM-DD; default today)"),
    ] = None,
    risks: Annotated[
        Path | None,
        typer.Option(
            "--risks", help="a YAML or JSON file of the team's own risky services (docs/risks.md)"
        ),
    ] = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Risk and hygiene checks on a stack or a current state (exit 1 on unwaived critical,
    or when part of the input could not be read: the rest is judged all the same)."""
    if min_severity not in SEVERITIES:
        raise InputError(
            f"--min-severity {min_severity!r} is not allowed; allowed: {', '.join(SEVERITIES)}"
        )
    extra = load_risks(risks) if risks is not None else []
    source, unreadable = read_source(stack, current)
    findings = lint(source, _today(today), check, unreadable=unreadable, risks=extra)
    shown = [f for f in findings if SEVERITIES.index(f.severity) <= SEVERITIES.index(min_severity)]
    failing = blocking(findings)
    # written at once (rich printing line by line was 40% of a 100,000-rule lint)
    if output is OutputFormat.json:
        doc = {"findings": [f.as_dict() for f in shown], "blocking": len(failing),
               "passed": not failing}  # fmt: skip
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        typer.echo("\n".join(_lines(shown, findings)))
    if failing:
        raise typer.Exit(EXIT_ERROR)


def _lines(shown: list[Finding], every: list[Finding]) -> list[str]:
    lines: list[str] = []
    for f in shown:
        lines.append(f.text())
        if not f.waived:
            lines.append(f"    fix: {f.remediation}")
    counts = Counter(f.severity for f in every if not f.waived)
    waived = sum(1 for f in every if f.waived)
    parts = [f"{counts.get(s, 0)} {s}" for s in SEVERITIES]
    summary = ", ".join(parts) + (f" ({waived} waived)" if waived else "")
    verdict = "fails: unwaived critical findings" if counts.get("critical") else "passes"
    unjudged = sum(1 for f in every if f.check in ("cannot-judge", "unreadable-rule"))
    if unjudged:
        summary += f"; {unjudged} rule(s) not judged (see cannot-judge / unreadable-rule)"
    lines.append(f"Lint {verdict}: {summary}.")
    return lines
