"""Turn a stack declaration (Python DSL, JSON or YAML) into a validated :class:`Stack`.

Declarations may use every convenience of the DSL: a service by name, several ports or
peers in one rule (expanded to one rule each, as the console does), groups that inherit the
stack's VPC. Every problem of the whole stack is collected and raised once as
:class:`StackInvalid`, each naming the stack, group and rule (position and text).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..gcpause import gc_paused
from .group import Member, PortRangeList, PrefixList, SecurityGroup
from .intent import Intent
from .issues import Issue, StackInvalid, raw_rule_text
from .ports import PortRange, split_port_list
from .rule import Rule, normalize_rule
from .services import CATALOG, Service, lookup
from .stack import Stack, State
from .validate import check_stack

_LIVE = {"live": True}
STACK_FIELDS = frozenset(Stack.model_fields)
GROUP_FIELDS = frozenset(SecurityGroup.model_fields)
DECL_ONLY_RULE_FIELDS = frozenset({"service"})


@dataclass(frozen=True)
class RuleDecl:
    """One rule declaration; may expand to several rules (services x ports x peers)."""

    fields: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.fields)


@dataclass(frozen=True)
class GroupDecl:
    """A group declaration, validated together with the rest of its stack."""

    fields: Mapping[str, Any]
    rules: tuple[Any, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.fields)
        out["rules"] = [r.to_dict() if isinstance(r, RuleDecl) else r for r in self.rules]
        return out

    def build(self, vpc_id: str | None = None) -> SecurityGroup:
        """Validate this group on its own (outside a stack): a typed SecurityGroup."""
        builder = _Builder(None)
        grp = builder.group(self, 0, vpc_id)
        if builder.issues or grp is None:
            raise StackInvalid(None, builder.issues)
        return grp


def expand_rule(decl: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Expand services x ports x peers of one declaration into single-rule dicts."""
    if (
        "service" not in decl
        and not isinstance(decl.get("peer"), (list, tuple))
        and not _is_port_list(decl.get("ports"))
    ):
        return [dict(decl)], []
    problems: list[tuple[str, str]] = []
    base = dict(decl)
    services = base.pop("service", None)
    peers = base.pop("peer", None)
    peer_list = list(peers) if isinstance(peers, (list, tuple)) else [peers]
    if not peer_list:
        problems.append(("peer", "peer list is empty; give at least one peer"))
    pairs: list[tuple[Any, Any]] = []
    if services is not None:
        if "protocol" in base or "ports" in base:
            problems.append(("service", "give either service or protocol/ports, not both"))
        for item in services if isinstance(services, (list, tuple)) else [services]:
            svc = item if isinstance(item, Service) else lookup(str(item))
            if svc is None:
                problems.append(
                    (
                        "service",
                        f"service {item!r} is not in the catalog; allowed: {', '.join(CATALOG)}",
                    )
                )
                continue
            pairs.extend(svc.parts)
        base.pop("protocol", None)
        base.pop("ports", None)
    else:
        protocol = base.pop("protocol", None)
        ports = base.pop("ports", None)
        port_items: list[Any] = []
        for item in ports if _is_list(ports) else [ports]:
            port_items.extend(split_port_list(item))
        if not port_items:
            problems.append(("ports", "port list is empty; give at least one port or range"))
        pairs.extend((protocol, p) for p in port_items)
    out: list[dict[str, Any]] = []
    for protocol, ports in pairs:
        for peer in peer_list:
            one = dict(base)
            if protocol is not None:
                one["protocol"] = protocol
            if ports is not None:
                one["ports"] = ports
            one["peer"] = peer
            out.append(one)
    return out, problems


def _is_list(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and type(value) is not PortRange


def _is_port_list(value: Any) -> bool:
    return _is_list(value) or (isinstance(value, str) and "," in value)


def _as_mapping(item: Any) -> Any:
    if isinstance(item, (RuleDecl, GroupDecl)):
        return item.to_dict() if isinstance(item, RuleDecl) else item
    return item


def issues_from_validation(exc: ValidationError, **where: Any) -> list[Issue]:
    """Pydantic errors as issues whose message says what was given and what is allowed."""
    out: list[Issue] = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(x) for x in err["loc"]) or "value"
        kind = err["type"]
        msg = err["msg"]
        if kind in ("rule", "peer", "ports"):
            text = msg
        elif kind == "missing":
            text = f"{loc} is required"
        elif kind == "extra_forbidden":
            text = f"unknown field {loc!r}"
        else:
            given = err.get("input")
            text = f"{loc} {given!r} is not valid: {msg[:1].lower()}{msg[1:]}"
        out.append(Issue(text, field=loc, **where))
    return out


