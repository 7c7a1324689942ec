"""``sgplan validate`` and ``sgplan schema``."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from ..model.issues import Issue, StackInvalid
from .app import OutputFormat, app, out, plural, user_errors
from .options import StackOpt
from .problems import json_problems

if TYPE_CHECKING:  # the model and the lint are imported when a stack is validated
    from rich.table import Table

    from ..model.stack import Stack


def summary_table(stack: Stack) -> Table:
    from rich.table import Table

    from ..model.validate import group_quota, prefix_list_index

    lists = prefix_list_index(stack.prefix_lists)
    table = Table(title=f"stack {stack.name} ({stack.region})", title_justify="left")
    for col in ("group", "type", "network", "ingress", "egress", "quota used"):
        table.add_column(
            col, justify="right" if col in ("ingress", "egress", "quota used") else "left"
        )
    for g in stack.groups:
        ing = sum(1 for r in g.rules if r.direction == "ingress")
        table.add_row(
            g.name,
            g.type,
            g.vpc_id or g.network,
            str(ing),
            str(len(g.rules) - ing),
            f"{group_quota(g, lists)}/200",
        )
    return table


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
        out().print_json(
            json.dumps(
                {
                    "stack": st.name,
                    "valid": True,
                    "groups": len(st.groups),
                    "rules": st.rule_count,
                    "prefix_lists": len(st.prefix_lists),
                    "members": len(st.members),
                }
            )
        )
        return
    console = out()
    console.print(summary_table(st))
    console.print(
        f"stack {st.name} is valid: {plural(len(st.groups), 'group')}, "
        f"{plural(st.rule_count, 'rule')}, {plural(len(st.prefix_lists), 'prefix list')}, "
        f"{plural(len(st.members), 'NIC')}."
    )


@app.command()
def schema() -> None:
    """Print the JSON Schema of a stack file (JSON or YAML)."""
    from ..model.spec import stack_schema

    typer.echo(json.dumps(stack_schema(), indent=2))
