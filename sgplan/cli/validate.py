"""``sgplan validate`` and ``sgplan schema``."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from ..model.issues import Issue, StackInvalid
from .app import OutputFormat, app, plural, user_errors
from .options import StackOpt
from .problems import json_problems

if TYPE_CHECKING:  # the model and the lint are imported when a stack is validated
    from ..model.stack import Stack

COLUMNS = ("group", "type", "network", "ingress", "egress", "quota used")
RIGHT = {"ingress", "egress", "quota used"}


def summary_lines(stack: Stack) -> list[str]:
    """The stack's groups as aligned columns under a title (plain text: a pipe or a CI log
    reads it as a terminal does, and printing it needs no rich)."""
    from ..model.limits import RULES_PER_GROUP
    from ..model.validate import group_quota, prefix_list_index

    lists = prefix_list_index(stack.prefix_lists)
    rows = [COLUMNS]
    for g in stack.groups:
        ing = sum(1 for r in g.rules if r.direction == "ingress")
        quota = f"{group_quota(g, lists)}/{RULES_PER_GROUP}"
        rows.append(
            (g.name, g.type, g.vpc_id or g.network, str(ing), str(len(g.rules) - ing), quota)
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = [f"stack {stack.name} ({stack.region})"]
    for row in rows:
        cells = (
            cell.rjust(w) if col in RIGHT else cell.ljust(w)
            for col, cell, w in zip(COLUMNS, row, widths, strict=True)
        )
        lines.append("  ".join(cells).rstrip())
    return lines


def apply_problems(stack: Stack, today: date) -> list[Issue]:
    """What the apply path refuses although the model holds it: the Pulumi program (and
    ``sgplan apply``) stop on unwaived critical lint findings before any call."""
    from ..lint import gate

    out: list[Issue] = []
    for f in gate(stack, today):
        issue = f.issue(stack.name)
        message = (
            f"pulumi up refuses this unwaived critical finding: {issue.message} "
            f"(or waive it: waive({f.check!r}, reason, expires))"
        )
        out.append(replace(issue, message=message))
    return out


@app.command()
@user_errors
def validate(
    stack: StackOpt,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json")
    ] = OutputFormat.text,
) -> None:
    """Validate a stack against every rule and limit, and what the apply path refuses
    (unwaived critical findings); print a summary (exit 1 on problems)."""
    from ..load import load_stack

    with json_problems(output is OutputFormat.json):
        st = load_stack(stack)
        problems = apply_problems(st, date.today())
        if problems:
            raise StackInvalid(st.name, problems)
    if output is OutputFormat.json:
        doc = {
            "stack": st.name,
            "valid": True,
            "groups": len(st.groups),
            "rules": st.rule_count,
            "prefix_lists": len(st.prefix_lists),
            "members": len(st.members),
        }
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    verdict = (
        f"stack {st.name} is valid: {plural(len(st.groups), 'group')}, "
        f"{plural(st.rule_count, 'rule')}, {plural(len(st.prefix_lists), 'prefix list')}, "
        f"{plural(len(st.members), 'NIC')}."
    )
    typer.echo("\n".join([*summary_lines(st), verdict]))


@app.command()
def schema() -> None:
    """Print the JSON Schema of a stack file (JSON or YAML)."""
    from ..model.spec import stack_schema

    typer.echo(json.dumps(stack_schema(), indent=2))
