"""A current state as the Python stack module a person would have written (``sgplan import``).

The module uses the public DSL (``define_stack``, ``security_group``, ``ingress``...), one
constant per group and prefix-list name, group peers as ``group(CONST)``, and pins every
group and prefix list to its live ID so that a plan matches them exactly. What a stack cannot
declare is left out, said in a comment where it would have been, and returned as a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import __all__ as sgplan_names
from ..model.group import Member, PrefixList, SecurityGroup
from ..model.issues import InputError
from ..model.limits import GROUP_NAME_MAX, GROUP_NAME_MIN, PRIORITY_MAX, RULES_PER_GROUP
from ..model.peers import Peer
from ..model.rule import Rule
from ..model.stack import State
from ..model.validate import check_name
from .names import constant_names
from .pycode import Atom, Item, Node, call, dict_of, list_of, names_used, py_str, s, statement
from .rules import rule_nodes

SYSTEM_LIST_PREFIXES = ("com.aliyun", "com.alibabacloud")
"""Prefix lists the cloud owns; a stack may not declare them (the validator refuses it)."""

RESERVED = ("REGION", "VPC_ID", "TAGS", *(n for n in sgplan_names if n.isupper()))
_ANYWHERE = {"0.0.0.0/0": "INTERNET_V4", "::/0": "INTERNET_V6"}


@dataclass
class GeneratedModule:
    """The module's text and what the generator could not carry over, one note each."""

    text: str
    state: State  # the source, with the VPCs given for groups whose source names none
    notes: list[str] = field(default_factory=list)
    groups: int = 0
    rules: int = 0
    cross_region: bool = False


@dataclass
class _Group:
    group: SecurityGroup
    name: str
    const: str = ""
    rules: list[Rule] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def vpc(self) -> str | None:
        return self.group.vpc_id if self.group.network == "vpc" else None


def _one_line(text: str) -> str:
    """Text fit for one comment line: unprintable characters as spaces, no trailing blank."""
    return "".join(ch if ch.isprintable() else " " for ch in text).rstrip()


