"""Where groups come from: a stack (desired) or a current state (a snapshot file or an API
JSON body), and how a user names what to evaluate: a group, several groups, or a NIC.

In a stack, NICs list group *names*; in a state, group *IDs*. Both are accepted wherever a
group is named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..formats.current import load_current as read_current
from ..load import load_stack
from ..model.group import Member, SecurityGroup
from ..model.issues import InputError, Issue
from ..model.stack import Stack, State
from .catalog import Context
from .evaluator import Evaluator

Source = Stack | State


def load_current(path: Path | Sequence[Path]) -> State:
    """A current state from a path, in any format the planner reads (snapshot, API JSON,
    console files, ``pulumi stack export``, a folder). A rule that cannot be read is an error
    here: a verdict must not quietly ignore a live rule (:func:`read_source` judges the rest
    and reports the unreadable ones instead)."""
    paths = [path] if isinstance(path, Path) else list(path)
    loaded = read_current(paths)
    if loaded.warnings:
        where = ", ".join(str(p) for p in paths)
        raise InputError(f"{where}: " + "; ".join(str(w) for w in loaded.warnings))
    return loaded.state


def read_source(
    stack: str | None, current: Path | Sequence[Path] | None
) -> tuple[Source, list[Issue]]:
    """The stack or current state a user named (exactly one), and what in it could not be
    read (rules without a peer, malformed bodies...): those are reported as errors by the
    caller while everything readable is still judged."""
    if not current:
        current = None
    if (stack is None) == (current is None):
        raise InputError("give either --stack NAME or --current PATH (exactly one)")
    if current is not None:
        loaded = read_current([current] if isinstance(current, Path) else list(current))
        return loaded.state, list(loaded.warnings)
    assert stack is not None
    return load_stack(stack), []


def one_source(stack: str | None, current: Path | Sequence[Path] | None) -> Source:
    """The stack (by name or path) or the current state (files, folders) a user named:
    exactly one."""
    if not current:
        current = None
    if (stack is None) == (current is None):
        raise InputError("give either --stack NAME or --current PATH (exactly one)")
    if current is not None:
        return load_current(current)
    assert stack is not None
    return load_stack(stack)


def context_of(source: Source) -> Context:
    return Context.of(source.groups, source.prefix_lists, source.port_lists)


def source_name(source: Source) -> str:
    return f"stack {source.name}" if isinstance(source, Stack) else "the current state"


def find_group(source: Source, ref: str) -> SecurityGroup:
    """A group by name or ID; a clear error listing the choices when there is none."""
    raw = ref.removeprefix("group:").strip()
    found = [g for g in source.groups if raw in (g.name, g.id)]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        ids = ", ".join(g.id or "?" for g in found)
        raise InputError(
            f"{len(found)} groups are named {raw!r} in {source_name(source)}; use an ID: {ids}"
        )
    raise InputError(f"no group {raw!r} in {source_name(source)}; allowed: {_choices(source)}")


def find_member(source: Source, nic: str) -> Member:
    for m in source.members:
        if nic in (m.nic, m.instance):
            return m
    known = ", ".join(sorted(m.nic for m in source.members)) or "none listed"
    raise InputError(f"no NIC or instance {nic!r} in {source_name(source)}; allowed: {known}")


def _choices(source: Source, limit: int = 10) -> str:
    names = sorted(g.name or g.id or "?" for g in source.groups)
    if not names:
        return "no groups defined"
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


@dataclass(frozen=True)
class Subject:
    """What a verdict is about: a NIC (its groups in join order) or a group alone."""

    label: str
    groups: tuple[SecurityGroup, ...]


def nic_subject(source: Source, nic: str) -> Subject:
    member = find_member(source, nic)
    groups = tuple(find_group(source, g) for g in member.groups)
    return Subject(f"NIC {member.nic}", groups)


def group_subject(source: Source, refs: Sequence[str]) -> Subject:
    groups = tuple(find_group(source, r) for r in refs)
    if not groups:
        raise InputError("name at least one group (or a NIC)")
    noun = "group" if len(groups) == 1 else "groups"
    return Subject(f"{noun} " + " + ".join(g.name or g.id or "?" for g in groups), groups)


def subjects_joining(source: Source, group: SecurityGroup) -> list[Subject]:
    """The NICs that join ``group`` (with all their groups); the group alone if none do."""
    refs = {group.name, group.id} - {None}
    out = [nic_subject(source, m.nic) for m in source.members if refs & set(m.groups)]
    return out or [Subject(f"group {group.name or group.id}", (group,))]


def evaluator(source: Source, subject: Subject, context: Context | None = None) -> Evaluator:
    return Evaluator(subject.groups, context or context_of(source), subject.label)
