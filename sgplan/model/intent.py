"""Reachability assertions a stack makes about itself (evaluated by ``sgplan test``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Model
from .rule import Direction, Protocol


class Intent(Model):
    """``expect`` allow: some packet of this shape gets through; deny: none does.

    ``source`` is ``internet`` (any public address), an address or CIDR, or ``group:NAME``;
    ``target`` is a group name of the stack or ``*`` for every group.
    """

    name: str | None = None
    expect: Literal["allow", "deny"]
    protocol: Protocol
    port: int | None = Field(default=None, ge=1, le=65535)
    source: str
    target: str
    direction: Direction = "ingress"
