"""Reachability assertions a stack makes about itself (evaluated by ``sgplan test``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Model
from .rule import Direction, Protocol


class Intent(Model):
    """A promise about reachability, checked by ``sgplan test`` (see :mod:`sgplan.intents`).

    ``expect`` allow: *every* packet of this shape gets through; deny: *none* does.
    ``source`` is the remote side: ``internet`` (every public IPv4 and IPv6 address;
    ``internet-v4`` / ``internet-v6`` for one family), an address or CIDR (every address in
    it), or ``group:NAME`` (a member of that group). ``target`` is a group name of the stack
    or ``*`` for every group. ``direction`` ingress: from the source into the target's
    members; egress: from the target's members out to the source. No ``port`` means every
    port; protocol ``all`` every protocol.
    """

    name: str | None = None
    expect: Literal["allow", "deny"]
    protocol: Protocol
    port: int | None = Field(default=None, ge=1, le=65535)
    source: str
    target: str
    direction: Direction = "ingress"