class _Builder:
    def __init__(self, stack_name: str | None):
        self.stack = stack_name
        self.issues: list[Issue] = []
        self.positions: dict[str, list[int]] = {}

    def _issue(self, message: str, **where: Any) -> None:
        self.issues.append(Issue(message, stack=self.stack, **where))

    def _unknown(self, data: Mapping[str, Any], allowed: Iterable[str], **where: Any) -> None:
        extra = sorted(set(data) - set(allowed))
        if extra:
            self._issue(
                f"unknown field(s) {', '.join(extra)}; allowed: {', '.join(sorted(allowed))}",
                **where,
            )

    def rules(self, group: str, decls: Sequence[Any], live: bool = False) -> list[Rule]:
        out: list[Rule] = []
        positions: list[int] = []
        for number, decl in enumerate(decls, start=1):
            if isinstance(decl, Rule):
                out.append(decl)
                positions.append(number)
                continue
            decl = _as_mapping(decl)
            if not isinstance(decl, Mapping):
                self._issue(
                    f"a rule must be a mapping of fields or ingress()/egress(), got {decl!r}",
                    group=group, rule=number,
                )  # fmt: skip
                continue
            if (
                "service" in decl
                or type(decl.get("peer")) in (list, tuple)
                or "," in str(decl.get("ports", ""))
                or type(decl.get("ports")) in (list, tuple)
            ):
                singles, problems = expand_rule(decl)
            else:  # one rule as declared (the common case): no copy, nothing to expand
                singles, problems = [decl if isinstance(decl, dict) else dict(decl)], []
            for fld, msg in problems:
                self._issue(msg, group=group, rule=number, rule_text=raw_rule_text(decl), field=fld)
            for single in singles:
                clean, problems = normalize_rule(single, live=live)
                if problems:
                    text = raw_rule_text(single)
                    for fld, msg in problems:
                        self._issue(msg, group=group, rule=number, rule_text=text, field=fld)
                    continue
                try:
                    out.append(Rule.from_normalized(clean))
                except ValidationError as exc:
                    self.issues.extend(
                        issues_from_validation(
                            exc, stack=self.stack, group=group, rule=number,
                            rule_text=raw_rule_text(single),
                        )
                    )  # fmt: skip
                    continue
                positions.append(number)
        self.positions[group] = positions
        return out

    def group(
        self, data: Any, index: int, vpc_id: str | None, live: bool = False
    ) -> SecurityGroup | None:
        if isinstance(data, SecurityGroup):
            if vpc_id and data.network == "vpc" and not data.vpc_id:
                return data.model_copy(update={"vpc_id": vpc_id})
            return data
        if isinstance(data, GroupDecl):
            fields = dict(data.fields)
            decls: Sequence[Any] = data.rules
        elif isinstance(data, Mapping):
            fields = dict(data)
            decls = fields.pop("rules", None) or ()
        else:
            self._issue(f"group {index + 1} must be a mapping or group(), got {data!r}")
            return None
        name = fields.get("name")
        label = name if isinstance(name, str) and name else f"#{index + 1}"
        if not isinstance(decls, (list, tuple)):
            self._issue("rules must be a list", group=label, field="rules")
            decls = ()
        if (
            vpc_id
            and not fields.get("vpc_id")
            and str(fields.get("network", "vpc")).lower() == "vpc"
        ):
            fields["vpc_id"] = vpc_id
        if live and not fields.get("name") and fields.get("id"):
            label = str(fields["id"])
        rules = self.rules(label, decls, live=live)
        try:
            grp = SecurityGroup.model_validate(fields)
        except ValidationError as exc:
            self.issues.extend(issues_from_validation(exc, stack=self.stack, group=label))
            return None
        return grp.model_copy(update={"rules": tuple(rules)}) if rules else grp

    def stack_(self, data: Mapping[str, Any]) -> Stack | None:
        self._unknown(data, STACK_FIELDS)
        vpc_id = data.get("vpc_id") or None
        groups = []
        for i, g in enumerate(data.get("groups") or ()):
            built = self.group(g, i, vpc_id)
            if built is not None:
                groups.append(built)
        lists = self._models(PrefixList, data.get("prefix_lists"), "prefix list")
        port_lists = self._models(PortRangeList, data.get("port_lists"), "port list")
        members = self._models(Member, data.get("members"), "NIC")
        intents = self._models(Intent, data.get("intents"), "intent")
        top = {k: v for k, v in data.items() if k in STACK_FIELDS and k not in _NESTED}
        try:
            return Stack.model_validate(
                {
                    **top,
                    "groups": groups,
                    "prefix_lists": lists,
                    "port_lists": port_lists,
                    "members": members,
                    "intents": intents,
                }
            )
        except ValidationError as exc:
            self.issues.extend(issues_from_validation(exc, stack=self.stack))
            return None

    def _models(self, cls: type[Any], items: Any, label: str) -> list[Any]:
        out = []
        for n, item in enumerate(items or (), start=1):
            if isinstance(item, cls):
                out.append(item)
                continue
            name = item.get("name") or item.get("nic") if isinstance(item, Mapping) else None
            where = f"{label} {name or n}"
            try:
                out.append(cls.model_validate(item))
            except ValidationError as exc:
                self.issues.extend(issues_from_validation(exc, stack=self.stack, where_else=where))
        return out