class _Writer:
    """Holds what the whole module knows (constants, IDs) while it is written."""

    def __init__(
        self,
        state: State,
        stack_name: str,
        region: str,
        source: str,
        include_managed: bool,
        vpc_id: str | None,
    ):
        self.state = state
        self.stack_name = stack_name
        self.region = region
        self.source = source
        self.cross = bool(state.region and region != state.region)
        self.default_vpc = vpc_id
        self.notes: list[str] = []
        self.managed = [g for g in state.groups if g.managed and not include_managed]
        kept = [g for g in state.groups if not (g.managed and not include_managed)]
        self.groups = [_Group(g, g.name or g.id or "") for g in kept]
        self.groups.sort(key=lambda x: (x.name, x.group.id or ""))
        self.lists = [p for p in state.prefix_lists if not p.name.startswith(SYSTEM_LIST_PREFIXES)]
        self.system_lists = [p for p in state.prefix_lists if p not in self.lists]
        if self.cross:
            self.lists = []
        self._check_names()
        self.shared_vpc = self._vpcs()
        consts = constant_names(
            [(x.group.name, x.group.id or "", ("sg",)) for x in self.groups]
            + [(p.name, p.id or "", ("pl",)) for p in self.lists],
            stack_name=stack_name,
            reserved=RESERVED,
        )
        for x, c in zip(self.groups, consts[: len(self.groups)], strict=True):
            x.const = c
        self.list_consts = {
            id(p): c for p, c in zip(self.lists, consts[len(self.groups) :], strict=True)
        }
        self.by_id = {x.group.id: x for x in self.groups if x.group.id}
        self.by_name = {x.name: x for x in self.groups}
        self.list_by_id = {p.id: p for p in self.lists if p.id}
        self.list_by_name = {p.name: p for p in self.lists}

    # -- checks and facts of the whole state -------------------------------------------------
    def _check_names(self) -> None:
        seen: dict[str, str] = {}
        for x in self.groups:
            if not x.group.name:
                self.notes.append(
                    f"group {x.group.id}: the source does not say its name; it is named after "
                    "its ID (set the real name before planning, or the plan renames the group)"
                )
            for problem in check_name("group", x.name, GROUP_NAME_MIN, GROUP_NAME_MAX):
                self.notes.append(f"group {x.group.id}: {problem}; rename it to use the stack")
            if x.name in seen:
                raise InputError(
                    f"groups {seen[x.name]} and {x.group.id} are both named {x.name!r}; a stack "
                    "needs unique group names: import them into separate stacks"
                )
            seen[x.name] = x.group.id or "?"

    def _vpcs(self) -> str | None:
        """The VPC every VPC group shares (the stack's ``vpc_id``), if there is one."""
        vpcs: set[str] = set()
        for x in self.groups:
            if x.group.network != "vpc":
                continue
            vpc = self.default_vpc if self.cross else (x.group.vpc_id or self.default_vpc)
            if not vpc:
                why = (
                    f"the groups move from {self.state.region} to {self.region}"
                    if self.cross
                    else "the source does not say (console CSV files carry no VPC)"
                )
                raise InputError(f"group {x.name}: no VPC to declare, {why}; give --vpc")
            if vpc != x.group.vpc_id:
                x.group = x.group.model_copy(update={"vpc_id": vpc})
            vpcs.add(vpc)
        return next(iter(vpcs)) if len(vpcs) == 1 else None

    # -- peers ---------------------------------------------------------------------------------
    def peer(self, owner: _Group, peer: Peer) -> tuple[tuple[Any, ...], Node]:
        if peer.kind in ("ipv4", "ipv6"):
            net = peer.network
            assert net is not None
            key = (0, net.version, int(net.network_address), net.prefixlen)
            const = _ANYWHERE.get(peer.value)
            if const:
                return key, Atom(const)
            return key, s(peer.value)
        target = self._group_peer(owner, peer)
        if target is not None:
            return (1, target.const), call("group", Atom(target.const))
        if peer.is_prefix_list:
            pl = self.list_by_id.get(peer.value) if peer.kind == "prefix_list_id" else None
            pl = pl or (
                self.list_by_name.get(peer.value) if peer.kind == "prefix_list_name" else None
            )
            if pl is not None:
                const = self.list_consts[id(pl)]
                return (2, const), call("prefix_list", Atom(const))
        return (3, str(peer)), s(str(peer))

    def _group_peer(self, owner: _Group, peer: Peer) -> _Group | None:
        """The group of this module a group peer may name (``group(CONST)``), if any."""
        if peer.kind == "group_id" and not peer.owner:
            target = self.by_id.get(peer.value)
        elif peer.kind == "group_name":
            target = self.by_name.get(peer.value)
        else:
            return None
        if target is None or target.group.type == "enterprise":
            return None
        same_net = target.group.network == owner.group.network and target.vpc == owner.vpc
        return target if same_net else None

    # -- groups --------------------------------------------------------------------------------
    def select_rules(self, x: _Group) -> None:
        """The rules a stack can declare; the others as comments and notes."""
        rules = x.group.rules
        if len(rules) > RULES_PER_GROUP:
            raise InputError(
                f"group {x.name} holds {len(rules)} rules; a group holds at most "
                f"{RULES_PER_GROUP} (and the console imports at most that many at once)"
            )
        legacy: list[Rule] = []
        crossing: list[Rule] = []
        for rule in sorted(rules, key=lambda r: r.sort_key):
            if rule.priority > PRIORITY_MAX:
                legacy.append(rule)
            elif self.cross and (rule.peer.is_group or rule.peer.is_prefix_list):
                crossing.append(rule)
            else:
                x.rules.append(rule)
        if legacy:
            x.comments.append(
                f"Not declared: priorities above {PRIORITY_MAX} cannot be written (legacy"
            )
            x.comments.append("system rules), so a sync plan removes:")
            x.comments.extend(f"  {r.text()}" for r in legacy)
            for r in legacy:
                self.notes.append(
                    f"group {x.name}: `{r.text()}` is not declared: priorities above "
                    f"{PRIORITY_MAX} cannot be written, so a sync plan removes it"
                )
        if crossing:
            x.comments.append(
                f"Not declared: group and prefix-list peers do not cross from {self.state.region} "
                f"to {self.region}:"
            )
            x.comments.extend(f"  {r.text()}" for r in crossing)
            for r in crossing:
                self.notes.append(
                    f"group {x.name}: `{r.text()}` is not declared: its peer is a group or prefix "
                    f"list of {self.state.region}, which do not cross regions"
                )

    def group_node(self, x: _Group) -> Item:
        g = x.group
        rules = rule_nodes(x.rules, lambda p: self.peer(x, p))
        default_policy = "drop" if g.type == "enterprise" else "accept"
        node = call(
            "security_group",
            Atom(x.const),
            *([s(g.description)] if g.description else []),
            id=s(g.id) if g.id and not self.cross else None,
            vpc_id=s(g.vpc_id) if g.vpc_id and g.vpc_id != self.shared_vpc else None,
            network=s("classic") if g.network == "classic" else None,
            type=s(g.type) if g.type != "normal" else None,
            inner_access_policy=s(g.inner_access_policy)
            if g.inner_access_policy != default_policy
            else None,
            resource_group_id=s(g.resource_group_id) if g.resource_group_id else None,
            tags=dict_of(sorted(g.tags.items())) if g.tags else None,
            rules=list_of(rules, explode=True) if rules else None,
        )
        comments = list(x.comments)
        if g.managed:
            owner = str(g.live.service_id) if g.live and g.live.service_id else "a cloud product"
            comments.insert(0, f"Service-managed by {owner}: read-only, plans never change it.")
        return Item(node, comments=tuple(_one_line(c) for c in comments))

    # -- prefix lists and members --------------------------------------------------------------
    def list_node(self, p: PrefixList) -> Node:
        entries = [
            dict_of([("cidr", e.cidr), ("description", e.description)])
            if e.description
            else s(e.cidr)
            for e in p.entries
        ]
        return call(
            "prefix_list_of",
            Atom(self.list_consts[id(p)]),
            list_of(entries),
            max_entries=Atom(str(p.max_entries)),
            address_family=s(p.address_family) if p.address_family != "IPv4" else None,
            description=s(p.description) if p.description else None,
            id=s(p.id) if p.id else None,
        )

    def member_nodes(self) -> list[Node]:
        if self.cross:
            if self.state.members:
                self.notes.append(
                    f"{len(self.state.members)} NIC membership(s) are not declared: NICs do not "
                    "cross regions"
                )
            return []
        out: list[Node] = []
        for m in sorted(self.state.members, key=lambda m: m.nic):
            consts, unknown = self._member_groups(m)
            if unknown:
                self.notes.append(
                    f"NIC {m.nic}: its group(s) {', '.join(unknown)} are not in the module, so "
                    + ("the NIC is not declared" if not consts else "they are left out of it")
                )
            if not consts:
                continue
            out.append(
                call(
                    "member",
                    s(m.nic),
                    *(Atom(c) for c in consts),
                    instance=s(m.instance) if m.instance else None,
                )
            )
        return out

    def _member_groups(self, m: Member) -> tuple[list[str], list[str]]:
        consts: list[str] = []
        unknown: list[str] = []
        for ref in m.groups:
            x = self.by_id.get(ref) or self.by_name.get(ref)
            if x is None:
                unknown.append(ref)
            else:
                consts.append(x.const)
        return consts, unknown

    # -- the module ----------------------------------------------------------------------------
    def module(self) -> str:
        for x in self.groups:
            self.select_rules(x)
        group_items = [self.group_node(x) for x in self.groups]
        list_nodes = [self.list_node(p) for p in self.lists]
        members = self.member_nodes()
        stack = call(
            "define_stack",
            s(self.stack_name),
            Atom("REGION"),
            explode=True,
            vpc_id=Atom("VPC_ID") if self.shared_vpc else None,
            prefix_lists=list_of(list_nodes, explode=True) if list_nodes else None,
            groups=list_of(group_items, explode=True),
            members=list_of(members, explode=True) if members else None,
        )
        uses = {"Stack"} | (names_used(stack) & set(sgplan_names))
        parts = [
            self._docstring(),
            "from __future__ import annotations\n",
            self._imports(uses),
            self._constants(),
        ]
        left_out = self._left_out_comment()
        if left_out:
            parts.append(left_out)
        parts.append("\ndef build() -> Stack:\n" + statement(stack, "return ", 1))
        return "\n".join(parts)

    def _docstring(self) -> str:
        source = _one_line(self.source).replace("\\", "/").replace('"""', "'''")
        where = f" from {source}" if source else ""
        name = _one_line(self.stack_name).replace("\\", "/").replace('"""', "'''")
        lines = [f'"""Stack {name}: generated{where} by `sgplan import`.', ""]
        lines.append(
            "An ordinary stack module: edit it like any other, it is now the source of truth"
        )
        if self.cross:
            lines += [
                f"for these groups. They were read in {self.state.region} and are declared for "
                f"{self.region},",
                "so nothing is pinned to a live ID: planning this stack creates them there.",
            ]
        else:
            lines += [
                "for these groups. Groups and prefix lists are pinned to their live IDs (id=) so",
                "a plan matches them exactly; a sync plan against the same source shows no",
                "changes except where a comment says what a stack cannot declare.",
            ]
        return "\n".join(lines) + '\n"""\n'

    def _imports(self, uses: set[str]) -> str:
        def order(name: str) -> tuple[int, str]:
            if name.isupper():
                return 0, name
            return (1 if name[:1].isupper() else 2), name.lower()

        names = sorted(uses, key=order)
        one = f"from sgplan import {', '.join(names)}\n"
        if len(one) - 1 <= 88:
            return one
        return "from sgplan import (\n" + "".join(f"    {n},\n" for n in names) + ")\n"

    def _constants(self) -> str:
        lines = [f"REGION = {py_str(self.region)}"]
        if self.shared_vpc:
            lines.append(f"VPC_ID = {py_str(self.shared_vpc)}")
        lines.append("")
        lines += [f"{x.const} = {py_str(x.name)}" for x in self.groups]
        lines += [f"{self.list_consts[id(p)]} = {py_str(p.name)}" for p in self.lists]
        return "\n".join(lines) + "\n"

    def _left_out_comment(self) -> str:
        lines: list[str] = []
        if self.managed:
            lines.append("# Not declared: service-managed groups are read-only")
            lines.append("# (sgplan import --include-managed declares them):")
            for g in sorted(self.managed, key=lambda g: (g.name, g.id or "")):
                owner = (
                    str(g.live.service_id) if g.live and g.live.service_id else "a cloud product"
                )
                lines.append(f"#   {_one_line(g.name)} ({g.id}), managed by {_one_line(owner)}")
            self.notes.append(
                "service-managed groups are not declared (read-only): "
                + ", ".join(f"{g.name} ({g.id})" for g in self.managed)
            )
        shown = self.system_lists + (list(self.state.prefix_lists) if self.cross else [])
        if shown:
            why = (
                "they do not cross regions"
                if self.cross
                else "they belong to the cloud (com.aliyun...)"
            )
            lines.append(f"# Not declared: prefix lists, {why}:")
            lines.extend(f"#   {_one_line(p.name)} ({p.id})" for p in shown)
        return "\n".join(lines) + "\n" if lines else ""


