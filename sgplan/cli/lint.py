"""``sgplan lint``: risky and useless rules, judged on what is reachable. Exit 1 on any
unwaived critical finding.

The output ends with one line per check that found something (counts by severity, waived
apart), so a 20,000-rule estate reads as a summary; ``--min-severity`` (default warning)
chooses which findings are listed one by one."""

from __future__ import annotations

from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .app import EXIT_ERROR, OutputFormat, app, user_errors
from .check import CurrentOption, FormatOption, StackOption
from .options import Severity, parse_today
from .problems import json_problems

if TYPE_CHECKING:  # the lint is imported when it runs, not for --help
    from ..lint import Finding

# The names of sgplan.lint.CHECKS, in its order, so that `lint --help` need not import the
# lint (tests/cli/test_lazy_commands.py holds them equal).
CHECK_NAMES = (
    "open-all", "open-admin-port", "open-database-port", "open-risky-port",
    "open-public-service", "open-to-classic-network", "unreadable-rule", "cannot-judge",
    "shadowed-rule", "redundant-rule", "limit-exceeded", "naming-convention",
    "environment-mixing", "missing-description",
)  # fmt: skip
CheckName = StrEnum("CheckName", {name: name for name in CHECK_NAMES})  # type: ignore[misc]


@app.command("lint", epilog="Checks: " + ", ".join(CHECK_NAMES) + ".")
@user_errors
def lint_command(
    stack: StackOption = None,
    current: CurrentOption = None,
    check: Annotated[
        list[CheckName] | None,
        typer.Option(
            "--check", metavar="CHECK", help="run only this check (repeatable)", show_choices=False
        ),
    ] = None,
    min_severity: Annotated[
        Severity,
        typer.Option("--min-severity", help="list findings of this severity and above"),
    ] = Severity.warning,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            metavar="YYYY-MM-DD",
            help="the day waivers are judged on (YYYY-MM-DD; default today)",
        ),
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
    from ..evaluate.sources import read_source
    from ..lint import SEVERITIES, blocking, lint
    from ..lint.risks import load_risks

    with json_problems(output is OutputFormat.json):
        extra = load_risks(risks) if risks is not None else []
        source, unreadable = read_source(stack, current)
        wanted = [c.value for c in check] if check else None
        findings = lint(source, parse_today(today), wanted, unreadable=unreadable, risks=extra)
    limit = SEVERITIES.index(min_severity.value)
    shown = [f for f in findings if SEVERITIES.index(f.severity) <= limit]
    failing = blocking(findings)
    # written at once (rich printing line by line was 40% of a 100,000-rule lint)
    if output is OutputFormat.json:
        import json

        doc = {
            "findings": [f.as_dict() for f in shown],
            "min_severity": min_severity.value,
            "hidden": len(findings) - len(shown),
            "summary": _summary(findings),
            "blocking": len(failing),
            "passed": not failing,
        }
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        typer.echo("\n".join(_lines(shown, findings, min_severity.value)))
    if failing:
        raise typer.Exit(EXIT_ERROR)


def _summary(every: list[Finding]) -> list[dict[str, object]]:
    """Per check that found something: counts by severity (unwaived) and waived."""
    from ..lint import CHECKS

    rows: list[dict[str, object]] = []
    for name, check in CHECKS.items():
        mine = [f for f in every if f.check == name]
        if not mine:
            continue
        waived = sum(1 for f in mine if f.waived)
        rows.append(
            {"check": name, "severity": check.severity, "found": len(mine) - waived,
             "waived": waived}
        )  # fmt: skip
    return rows


def _lines(shown: list[Finding], every: list[Finding], min_severity: str) -> list[str]:
    from ..lint import SEVERITIES

    lines: list[str] = []
    for f in shown:
        lines.append(f.text())
        if not f.waived:
            lines.append(f"    fix: {f.remediation}")
    summary = _summary(every)
    if summary:
        if lines:
            lines.append("")
        width = max(len(str(r["check"])) for r in summary)
        lines.append(f"{'check':<{width}}  severity  found  waived")
        for r in summary:
            lines.append(
                f"{r['check']!s:<{width}}  {r['severity']!s:<8}  {r['found']!s:>5}  "
                f"{r['waived']!s:>6}"
            )
    hidden = len(every) - len(shown)
    if hidden:
        lower = [s for s in SEVERITIES[SEVERITIES.index(min_severity) + 1 :]]
        lines.append(
            f"{hidden} {' and '.join(lower)} finding(s) not listed; "
            f"--min-severity {lower[-1]} lists them."
        )
    counts = Counter(f.severity for f in every if not f.waived)
    waived = sum(1 for f in every if f.waived)
    parts = [f"{counts.get(s, 0)} {s}" for s in SEVERITIES]
    total = ", ".join(parts) + (f" ({waived} waived)" if waived else "")
    verdict = "fails: unwaived critical findings" if counts.get("critical") else "passes"
    unjudged = sum(1 for f in every if f.check in ("cannot-judge", "unreadable-rule"))
    if unjudged:
        total += f"; {unjudged} rule(s) not judged (see cannot-judge / unreadable-rule)"
    lines.append(f"Lint {verdict}: {total}.")
    return lines