_NESTED = frozenset({"groups", "prefix_lists", "port_lists", "members", "intents"})


def build_stack(data: Mapping[str, Any] | Stack) -> Stack:
    """Validate a whole stack declaration; raises :class:`StackInvalid` with every problem."""
    with gc_paused():
        return _build_stack(data)


def _build_stack(data: Mapping[str, Any] | Stack) -> Stack:
    if isinstance(data, Stack):
        issues = check_stack(data)
        if issues:
            raise StackInvalid(data.name, issues)
        return data
    if not isinstance(data, Mapping):
        raise StackInvalid(
            None, [Issue(f"a stack must be a mapping of fields, got {type(data).__name__}")]
        )
    name = data.get("name") if isinstance(data.get("name"), str) else None
    builder = _Builder(name)
    stack = builder.stack_(data)
    if stack is not None:
        builder.issues.extend(check_stack(stack, builder.positions))
    if builder.issues:
        raise StackInvalid(name, _in_order(builder.issues, data))
    assert stack is not None
    return stack


def _in_order(issues: list[Issue], data: Mapping[str, Any]) -> list[Issue]:
    """Stack-wide issues first, then by group as declared, then by rule position."""
    order: dict[str, int] = {}
    for i, g in enumerate(data.get("groups") or ()):
        fields = g.fields if isinstance(g, GroupDecl) else g
        name = getattr(fields, "name", None) or (
            fields.get("name") if isinstance(fields, Mapping) else None
        )
        order.setdefault(str(name) if name else f"#{i + 1}", i)
    big = len(order) + 1
    return sorted(
        issues,
        key=lambda x: (
            -1 if x.group is None and x.where_else is None else order.get(x.group or "", big),
            x.where_else or "",
            x.rule or 0,
        ),
    )


def build_state(
    data: Mapping[str, Any] | State,
    *,
    source: str = "current state",
    unreadable: list[Issue] | None = None,
) -> State:
    """Validate a current state (snapshot, API read...): live rules, legacy priorities allowed.

    Raises :class:`StackInvalid` naming ``source`` with every problem found. With
    ``unreadable`` (a list), a rule that cannot be read is left out and its issue appended
    there instead, so the rest can still be judged (the caller must report them).
    """
    with gc_paused():
        return _build_state(data, source, unreadable)


def _build_state(
    data: Mapping[str, Any] | State, source: str, unreadable: list[Issue] | None
) -> State:
    if isinstance(data, State):
        return data
    if not isinstance(data, Mapping):
        raise StackInvalid(
            source, [Issue(f"a state must be a mapping of fields, got {type(data).__name__}")]
        )
    builder = _Builder(source)
    builder._unknown(data, State.model_fields)
    groups = []
    for i, g in enumerate(data.get("groups") or ()):
        built = builder.group(g, i, None, live=True)
        if built is not None:
            groups.append(built)
    lists = builder._models(PrefixList, data.get("prefix_lists"), "prefix list")
    port_lists = builder._models(PortRangeList, data.get("port_lists"), "port list")
    members = builder._models(Member, data.get("members"), "NIC")
    state = None
    try:
        top = {k: v for k, v in data.items() if k in ("version", "region")}
        state = State.model_validate(
            {
                **top,
                "groups": groups,
                "prefix_lists": lists,
                "members": members,
                "port_lists": port_lists,
            }
        )
    except ValidationError as exc:
        builder.issues.extend(issues_from_validation(exc, stack=source))
    if unreadable is not None:
        unreadable.extend(i for i in builder.issues if i.rule is not None and i.group)
        builder.issues = [i for i in builder.issues if not (i.rule is not None and i.group)]
    if builder.issues or state is None:
        raise StackInvalid(source, builder.issues)
    return state


def build_rules(decls: Sequence[Any], *, live: bool = False, group: str = "") -> list[Rule]:
    """Validate rule declarations outside a stack (raises :class:`StackInvalid`)."""
    builder = _Builder(None)
    rules = builder.rules(group, decls, live=live)
    if builder.issues:
        raise StackInvalid(None, builder.issues)
    return rules


def live_rule(data: Mapping[str, Any]) -> Rule:
    """A rule read from the cloud: canonicalised, legacy priorities admitted."""
    return Rule.model_validate(dict(data), context=_LIVE)
