"""Clone groups and whole stacks with the console's semantics (SPEC section 5).

Cloning keeps rules (priorities above 100 become 100), optionally copies tags, and never
keeps a live ID: a clone is a new group, so prod and test never share one. Cloning a stack
renames its groups (``prod-web-sg`` -> ``staging-web-sg``) and rewrites every reference to
them, so the clone is self-contained.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .build import build_stack
from .group import SecurityGroup
from .issues import Issue, StackInvalid
from .limits import PRIORITY_MAX
from .peers import Peer
from .rule import Rule
from .stack import Stack


def env_renamer(source_env: str, target_env: str) -> Callable[[str], str]:
    """``prod-web-sg`` -> ``staging-web-sg``; names without the prefix get it prepended."""
    prefix = f"{source_env}-"

    def rename(name: str) -> str:
        if name.startswith(prefix):
            return f"{target_env}-{name[len(prefix) :]}"
        return f"{target_env}-{name}"

    return rename


def clone_rule(rule: Rule, rename: Callable[[str], str] | None = None) -> Rule:
    """A copy of ``rule`` for a clone: priority capped at 100, in-stack peers renamed."""
    changes: dict[str, Any] = {}
    if rule.priority > PRIORITY_MAX:
        changes["priority"] = PRIORITY_MAX
    if rename is not None and rule.peer.kind in ("group_name", "prefix_list_name"):
        changes["peer"] = Peer(rule.peer.kind, rename(rule.peer.value))
    changes["rule_id"] = None
    return rule.model_copy(update=changes)


def clone_group(
    group: SecurityGroup,
    name: str,
    *,
    vpc_id: str | None = None,
    network: str | None = None,
    keep_rules: bool = True,
    copy_tags: bool = False,
    tags: Mapping[str, str] | None = None,
    rename: Callable[[str], str] | None = None,
) -> SecurityGroup:
    """The console's "clone security group": a new group, no live ID, rules optional."""
    new_tags = dict(group.tags) if copy_tags else {}
    new_tags.update(tags or {})
    net = network or ("vpc" if vpc_id else group.network)
    return group.model_copy(
        update={
            "name": name,
            "id": None,
            "key": None,
            "live": None,
            "network": net,
            "vpc_id": (vpc_id or group.vpc_id) if net == "vpc" else None,
            "tags": new_tags,
            "rules": tuple(clone_rule(r, rename) for r in group.rules) if keep_rules else (),
        }
    )


def clone_stack(
    source: Stack,
    name: str,
    *,
    environment: str | None = None,
    region: str | None = None,
    vpc_id: str | None = None,
    rename: Callable[[str], str] | None = None,
    copy_tags: bool = True,
    tags: Mapping[str, str] | None = None,
    members: tuple[Any, ...] = (),
) -> Stack:
    """A new stack holding clones of every group of ``source`` (validated again).

    ``rename`` maps group and prefix-list names; by default the source environment's prefix
    is replaced with the new one. Peers by live ID (``sg-...``, ``pl-...``) cannot follow a
    clone into another region, as the console's cross-region import refuses them.
    """
    env = environment or name
    rename = rename or env_renamer(source.env, env)
    target_region = region or source.region
    issues: list[Issue] = []
    if target_region != source.region:
        for g in source.groups:
            for r in g.rules:
                if r.peer.kind in ("group_id", "prefix_list_id"):
                    issues.append(
                        Issue(
                            f"peer {r.peer} is a live ID in {source.region} and cannot be cloned "
                            f"to {target_region}; refer to a group or prefix list of the stack",
                            stack=name, group=g.name, rule_text=r.text(),
                        )
                    )  # fmt: skip
    if issues:
        raise StackInvalid(name, issues)
    new_vpc = vpc_id or source.vpc_id
    groups = [
        clone_group(
            g, rename(g.name),
            vpc_id=new_vpc if g.vpc_id == source.vpc_id else g.vpc_id,
            copy_tags=copy_tags, tags=tags, rename=rename,
        )
        for g in source.groups
    ]  # fmt: skip
    lists = [p.model_copy(update={"name": rename(p.name), "id": None}) for p in source.prefix_lists]
    intents = [_clone_intent(i, rename) for i in source.intents]
    return build_stack(
        {
            "name": name,
            "region": target_region,
            "environment": env,
            "vpc_id": new_vpc,
            "description": source.description,
            "groups": groups,
            "prefix_lists": lists,
            "members": list(members),
            "intents": intents,
        }
    )


def _clone_intent(intent: Any, rename: Callable[[str], str]) -> Any:
    changes: dict[str, Any] = {}
    if intent.target != "*":
        changes["target"] = rename(intent.target)
    if intent.source.startswith("group:"):
        changes["source"] = "group:" + rename(intent.source[len("group:") :])
    if intent.name:
        changes["name"] = intent.name
    return intent.model_copy(update=changes)
