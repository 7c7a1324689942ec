"""The plan as a pull-request comment: a summary table, one collapsible section per group."""

from __future__ import annotations

from ..evaluate.render import render_markdown as flows_markdown
from ..plan.model import DIFF, GroupPlan, Plan
from .lines import GROUP_SYMBOL, Entry, group_entries, list_entries, step_lines, summary_line
from .mermaid import render_mermaid

_DIFF_PREFIX = {"+": "+", "-": "-", "-/+": "!", "~": "!", "=": "#", "?": "#", "·": "#", "": "#"}


def _diff_block(entries: list[Entry]) -> list[str]:
    lines = ["```diff"]
    for e in entries:
        lines.append(f"{_DIFF_PREFIX.get(e.symbol, '#')} {e.text}")
        lines.extend(f"#     {n}" for n in e.notes)
    lines.append("```")
    return lines


def _counts(g: GroupPlan) -> str:
    add, change, destroy = g.counts
    return f"{add} to add, {change} to change, {destroy} to destroy"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(plan: Plan) -> str:
    title = f"stack `{plan.stack}`" if plan.stack != DIFF else DIFF
    region = f" ({plan.region})" if plan.region else ""
    out = [f"### sgplan plan: {title}{region}, mode `{plan.mode}`", ""]
    tail = []
    if plan.adopted:
        tail.append(f"{plan.adopted} live rule{'s' if plan.adopted != 1 else ''} adopted")
    if plan.drifted:
        tail.append(f"{plan.drifted} drifted rule{'s' if plan.drifted != 1 else ''} kept")
    out.append(f"**{summary_line(plan)}**" + (f" {'; '.join(tail)}." if tail else ""))
    if plan.sources:
        out.append("")
        out.append("Current state: " + ", ".join(f"`{s}`" for s in plan.sources))
    for w in plan.warnings:
        out.append(f"> :warning: {w}")
    for f in plan.findings:
        where = f"group `{f.group}`: " if f.group else ""
        if f.kind == "refusal":
            out += ["", f"> :no_entry: **Refused** ({f.name}): {where}{f.message}"]
        else:
            label = "Allowed gate" if f.allowed else "**Blocked** gate"
            out += ["", f"> :warning: {label} ({f.name}): {where}{f.message}"]
    shown = [g for g in plan.groups if g.changed or g.drift or g.effects]
    lists = [p for p in plan.prefix_lists if p.changed]
    diagram = render_mermaid(plan)
    if diagram:
        out += ["", diagram.rstrip()]
    if shown or lists:
        out += [
            "",
            "| | group | id | add | change | destroy | adopted | drift |",
            "|---|---|---|---:|---:|---:|---:|---:|",
        ]
        for p in lists:
            a, c, d = p.counts
            out.append(
                f"| `{GROUP_SYMBOL[p.action]}` | prefix list {_cell(p.name)} | {p.id or '(new)'} | {a} | {c} | {d} | | |"
            )
        for g in shown:
            a, c, d = g.counts
            out.append(
                f"| `{GROUP_SYMBOL[g.action]}` | {_cell(g.name)} | {g.id or '(new)'} | {a} | {c} | {d} | {len(g.adopt_pairs)} | {len(g.drift)} |"
            )
    for p in lists:
        out += [
            "",
            f"<details><summary><code>{GROUP_SYMBOL[p.action]} prefix list {p.name}</code></summary>",
            "",
        ]
        out += _diff_block(list_entries(p))
        out += ["", "</details>"]
    for g in shown:
        out += [
            "",
            f"<details><summary><code>{GROUP_SYMBOL[g.action]} {g.label}</code>: {_counts(g)}</summary>",
            "",
        ]
        out += _diff_block(
            [e for e in group_entries(g, plan) if not e.text.startswith("effective access:")]
        )
        if g.effects is not None:
            out += ["", flows_markdown([g.effects]).rstrip()]
        out += ["", "</details>"]
    unchanged = [g.name for g in plan.groups if not (g.changed or g.drift or g.effects)]
    if unchanged:
        out += ["", f"Unchanged or left alone: {', '.join(f'`{n}`' for n in unchanged)}."]
    steps = step_lines(plan)
    if steps:
        out += ["", "**Order** (additions before removals, so access never lapses):", ""]
        out += [f"{s}" for s in steps]
    return "\n".join(out) + "\n"
