"""The terminal plan: terraform/pulumi-like, one block per group, reasons on their own lines."""

from __future__ import annotations

from ..plan.model import DIFF, Plan
from .lines import (
    GROUP_SYMBOL,
    SYMBOLS,
    Entry,
    group_entries,
    list_entries,
    quiet_groups,
    step_lines,
    summary_line,
    symbols_used,
)

_COLOURS = {
    "+": "32",
    "-": "31",
    "~": "33",
    "-/+": "35",
    "=": "36",
    "?": "33",
    "·": "2",
    "!": "31;1",
}


def _paint(text: str, symbol: str, colour: bool) -> str:
    code = _COLOURS.get(symbol)
    return f"\033[{code}m{text}\033[0m" if colour and code else text


def _entry_lines(entry: Entry, indent: str, colour: bool) -> list[str]:
    head = f"{entry.symbol} {entry.text}" if entry.symbol else entry.text
    lines = [indent + _paint(head, entry.symbol, colour)]
    lines += [f"{indent}    {note}" for note in entry.notes]
    return lines


def render_text(plan: Plan, colour: bool = False) -> str:
    """The plan for a terminal; ``colour`` adds ANSI colours (use it only on a TTY)."""
    out: list[str] = []
    title = f"stack {plan.stack}" if plan.stack != DIFF else DIFF
    region = f" ({plan.region})" if plan.region else ""
    out.append(f"sgplan plan: {title}{region}, mode {plan.mode}")
    if plan.sources:
        out.append(f"current state: {', '.join(plan.sources)}")
    out.extend(f"warning: {w}" for w in plan.warnings)
    used = symbols_used(plan)
    if used:
        out.append("")
        out.append("Symbols: " + ", ".join(f"{s} {SYMBOLS[s]}" for s in used))
    for p in plan.prefix_lists:
        if not p.changed:
            continue
        sym = GROUP_SYMBOL[p.action]
        out.append("")
        out.append(
            "  "
            + _paint(f"{sym} prefix list {p.name}" + (f" ({p.id})" if p.id else ""), sym, colour)
        )
        for e in list_entries(p):
            out.extend(_entry_lines(e, "      ", colour))
    for g in plan.groups:
        if g in quiet_groups(plan) and g.action not in ("read-only",):
            continue
        sym = GROUP_SYMBOL[g.action]
        out.append("")
        out.append("  " + _paint(f"{sym} group {g.label}", sym, colour))
        for e in group_entries(g, plan):
            out.extend(_entry_lines(e, "      ", colour))
    quiet = [g for g in quiet_groups(plan) if g.action == "no-op"]
    if quiet:
        out.append("")
        out.append(f"  {len(quiet)} group(s) unchanged: " + ", ".join(g.name for g in quiet))
    alone = [g for g in quiet_groups(plan) if g.action == "ignored"]
    if alone:
        out.append("")
        out.append("  Left alone (not declared in the stack):")
        out.extend(f"    · {g.label}: {g.reason}" for g in alone)
    refusals = [f for f in plan.findings if f.kind == "refusal"]
    gates = [f for f in plan.findings if f.kind == "gate"]
    if refusals:
        out.append("")
        out.append(
            _paint("Refused (the cloud would reject these; nothing can be applied):", "!", colour)
        )
        out.extend(
            f"  x {'group ' + f.group + ': ' if f.group else ''}{f.message}  [{f.name}]"
            for f in refusals
        )
    if gates:
        out.append("")
        out.append("Gates (changes that need explicit consent):")
        for f in gates:
            state = "allowed" if f.allowed else "BLOCKED"
            out.append(
                f"  ! {state}: {'group ' + f.group + ': ' if f.group else ''}{f.message}  [{f.name}]"
            )
    steps = step_lines(plan)
    if steps:
        out.append("")
        out.append("Order: additions before removals, so access never lapses:")
        out.extend(f"  {s}" for s in steps)
    out.append("")
    extra = []
    if plan.adopted:
        extra.append(f"{plan.adopted} live rule{'s' if plan.adopted != 1 else ''} adopted")
    if plan.drifted:
        extra.append(f"{plan.drifted} drifted rule{'s' if plan.drifted != 1 else ''} kept")
    tail = f" ({', '.join(extra)})" if extra else ""
    out.append(summary_line(plan) + tail)
    if plan.blocked:
        out.append(_paint("This plan is blocked: see the refusals and gates above.", "!", colour))
    return "\n".join(out) + "\n"
