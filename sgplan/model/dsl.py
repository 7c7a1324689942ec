"""The Python way to write a stack: small functions that read like the console's forms.

    security_group("prod-web-sg", "Public web tier", rules=[
        ingress(svc.HTTP, svc.HTTPS, from_=INTERNET),
        ingress(svc.SSH, from_=group("prod-bastion-sg")),
        egress(tcp(3306), to=group("prod-mysql-db-sg")),
    ])

Nothing is validated until the stack is defined (:func:`define_stack`), so every mistake of
the stack is reported at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from .build import GroupDecl, RuleDecl, build_stack
from .ports import PortRange, parse_port_range
from .services import Service
from .stack import Stack

INTERNET_V4 = "0.0.0.0/0"
INTERNET_V6 = "::/0"


def tcp(*ports: int | str) -> Service:
    """TCP on the given ports or ranges (``tcp(80, 443, "8000-8100")``)."""
    return _custom("tcp", ports)


def udp(*ports: int | str) -> Service:
    return _custom("udp", ports)


def _custom(protocol: str, ports: Sequence[int | str]) -> Service:
    parts: list[tuple[str, PortRange]] = []
    for p in ports:
        try:
            parts.append((protocol, parse_port_range(p)))
        except ValueError:
            # keep the raw text so the stack's validation reports it with its position
            parts.append((protocol, p))  # type: ignore[arg-type]
    name = ",".join(f"{protocol}/{p}" for p in ports)
    return Service(name, tuple(parts))


def _peers(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)) and type(value) is not PortRange:
        return list(value)
    return [value]


def _rule(
    direction: str,
    what: tuple[Any, ...],
    peers: Any,
    *,
    protocol: str | None,
    ports: Any,
    policy: str,
    priority: int,
    description: str | None,
    nic_type: str | None,
    source_ports: Any,
    local_cidr: str | None,
    waivers: Iterable[Any],
    port_list: str | None = None,
) -> RuleDecl:
    fields: dict[str, Any] = {"direction": direction, "policy": policy, "priority": priority}
    if what:
        fields["service"] = list(what)
    if protocol is not None:
        fields["protocol"] = protocol
    if ports is not None:
        fields["ports"] = ports
    plist = _peers(peers)
    fields["peer"] = plist if len(plist) != 1 else plist[0]
    for key, value in (
        ("description", description),
        ("nic_type", nic_type),
        ("source_ports", source_ports),
        ("local_cidr", local_cidr),
        ("port_list", _port_list_ref(port_list)),
    ):
        if value is not None:
            fields[key] = value
    w = [x.model_dump() if hasattr(x, "model_dump") else x for x in waivers]
    if w:
        fields["waivers"] = w
    return RuleDecl(fields)


def ingress(
    *what: Service | str,
    from_: Any = None,
    protocol: str | None = None,
    ports: Any = None,
    policy: str = "accept",
    priority: int = 1,
    description: str | None = None,
    nic_type: str | None = None,
    source_ports: Any = None,
    local_cidr: str | None = None,
    waivers: Iterable[Any] = (),
    port_list: str | None = None,
) -> RuleDecl:
    """Inbound rule(s): each service/port x each peer in ``from_`` becomes one rule.
    ``port_list`` (a port list of the stack by name, or ``prl-...``) replaces ``ports``."""
    return _rule("ingress", what, from_, protocol=protocol, ports=ports, policy=policy,
                 priority=priority, description=description, nic_type=nic_type,
                 source_ports=source_ports, local_cidr=local_cidr, waivers=waivers,
                 port_list=port_list)  # fmt: skip


def egress(
    *what: Service | str,
    to: Any = None,
    protocol: str | None = None,
    ports: Any = None,
    policy: str = "accept",
    priority: int = 1,
    description: str | None = None,
    nic_type: str | None = None,
    source_ports: Any = None,
    local_cidr: str | None = None,
    waivers: Iterable[Any] = (),
    port_list: str | None = None,
) -> RuleDecl:
    """Outbound rule(s): each service/port x each peer in ``to`` becomes one rule.
    ``port_list`` (a port list of the stack by name, or ``prl-...``) replaces ``ports``."""
    return _rule("egress", what, to, protocol=protocol, ports=ports, policy=policy,
                 priority=priority, description=description, nic_type=nic_type,
                 source_ports=source_ports, local_cidr=local_cidr, waivers=waivers,
                 port_list=port_list)  # fmt: skip


def _port_list_ref(value: str | None) -> str | None:
    if value is None or value.startswith(("prl-", "port-list:")):
        return value
    return f"port-list:{value}"


def port_list_of(
    name: str,
    entries: Iterable[str | int | Mapping[str, Any]],
    *,
    max_entries: int,
    description: str | None = None,
    id: str | None = None,
) -> dict[str, Any]:
    """A port list of the stack (``prl-...`` once created): rules use it with
    ``port_list=NAME``; it costs ``max_entries`` rules of each group using it."""
    out: dict[str, Any] = {
        "name": name,
        "entries": [e if isinstance(e, Mapping) else {"ports": e} for e in entries],
        "max_entries": max_entries,
    }
    if description is not None:
        out["description"] = description
    if id is not None:
        out["id"] = id
    return out


def waive(check: str, reason: str, expires: date | str) -> dict[str, Any]:
    """Accept the risk a named check reports for one rule, until ``expires``."""
    return {"check": check, "reason": reason, "expires": expires}


def security_group(
    name: str,
    description: str | None = None,
    rules: Iterable[Any] = (),
    *,
    vpc_id: str | None = None,
    network: str | None = None,
    type: str | None = None,
    inner_access_policy: str | None = None,
    tags: Mapping[str, str] | None = None,
    resource_group_id: str | None = None,
    id: str | None = None,
    key: str | None = None,
) -> GroupDecl:
    fields: dict[str, Any] = {"name": name}
    for k, v in (
        ("description", description),
        ("vpc_id", vpc_id),
        ("network", network),
        ("type", type),
        ("inner_access_policy", inner_access_policy),
        ("tags", dict(tags) if tags else None),
        ("resource_group_id", resource_group_id),
        ("id", id),
        ("key", key),
    ):
        if v is not None:
            fields[k] = v
    return GroupDecl(fields, tuple(rules))


def prefix_list_of(
    name: str,
    entries: Iterable[str | Mapping[str, str]],
    *,
    max_entries: int,
    address_family: str = "IPv4",
    description: str | None = None,
    id: str | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": name,
        "entries": [e if isinstance(e, Mapping) else {"cidr": e} for e in entries],
        "max_entries": max_entries,
        "address_family": address_family,
    }
    if description is not None:
        out["description"] = description
    if id is not None:
        out["id"] = id
    return out


def member(nic: str, *groups: str, instance: str | None = None) -> dict[str, Any]:
    """A NIC (or an instance's primary NIC) joining groups of the stack, by name."""
    out: dict[str, Any] = {"nic": nic, "groups": list(groups)}
    if instance is not None:
        out["instance"] = instance
    return out


def allows(
    protocol: str, port: int | None, *, source: str, target: str, name: str | None = None
) -> dict[str, Any]:
    """Intent: some ``protocol``/``port`` packet from ``source`` gets into ``target``."""
    return {"expect": "allow", "protocol": protocol, "port": port, "source": source,
            "target": target, "name": name}  # fmt: skip


def denies(
    protocol: str, port: int | None, *, source: str, target: str, name: str | None = None
) -> dict[str, Any]:
    """Intent: no ``protocol``/``port`` packet from ``source`` gets into ``target``."""
    return {"expect": "deny", "protocol": protocol, "port": port, "source": source,
            "target": target, "name": name}  # fmt: skip


def define_stack(
    name: str,
    region: str,
    groups: Iterable[Any],
    *,
    vpc_id: str | None = None,
    environment: str | None = None,
    description: str | None = None,
    prefix_lists: Iterable[Any] = (),
    members: Iterable[Any] = (),
    intents: Iterable[Any] = (),
    port_lists: Iterable[Any] = (),
) -> Stack:
    """Validate the whole stack at once; raises ``StackInvalid`` listing every problem."""
    data: dict[str, Any] = {
        "name": name,
        "region": region,
        "groups": list(groups),
        "prefix_lists": list(prefix_lists),
        "members": list(members),
        "intents": list(intents),
    }
    if port_lists:
        data["port_lists"] = list(port_lists)
    for k, v in (("vpc_id", vpc_id), ("environment", environment), ("description", description)):
        if v is not None:
            data[k] = v
    return build_stack(data)