def generate_stack_module(
    state: State,
    *,
    stack_name: str,
    region: str | None = None,
    source: str = "",
    include_managed: bool = False,
    vpc_id: str | None = None,
) -> GeneratedModule:
    """The stack module for ``state`` and the notes on what it could not declare.

    ``region`` defaults to the state's; a different one declares the groups for that region
    with the console's cross-region rules (no live IDs, no group or prefix-list peers, the
    VPC from ``vpc_id``). ``vpc_id`` also stands for groups whose source names no VPC.
    Raises :class:`InputError` when the state cannot become one stack.
    """
    target = region or state.region
    if not target:
        raise InputError("the current state does not say its region; give --region")
    if not stack_name:
        raise InputError("give the stack a name (--name)")
    writer = _Writer(state, stack_name, target, source, include_managed, vpc_id)
    text = writer.module()
    filled = {x.group.id: x.group for x in writer.groups if x.group.id}
    declared = state.model_copy(
        update={"groups": tuple(filled.get(g.id or "", g) for g in state.groups)}
    )
    return GeneratedModule(
        text=text,
        state=state if writer.cross else declared,
        notes=writer.notes,
        groups=len(writer.groups),
        rules=sum(len(x.rules) for x in writer.groups),
        cross_region=writer.cross,
    )


def render_stack_module(
    state: State,
    *,
    stack_name: str,
    region: str | None = None,
    source: str = "",
    include_managed: bool = False,
    vpc_id: str | None = None,
) -> str:
    """The Python stack module for ``state`` (see :func:`generate_stack_module`)."""
    return generate_stack_module(
        state,
        stack_name=stack_name,
        region=region,
        source=source,
        include_managed=include_managed,
        vpc_id=vpc_id,
    ).text
