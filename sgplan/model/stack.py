"""A stack (desired state of one environment) and a current state (what is live)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Model
from .group import Member, PortRangeList, PrefixList, SecurityGroup
from .intent import Intent


class Stack(Model):
    name: str
    region: str
    environment: str | None = Field(
        default=None, description="prod, staging, dev...; defaults to the stack name"
    )
    vpc_id: str | None = Field(default=None, description="default VPC of the stack's groups")
    description: str | None = None
    groups: tuple[SecurityGroup, ...] = ()
    prefix_lists: tuple[PrefixList, ...] = ()
    members: tuple[Member, ...] = ()
    port_lists: tuple[PortRangeList, ...] = ()
    intents: tuple[Intent, ...] = ()

    @property
    def env(self) -> str:
        return self.environment or self.name

    def group(self, name: str) -> SecurityGroup:
        for g in self.groups:
            if g.name == name:
                return g
        raise KeyError(name)

    def prefix_list(self, name: str) -> PrefixList:
        for p in self.prefix_lists:
            if p.name == name:
                return p
        raise KeyError(name)

    @property
    def rule_count(self) -> int:
        return sum(len(g.rules) for g in self.groups)


class State(Model):
    """What is live (or was, when the snapshot was taken): groups carry IDs and live facts."""

    version: Literal[1] = 1
    region: str | None = None
    groups: tuple[SecurityGroup, ...] = ()
    prefix_lists: tuple[PrefixList, ...] = ()
    members: tuple[Member, ...] = ()
    port_lists: tuple[PortRangeList, ...] = ()

    def by_id(self) -> dict[str, SecurityGroup]:
        return {g.id: g for g in self.groups if g.id}

    @property
    def rule_count(self) -> int:
        return sum(len(g.rules) for g in self.groups)
