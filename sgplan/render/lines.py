"""What every human renderer shows for a plan, as entries (symbol, text, notes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..evaluate.diff import GroupFlowChange
from ..evaluate.render import headline
from ..evaluate.render import render_text as flow_text
from ..model.rule import Rule
from ..plan.model import DIFF, GroupPlan, Plan, PrefixListPlan

SYMBOLS = {
    "+": "add",
    "-": "remove",
    "~": "change in place",
    "-/+": "replace (delete, then create)",
    "=": "adopt: exists live, imported rather than created",
    "?": "drift: live, not managed by the stack, kept",
    "·": "left alone",
}
GROUP_SYMBOL = {
    "create": "+", "delete": "-", "replace": "-/+", "update": "~", "no-op": "=",
    "read-only": "·", "ignored": "·",
}  # fmt: skip


@dataclass
class Entry:
    symbol: str
    text: str
    notes: list[str] = field(default_factory=list)


def show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def rule_text(rule: Rule, plan: Plan) -> str:
    text = rule.text(plan.peer_label(rule))
    return f'{text}  "{rule.description}"' if rule.description else text


def group_entries(g: GroupPlan, plan: Plan) -> list[Entry]:
    out: list[Entry] = []
    if g.reason:
        out.append(Entry("", f"reason: {g.reason}"))
    for a in g.attributes:
        out.append(Entry("~", f"{a.field}: {show(a.before)} -> {show(a.after)}"))
    for r in sorted(g.add, key=lambda r: r.sort_key):
        out.append(Entry("+", rule_text(r, plan)))
    for c in sorted(g.update, key=lambda c: c.live.sort_key):
        out.append(Entry("~", c.live.text(plan.peer_label(c.live)),
                         [f"description: {show(c.live.description)} -> {show(c.rule.description)}"]))  # fmt: skip
    removes = ("not declared in the desired groups; sync mode removes it" if plan.stack == DIFF
               else "not declared in the stack; pulumi up and sgplan apply remove it (sync mode)")  # fmt: skip
    for r in sorted(g.remove, key=lambda r: r.sort_key):
        why = removes
        out.append(Entry("-", rule_text(r, plan), [why + (f" ({r.rule_id})" if r.rule_id else "")]))
    for r in sorted(g.drift, key=lambda r: r.sort_key):
        out.append(
            Entry(
                "?",
                rule_text(r, plan),
                ["not declared in the stack; kept: additive mode never removes it"],
            )
        )
    if g.adopt_pairs:
        n = len(g.adopt_pairs)
        what = "already in place" if plan.stack == DIFF else "already live: adopted, not created"
        out.append(Entry("=", f"{n} rule{'s' if n > 1 else ''} {what}"))
    if g.effects is not None:
        head, flows = effect_lines(g.effects)
        out.append(Entry("", f"effective access: {head}", flows))
    return out


def effect_lines(change: GroupFlowChange) -> tuple[str, list[str]]:
    """The evaluator's verdict on a group's change: a headline and one line per flow."""
    lines = flow_text([change])
    return headline(change).split(": ", 1)[-1], [line.strip() for line in lines[1:]]


def list_entries(p: PrefixListPlan) -> list[Entry]:
    out: list[Entry] = []
    if p.reason:
        out.append(Entry("", f"reason: {p.reason}"))
    out += [Entry("~", f"{a.field}: {show(a.before)} -> {show(a.after)}") for a in p.attributes]
    out += [Entry("+", f"entry {c}") for c in p.add_entries]
    out += [Entry("-", f"entry {c}") for c in p.remove_entries]
    return out


def symbols_used(plan: Plan) -> list[str]:
    used: set[str] = set()
    for g in plan.groups:
        if g.changed or g.drift:
            used.add(GROUP_SYMBOL[g.action])
            used.update(e.symbol for e in group_entries(g, plan) if e.symbol)
    for p in plan.prefix_lists:
        if p.changed:
            used.add(GROUP_SYMBOL[p.action])
            used.update(e.symbol for e in list_entries(p) if e.symbol)
    return [s for s in SYMBOLS if s in used]


def summary_line(plan: Plan) -> str:
    if not plan.has_changes:
        return "No changes. The live groups match the stack."
    add, change, destroy = plan.counts
    return f"Plan: {add} to add, {change} to change, {destroy} to destroy."


def step_lines(plan: Plan) -> list[str]:
    words = {
        "create-prefix-list": "create prefix list {t}",
        "create-group": "create group {t}",
        "update-prefix-list": "update prefix list {t} ({n} change(s))",
        "add-rules": "add {n} rule(s) to {t}",
        "update-group": "update attributes of {t}",
        "update-descriptions": "update {n} description(s) in {t}",
        "remove-rules": "remove {n} rule(s) from {t}",
        "delete-group": "delete group {t}",
        "delete-prefix-list": "delete prefix list {t}",
    }
    return [f"{s.order}. {words[s.action].format(t=s.target, n=s.count)}" for s in plan.steps()]


def quiet_groups(plan: Plan) -> list[GroupPlan]:
    """Groups with nothing to show: unchanged, or left alone without drift."""
    return [g for g in plan.groups if not g.changed and not g.drift and not g.effects]
