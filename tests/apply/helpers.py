"""Shared setup for apply tests: an estate served by the local endpoint, a fast writer, and
stacks built from a live state with edits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sgplan.apply import EcsWriter, connect
from sgplan.localecs import EcsStore, Faults, LocalEcs
from sgplan.localecs.writes import state_of
from sgplan.model.build import build_stack
from sgplan.model.group import SecurityGroup
from sgplan.model.stack import Stack, State
from sgplan.plan import PlanOptions, plan_stack
from sgplan.plan.model import Plan
from tests.live.helpers import REGION, config

VPC = "vpc-bp1apply000000000000"


def rule(direction: str = "ingress", protocol: str = "tcp", ports: str = "22", peer: str = "10.0.0.0/8",
         **more: Any) -> dict[str, Any]:  # fmt: skip
    out: dict[str, Any] = {"direction": direction, "protocol": protocol, "peer": peer, **more}
    if protocol in ("tcp", "udp"):
        out["ports"] = ports
    return out


def numbered(n: int, start: int = 0, port: int = 443, **more: Any) -> list[dict[str, Any]]:
    """``n`` distinct ingress rules (one /32 each)."""
    return [rule(ports=str(port), peer=f"10.{(i // 250) % 250}.{i % 250}.{1 + (i // 62500)}/32", **more)
            for i in range(start, start + n)]  # fmt: skip


def group_data(name: str, rules: list[dict[str, Any]], **more: Any) -> dict[str, Any]:
    return {"name": name, "vpc_id": VPC, "description": f"{name} for tests", "rules": rules, **more}


def live_state(*groups: dict[str, Any], members: list[dict[str, Any]] | None = None,
               prefix_lists: list[dict[str, Any]] | None = None) -> State:  # fmt: skip
    """A live state: each group gets a pinned ID from its name."""
    from sgplan.model.build import build_state

    data = []
    for n, g in enumerate(groups):
        g = dict(g)
        g.setdefault("id", f"sg-bp1test{n:012d}")
        data.append(g)
    return build_state({"version": 1, "region": REGION, "groups": data,
                        "members": members or [], "prefix_lists": prefix_lists or []})  # fmt: skip


def stack_of(*groups: dict[str, Any], prefix_lists: list[dict[str, Any]] | None = None) -> Stack:
    return build_stack({"name": "test", "region": REGION, "environment": "test", "vpc_id": VPC,
                        "groups": list(groups), "prefix_lists": prefix_lists or []})  # fmt: skip


def desired_from(group: SecurityGroup, edit: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None,
                 **more: Any) -> dict[str, Any]:  # fmt: skip
    """A stack group equal to a live group (no IDs), its rules passed through ``edit``."""
    d = group.model_dump(mode="json", exclude_none=True)
    d.pop("live", None)
    d.pop("id", None)
    rules = [{k: v for k, v in r.items() if k != "rule_id"} for r in d["rules"]]
    d["rules"] = edit(rules) if edit else rules
    d.update(more)
    return d


@contextmanager
def served(
    state: State, faults: Faults | None = None, **store_fields: Any
) -> Iterator[tuple[LocalEcs, EcsWriter]]:
    store = EcsStore.from_state(state, quirks=False)
    for k, v in store_fields.items():
        setattr(store, k, v)
    with LocalEcs(store, faults) as ecs:
        yield ecs, connect(config(ecs.endpoint))


def plan_for(stack: Stack, ecs: LocalEcs, **options: Any) -> Plan:
    options.setdefault("max_remove_share", 1.0)
    options.setdefault("allow_no_ingress", True)
    return plan_stack(stack, state_of(ecs.store), PlanOptions(**options))


def live_of(ecs: LocalEcs) -> State:
    return state_of(ecs.store)


def writes(ecs: LocalEcs, ok: bool = True) -> list[str]:
    return [r.action for r in ecs.store.writes.log if r.ok == ok]
