"""Building blocks: typed group declarations for the roles an estate is made of.

Each role returns a :class:`~sgplan.model.build.GroupDecl`; it is validated with the rest of
its stack by ``define_stack`` (or alone with ``.build()``), so a mistake in a role's inputs is
reported with every other problem of the stack. Roles follow the docs' good practice
(SPEC section 4): one group per role, whitelists, group-to-group grants for internal traffic,
management ports only from trusted sources.

    web_tier("prod-shop-web-sg", admin_from=group("prod-ops-bastion-sg"))
    datastore("prod-mysql-db-sg", "mysql", clients=["prod-shop-app-sg"])
    bastion("prod-ops-bastion-sg", sources=[prefix_list("prod-office-nets")], workbench=True)
    internal_service("prod-shop-app-sg", "shop app", services=[tcp(8080)],
                     clients=["prod-shop-web-sg"],
                     rules=allowlist_egress(egress(svc.HTTPS, to="47.96.0.0/16")))

Every role takes the group fields of :class:`GroupOptions` as keyword arguments (``tags``,
``vpc_id``, ``key``...) and extra rules through ``rules``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal, TypedDict, Unpack

from sgplan import INTERNET_V4, INTERNET_V6, egress, ingress, security_group, svc
from sgplan.model.build import GroupDecl, RuleDecl
from sgplan.model.issues import InputError
from sgplan.model.limits import (
    PRIORITY_MAX,
    WORKBENCH_LEGACY_CIDRS,
    WORKBENCH_PRIVATE_CIDR,
    WORKBENCH_PUBLIC_CIDR,
)
from sgplan.model.peers import Peer, group, parse_peer
from sgplan.model.services import Service

PeerLike = str | Peer
"""A peer as the DSL takes it: ``"10.0.0.0/8"``, ``group("x")``, ``prefix_list("y")``..."""
Peers = PeerLike | Sequence[PeerLike]

ENGINES: dict[str, tuple[Service, ...]] = {
    "mysql": (svc.MYSQL,),
    "postgresql": (svc.POSTGRESQL,),
    "mssql": (svc.MSSQL,),
    "oracle": (svc.ORACLE,),
    "redis": (svc.REDIS,),
    "mongodb": (svc.MONGODB,),
    "memcached": (svc.MEMCACHED,),
}
"""Database and cache engines :func:`datastore` knows, with the services they listen on."""

WORKBENCH = (WORKBENCH_PUBLIC_CIDR, WORKBENCH_PRIVATE_CIDR)
"""Where Alibaba Workbench connects from (public and private IP), SPEC section 4."""


class GroupOptions(TypedDict, total=False):
    """Group fields every role passes through to ``security_group``."""

    vpc_id: str
    network: Literal["vpc", "classic"]
    type: Literal["normal", "enterprise"]
    inner_access_policy: Literal["accept", "drop"]
    tags: Mapping[str, str]
    resource_group_id: str
    id: str
    key: str


def _peer_list(peers: Peers) -> list[PeerLike]:
    if isinstance(peers, (str, Peer)):
        return [peers]
    return list(peers)


def _anywhere(peer: PeerLike) -> bool:
    try:
        return parse_peer(peer).is_anywhere
    except ValueError:
        return False  # the stack's validation reports it, with its position


def admin_access(
    sources: Peers,
    *,
    services: Sequence[Service] = (svc.SSH,),
    description: str = "ops via bastion",
) -> list[RuleDecl]:
    """Management access (SSH by default) from ``sources``, typically the bastion group.

    Empty when ``sources`` is empty, so roles can pass their ``admin_from`` straight in.
    """
    peers = _peer_list(sources)
    if not peers:
        return []
    return [ingress(*services, from_=peers, description=description)]


def web_tier(
    name: str,
    description: str = "public web tier",
    *,
    services: Sequence[Service] = (svc.HTTP, svc.HTTPS),
    ipv6: bool = True,
    rule_description: str = "public web",
    admin_from: Peers = (),
    rules: Iterable[RuleDecl] = (),
    **options: Unpack[GroupOptions],
) -> GroupDecl:
    """A public web tier: HTTP and HTTPS from the whole internet, IPv4 and (``ipv6``) IPv6.

    ``admin_from`` adds SSH from those peers (the bastion group, say).
    """
    internet = [INTERNET_V4, INTERNET_V6] if ipv6 else [INTERNET_V4]
    return security_group(name, description, rules=[
        ingress(*services, from_=internet, description=rule_description),
        *admin_access(admin_from),
        *rules,
    ], **options)  # fmt: skip


def bastion(
    name: str,
    description: str = "ops bastion hosts",
    *,
    sources: Peers = (),
    services: Sequence[Service] = (svc.SSH, svc.RDP),
    workbench: bool = False,
    workbench_legacy: bool = False,
    rule_description: str = "ops access",
    rules: Iterable[RuleDecl] = (),
    **options: Unpack[GroupOptions],
) -> GroupDecl:
    """A bastion: SSH and RDP only from ``sources`` (addresses, prefix lists, groups).

    ``workbench`` also admits Alibaba Workbench (161.117.0.0/16 public, 100.104.0.0/16
    private); ``workbench_legacy`` the ranges the 2022 guide names. Raises
    :class:`InputError` for a source that is the whole internet (the risk SPEC section 4
    asks to block) and for a bastion reachable from nowhere.
    """
    peers = _peer_list(sources)
    open_to_all = [str(p) for p in peers if _anywhere(p)]
    if open_to_all:
        raise InputError(
            f"group {name}: bastion source {', '.join(open_to_all)} is the whole internet; "
            "allowed: trusted addresses, prefix lists or groups (management ports must not be "
            "open to anywhere)"
        )
    decls: list[RuleDecl] = []
    if peers:
        decls.append(ingress(*services, from_=peers, description=rule_description))
    if workbench:
        decls.append(ingress(*services, from_=list(WORKBENCH), description="Alibaba Workbench"))
    if workbench_legacy:
        decls.append(
            ingress(*services, from_=list(WORKBENCH_LEGACY_CIDRS),
                    description="Alibaba Workbench (2022 ranges)")
        )  # fmt: skip
    if not decls:
        raise InputError(
            f"group {name}: bastion has no sources; give sources=[...] and/or workbench=True"
        )
    return security_group(name, description, rules=[*decls, *rules], **options)


def _client_peer(name: str, client: PeerLike) -> Peer:
    peer = client if isinstance(client, Peer) else group(client)
    if not peer.is_group:
        raise InputError(
            f"group {name}: client {peer} is not a security group; allowed: a group name of "
            "the stack, group(NAME) or a group ID sg-... (internal services are reached from "
            "other groups only)"
        )
    return peer


def internal_service(
    name: str,
    description: str,
    *,
    services: Sequence[Service],
    clients: Sequence[PeerLike],
    rule_description: str | None = None,
    admin_from: Peers = (),
    rules: Iterable[RuleDecl] = (),
    **options: Unpack[GroupOptions],
) -> GroupDecl:
    """A service reachable only from other groups: ``services`` from each of ``clients``.

    ``clients`` are group names of the stack (or ``group(...)`` / ``group_id(...)`` peers);
    anything else raises :class:`InputError`. Each client's rules are described
    ``rule_description`` or ``"<client> to <services>"``.
    """
    if not clients:
        raise InputError(f"group {name}: internal service has no clients; give clients=[...]")
    label = ",".join(s.name for s in services)
    grants = []
    for client in clients:
        peer = _client_peer(name, client)
        text = rule_description or f"{peer.value} to {label}"
        grants.append(ingress(*services, from_=peer, description=text))
    return security_group(
        name, description, rules=[*grants, *admin_access(admin_from), *rules], **options
    )


def engine_services(engine: str) -> tuple[Service, ...]:
    """The services of a database or cache engine by name (``postgres`` and ``sqlserver``
    are accepted aliases); raises :class:`InputError` naming the allowed engines."""
    key = engine.strip().lower()
    key = svc.ALIASES.get(key, key)
    if key not in ENGINES:
        raise InputError(
            f"engine {engine!r} is not a database or cache engine; allowed: {', '.join(ENGINES)}"
        )
    return ENGINES[key]


def datastore(
    name: str,
    engine: str,
    *,
    clients: Sequence[PeerLike],
    description: str | None = None,
    rule_description: str | None = None,
    admin_from: Peers = (),
    rules: Iterable[RuleDecl] = (),
    **options: Unpack[GroupOptions],
) -> GroupDecl:
    """A database or cache (``mysql``, ``postgresql``, ``mssql``, ``oracle``, ``redis``,
    ``mongodb``, ``memcached``) reachable only from the ``clients`` groups."""
    try:
        services = engine_services(engine)
    except InputError as exc:
        raise InputError(f"group {name}: {exc}") from None
    return internal_service(
        name,
        description or f"{services[0].title} servers",
        services=services,
        clients=clients,
        rule_description=rule_description,
        admin_from=admin_from,
        rules=rules,
        **options,
    )


def allowlist_egress(
    *allow: RuleDecl,
    deny_priority: int = PRIORITY_MAX,
    ipv6: bool = True,
    description: str = "deny the rest",
) -> list[RuleDecl]:
    """The whitelist pattern of seed 001: every ``allow`` egress accept, then drop all
    egress to anywhere (IPv4 and, with ``ipv6``, IPv6) at the weak ``deny_priority``.

    Each allowed rule must be an egress accept whose priority is stronger (smaller) than
    ``deny_priority``: at equal priority the drop would win and cancel it (SPEC section 3).
    """
    for decl in allow:
        fields = decl.fields
        if fields.get("direction") != "egress" or fields.get("policy") != "accept":
            raise InputError(
                f"allow-list entry {dict(fields)!r} is not an egress accept; build entries "
                "with egress(...)"
            )
        priority = fields.get("priority", 1)
        if not isinstance(priority, int) or priority >= deny_priority:
            raise InputError(
                f"allow-list entry {dict(fields)!r} has priority {priority}; allowed: 1-"
                f"{deny_priority - 1} (the drop-all at {deny_priority} would cancel it)"
            )
    anywhere = [INTERNET_V4, INTERNET_V6] if ipv6 else [INTERNET_V4]
    deny = egress(svc.ALL, to=anywhere, policy="drop", priority=deny_priority,
                  description=description)  # fmt: skip
    return [*allow, deny]


def egress_allowlist(
    name: str,
    description: str = "egress allow-list",
    *,
    allow: Sequence[RuleDecl],
    deny_priority: int = PRIORITY_MAX,
    ipv6: bool = True,
    rules: Iterable[RuleDecl] = (),
    **options: Unpack[GroupOptions],
) -> GroupDecl:
    """A group that limits where its members may connect (seed 001, "limit access to
    external websites"): the ``allow`` egress accepts and a drop-all below them.

    Attach it to NICs next to their role group; an accept here at priority 1 outranks the
    drop at 100 whichever group of the NIC holds it.
    """
    return security_group(name, description, rules=[
        *allowlist_egress(*allow, deny_priority=deny_priority, ipv6=ipv6),
        *rules,
    ], **options)  # fmt: skip
