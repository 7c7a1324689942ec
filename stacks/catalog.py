"""Named networks, services and VPCs every stack of the shop shares.

Stacks say ``catalog.VPC_DNS`` rather than repeating addresses, so a change of the office's
addresses or a new payment endpoint is made once and reviewed once.
"""

from __future__ import annotations

from typing import Any

from sgplan import Peer, prefix_list, prefix_list_of, tcp

REGION = "cn-hangzhou"
"""Where the shop runs."""

VPCS = {
    "prod": "vpc-bp1prodshop7x2k9q0m",
    "staging": "vpc-bp1stageshop4n8d2w",
    "dev": "vpc-bp1devshop3c5v7k1r",
}
"""One VPC per environment: prod and test never share a network, hence never a group."""

OFFICE_NETS = ("203.0.113.0/27", "198.51.100.16/29")
"""The offices' egress addresses (the only public sources allowed to reach a bastion)."""

VPC_DNS = ("100.100.2.136/32", "100.100.2.138/32")
"""Alibaba Cloud's VPC DNS resolvers; an egress allow-list must admit them (seed 001 2.4)."""

PAYMENT_API = "47.96.0.0/16"
"""The payment provider's API endpoints."""

APP_HTTP = tcp(8080)
"""The shop application's HTTP port, behind the web tier."""


def office_list_name(env: str) -> str:
    return f"{env}-office-nets"


def office_prefix_list(env: str) -> dict[str, Any]:
    """The office networks as a prefix list of ``env`` (one rule per list, not per CIDR)."""
    return prefix_list_of(
        office_list_name(env),
        OFFICE_NETS,
        max_entries=10,
        description="office egress addresses",
    )


def offices(env: str) -> Peer:
    """The peer naming ``env``'s office prefix list."""
    return prefix_list(office_list_name(env))
