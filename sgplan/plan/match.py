"""Match desired groups (and prefix lists) to live ones: by pinned ID, else by name and VPC."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ..model.group import PrefixList, SecurityGroup
from ..model.issues import Issue, StackInvalid


def match_groups(
    desired: Sequence[SecurityGroup], live: Sequence[SecurityGroup], stack: str
) -> tuple[list[tuple[SecurityGroup, SecurityGroup | None]], list[SecurityGroup]]:
    """Pairs (desired, live or None) in desired order, and the live groups left unmatched.

    Raises :class:`StackInvalid` when a pinned ID is not live, when a name matches several
    live groups in the same VPC, or when two desired groups claim one live group.
    """
    by_id = {g.id: g for g in live if g.id}
    by_name: dict[tuple[str, str | None], list[SecurityGroup]] = defaultdict(list)
    for g in live:
        if g.name:
            by_name[(g.name, g.vpc_id)].append(g)
    issues: list[Issue] = []
    claimed: dict[str, str] = {}
    pairs: list[tuple[SecurityGroup, SecurityGroup | None]] = []
    for d in desired:
        match: SecurityGroup | None = None
        if d.id:
            match = by_id.get(d.id)
            if match is None:
                issues.append(Issue(f"is pinned to {d.id}, which is not in the current state; "
                                    "pull a fresh snapshot or remove the pin", stack=stack, group=d.name))  # fmt: skip
        else:
            found = by_name.get((d.name, d.vpc_id), [])
            if len(found) > 1:
                ids = ", ".join(sorted(g.id or "?" for g in found))
                issues.append(Issue(f"matches {len(found)} live groups named {d.name} in "
                                    f"{d.vpc_id or 'the classic network'} ({ids}); pin one with id",
                                    stack=stack, group=d.name))  # fmt: skip
            elif found:
                match = found[0]
        if match is not None and match.id:
            other = claimed.get(match.id or "")
            if other is not None:
                issues.append(Issue(f"and group {other} both match live group {match.id}; "
                                    "pin each to its own ID", stack=stack, group=d.name))  # fmt: skip
                match = None
            else:
                claimed[match.id or ""] = d.name
        pairs.append((d, match))
    if issues:
        raise StackInvalid(stack, issues)
    matched = {id(m) for _, m in pairs if m is not None}
    return pairs, [g for g in live if id(g) not in matched]


def match_prefix_lists(
    desired: Sequence[PrefixList], live: Sequence[PrefixList]
) -> tuple[list[tuple[PrefixList, PrefixList | None]], list[PrefixList]]:
    by_id = {p.id: p for p in live if p.id}
    by_name = {p.name: p for p in live}
    pairs = [(d, by_id.get(d.id) if d.id else by_name.get(d.name)) for d in desired]
    used = {id(m) for _, m in pairs if m is not None}
    return pairs, [p for p in live if id(p) not in used]
