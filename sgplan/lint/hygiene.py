"""Checks of names, descriptions, environments and quotas (no reachability involved)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..evaluate.catalog import Directory
from ..evaluate.packet import RuleRef
from ..model import limits as L
from ..model.group import Member, PrefixList, SecurityGroup
from ..model.validate import group_quota
from .checks import Finding, finding

# Environment names recognised at the start of a group name or in an env tag.
PROD_ENVS = frozenset({"prod", "production", "prd", "live"})
KNOWN_ENVS = PROD_ENVS | {
    "staging", "stage", "stg", "test", "testing", "qa", "uat", "dev", "development",
    "sandbox", "demo", "preprod", "pre", "perf",
}  # fmt: skip
ENV_TAGS = ("env", "environment", "Environment", "Env")


def _ref(group: SecurityGroup, directory: Directory, index: int) -> RuleRef:
    return RuleRef(directory.of_group(group), index + 1, group.rules[index], group.id)


def missing_descriptions(group: SecurityGroup, directory: Directory) -> list[Finding]:
    name = directory.of_group(group)
    out = []
    if not group.description:
        out.append(
            finding("missing-description", name, "the group has no description", group_id=group.id)
        )
    for i, rule in enumerate(group.rules):
        if not rule.description:
            out.append(
                finding("missing-description", name, "the rule has no description",
                        group_id=group.id, rule=_ref(group, directory, i))
            )  # fmt: skip
    return out


def naming(group: SecurityGroup, directory: Directory, env: str | None) -> list[Finding]:
    """env-app-purpose-sg: at least four dash-separated parts, environment first, sg last."""
    parts = group.name.split("-") if group.name else []
    problems = []
    if len(parts) < 4:
        problems.append(f"has {len(parts)} dash-separated part(s), not at least 4")
    if not parts or parts[-1] != "sg":
        problems.append("does not end in -sg")
    first = parts[0] if parts else ""
    if env is not None and first != env:
        problems.append(f"does not start with the stack's environment {env!r}")
    elif env is None and first not in KNOWN_ENVS:
        problems.append(f"does not start with an environment ({', '.join(sorted(KNOWN_ENVS))})")
    if not problems:
        return []
    message = f"name {group.name!r} " + "; ".join(problems) + " (convention env-app-purpose-sg)"
    return [finding("naming-convention", directory.of_group(group), message, group_id=group.id)]


def environment_of(group: SecurityGroup, fallback: str | None) -> str | None:
    for key in ENV_TAGS:
        if group.tags.get(key):
            return group.tags[key].lower()
    first = group.name.split("-")[0].lower() if group.name else ""
    return first if first in KNOWN_ENVS else fallback


def _prod(env: str | None) -> bool | None:
    return None if env is None else env in PROD_ENVS


def environment_mixing(
    groups: Sequence[SecurityGroup],
    members: Sequence[Member],
    directory: Directory,
    stack_env: str | None,
) -> list[Finding]:
    """Prod and non-prod in one stack, one rule (group peer) or one NIC."""
    envs = {directory.of_group(g): environment_of(g, stack_env) for g in groups}
    by_ref = {r: g for g in groups for r in (g.name, g.id) if r}
    out: list[Finding] = []
    for g in groups:
        token = directory.of_group(g)
        mine = envs[token]
        if stack_env is not None and _prod(mine) is not None and _prod(mine) != _prod(stack_env):
            out.append(
                finding("environment-mixing", token,
                        f"the group is {mine} but stack environment is {stack_env}", group_id=g.id)
            )  # fmt: skip
        for i, rule in enumerate(g.rules):
            if not rule.peer.is_group:
                continue
            other = envs.get(directory.of_peer(rule.peer))
            if other is None or _prod(mine) is None or _prod(other) == _prod(mine):
                continue
            out.append(
                finding("environment-mixing", token,
                        f"a {mine} group grants {rule.peer} ({other}) access",
                        group_id=g.id, rule=_ref(g, directory, i))
            )  # fmt: skip
    for m in members:
        joined = [by_ref[r] for r in m.groups if r in by_ref]
        kinds = {_prod(envs[directory.of_group(g)]) for g in joined} - {None}
        if len(kinds) > 1:
            names = ", ".join(
                f"{directory.of_group(g)} ({envs[directory.of_group(g)]})" for g in joined
            )
            out.append(
                finding("environment-mixing", directory.of_group(joined[0]),
                        f"the NIC joins prod and non-prod groups: {names}", where=f"NIC {m.nic}")
            )  # fmt: skip
    return out


def limits(
    groups: Sequence[SecurityGroup],
    members: Sequence[Member],
    lists: Mapping[str, PrefixList],
    directory: Directory,
) -> list[Finding]:
    out: list[Finding] = []
    quota: dict[str, int] = {}
    by_ref = {r: g for g in groups for r in (g.name, g.id) if r}
    for g in groups:
        token = directory.of_group(g)
        used = quota[token] = group_quota(g, lists)
        if used > L.RULES_PER_GROUP:
            out.append(
                finding("limit-exceeded", token,
                        f"uses {used} rules (prefix lists count their max_entries); allowed: "
                        f"{L.RULES_PER_GROUP} per group", group_id=g.id)
            )  # fmt: skip
        peers = sum(1 for r in g.rules if r.peer.is_group)
        cap = (
            L.GROUP_PEER_RULES_PER_ENTERPRISE_GROUP
            if g.type == "enterprise"
            else L.GROUP_PEER_RULES_PER_NORMAL_GROUP
        )
        if peers > cap:
            out.append(
                finding("limit-exceeded", token,
                        f"has {peers} rules whose peer is a group; allowed: {cap} in a {g.type} group",
                        group_id=g.id)
            )  # fmt: skip
    for m in members:
        joined = [by_ref[r] for r in m.groups if r in by_ref]
        if not joined:
            continue
        first = directory.of_group(joined[0])
        if len(m.groups) > L.GROUPS_PER_NIC:
            out.append(
                finding("limit-exceeded", first,
                        f"the NIC joins {len(m.groups)} groups; allowed: {L.GROUPS_PER_NIC}",
                        where=f"NIC {m.nic}")
            )  # fmt: skip
        total = sum(quota[directory.of_group(g)] for g in joined)
        if total > L.RULES_PER_NIC:
            out.append(
                finding("limit-exceeded", first,
                        f"the NIC carries {total} rules across its groups; allowed: {L.RULES_PER_NIC}",
                        where=f"NIC {m.nic}")
            )  # fmt: skip
    return out
