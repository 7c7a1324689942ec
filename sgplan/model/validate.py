"""Whole-stack checks of SPEC sections 1-2: names, limits, references, NIC membership.

Field-level problems (a bad port, an unknown protocol) are found while building; these are
the checks that need the whole stack. Every problem is collected, none stops the others.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

from . import limits as L
from .group import PortRangeList, PrefixList, SecurityGroup
from .issues import Issue
from .peers import Peer
from .ports import NO_PORTS
from .rule import Rule
from .stack import Stack

_NAME_RE = re.compile(r"^[^\W\d_][\w:.\-]*$")
_URL_PREFIXES = ("http://", "https://")
_SPACE_RE = re.compile(r"\s")


def rule_cost(
    rule: Rule,
    prefix_lists: Mapping[str, PrefixList],
    port_lists: Mapping[str, PortRangeList] | None = None,
) -> int:
    """How many of a group's 200 rules this rule uses: a prefix list costs its max_entries,
    a port list its MaxEntries (a rule using both: the larger; SPEC 2 gives no product)."""
    cost = 1
    peer = rule.peer
    if peer.is_prefix_list:
        pl = prefix_lists.get(str(peer)) or prefix_lists.get(peer.value)
        if pl is not None:
            cost = pl.max_entries
    if rule.port_list and port_lists:
        prl = port_lists.get(rule.port_list)
        if prl is not None:
            cost = max(cost, prl.max_entries)
    return cost


def port_list_index(lists: Sequence[PortRangeList]) -> dict[str, PortRangeList]:
    """Port lists by ``port-list:NAME`` and by pinned ID."""
    out: dict[str, PortRangeList] = {}
    for prl in lists:
        out[prl.ref] = prl
        if prl.id:
            out[prl.id] = prl
    return out


def prefix_list_index(lists: Sequence[PrefixList]) -> dict[str, PrefixList]:
    """Prefix lists by ``prefix-list:NAME`` and by pinned ID."""
    out: dict[str, PrefixList] = {}
    for pl in lists:
        out[f"prefix-list:{pl.name}"] = pl
        if pl.id:
            out[pl.id] = pl
    return out


def group_quota(
    group: SecurityGroup,
    prefix_lists: Mapping[str, PrefixList],
    port_lists: Mapping[str, PortRangeList] | None = None,
) -> int:
    return sum(rule_cost(r, prefix_lists, port_lists) for r in group.rules)


def check_name(kind: str, name: str, low: int, high: int) -> list[str]:
    problems: list[str] = []
    if not low <= len(name) <= high:
        problems.append(
            f"{kind} name {name!r} is {len(name)} characters long; allowed: {low}-{high}"
        )
    if name.startswith(_URL_PREFIXES):
        problems.append(f"{kind} name {name!r} must not start with http:// or https://")
    elif name and not _NAME_RE.match(name):
        problems.append(
            f"{kind} name {name!r} has characters that are not allowed; allowed: a letter first, "
            "then letters, digits, colons, underscores, periods and hyphens"
        )
    return problems


def check_description(kind: str, text: str | None, low: int, high: int) -> list[str]:
    if text is None:
        return []
    problems = []
    if not low <= len(text) <= high:
        problems.append(f"{kind} description is {len(text)} characters long; allowed: {low}-{high}")
    if text.startswith(_URL_PREFIXES):
        problems.append(f"{kind} description must not start with http:// or https://")
    return problems


class StackChecker:
    """Runs every whole-stack check, collecting :class:`Issue` objects."""

    def __init__(self, stack: Stack, positions: Mapping[str, Sequence[int]] | None = None):
        self.stack = stack
        self.positions = positions or {}
        self.issues: list[Issue] = []
        self.groups: dict[str, SecurityGroup] = {}
        for g in stack.groups:
            self.groups.setdefault(g.name, g)
        self.lists = prefix_list_index(stack.prefix_lists)
        self.port_lists = port_list_index(stack.port_lists)

    def run(self) -> list[Issue]:
        self._stack_fields()
        self._prefix_lists()
        self._port_lists()
        for group in self.stack.groups:
            self._group(group)
        self._members()
        self._intents()
        return self.issues

    # -- helpers -----------------------------------------------------------------------------
    def _add(self, message: str, group: str | None = None, **kw: object) -> None:
        self.issues.append(Issue(message, stack=self.stack.name, group=group, **kw))  # type: ignore[arg-type]

    def _rule_issue(
        self, group: SecurityGroup, index: int, message: str, field: str | None = None
    ) -> None:
        pos = self.positions.get(group.name)
        number = pos[index] if pos is not None and index < len(pos) else index + 1
        self.issues.append(
            Issue(message, stack=self.stack.name, group=group.name, rule=number,
                  rule_text=group.rules[index].text(), field=field)
        )  # fmt: skip

    # -- checks --------------------------------------------------------------------------------
    def _stack_fields(self) -> None:
        if not self.stack.name:
            self._add("stack name is required")
        if not self.stack.region:
            self._add("region is required (for example cn-hangzhou)")
        elif _SPACE_RE.search(self.stack.region):
            self._add(
                f"region {self.stack.region!r} holds spaces; allowed: a region ID without "
                "spaces (for example cn-hangzhou)"
            )
        counts = Counter(g.name for g in self.stack.groups)
        for name, n in sorted(counts.items()):
            if n > 1:
                self._add(
                    f"group name {name!r} is used by {n} groups; names must be unique in a stack",
                    group=name,
                )
        ids = Counter(g.id for g in self.stack.groups if g.id)
        for sg, n in sorted(ids.items()):
            if n > 1:
                self._add(
                    f"live ID {sg} is pinned by {n} groups; each live group can back one group only"
                )
        keys = Counter(g.logical_name for g in self.stack.groups)
        for key, n in sorted(keys.items()):
            if n > 1 and counts.get(key, 0) <= 1:
                self._add(f"logical name (key) {key!r} is used by {n} groups; keys must be unique")

    def _prefix_lists(self) -> None:
        counts = Counter(p.name for p in self.stack.prefix_lists)
        for pl in self.stack.prefix_lists:
            where = f"prefix list {pl.name}"
            if counts[pl.name] > 1:
                self._add(
                    f"prefix list name {pl.name!r} is used {counts[pl.name]} times; names must be unique",
                    where_else=where,
                )
                counts[pl.name] = 1
            for msg in check_name(
                "prefix list", pl.name, L.PREFIX_LIST_NAME_MIN, L.PREFIX_LIST_NAME_MAX
            ):
                self._add(msg, where_else=where)
            if pl.name.startswith(("com.aliyun", "com.alibabacloud")):
                self._add(
                    f"prefix list name {pl.name!r} must not start with com.aliyun or com.alibabacloud",
                    where_else=where,
                )
            for msg in check_description(
                "prefix list", pl.description, L.GROUP_DESCRIPTION_MIN, L.GROUP_DESCRIPTION_MAX
            ):
                self._add(msg, where_else=where)
            if not L.PREFIX_LIST_MAX_ENTRIES_MIN <= pl.max_entries <= L.PREFIX_LIST_MAX_ENTRIES_MAX:
                self._add(
                    f"max_entries {pl.max_entries} is out of range; allowed: 1-200 (fixed at creation)",
                    where_else=where,
                )
            if len(pl.entries) > pl.max_entries:
                self._add(
                    f"holds {len(pl.entries)} entries but max_entries is {pl.max_entries}; allowed: at most max_entries",
                    where_else=where,
                )
            want = 4 if pl.address_family == "IPv4" else 6
            seen: set[str] = set()
            for entry in pl.entries:
                fam = 6 if ":" in entry.cidr else 4
                if fam != want:
                    self._add(
                        f"entry {entry.cidr} is IPv{fam} but the list's address_family is {pl.address_family}",
                        where_else=where,
                    )
                if entry.cidr in seen:
                    self._add(
                        f"entry {entry.cidr} appears more than once; entries must be unique",
                        where_else=where,
                    )
                seen.add(entry.cidr)  # fmt: skip

    def _group(self, g: SecurityGroup) -> None:
        name = g.name
        for msg in check_name("group", name, L.GROUP_NAME_MIN, L.GROUP_NAME_MAX):
            self._add(msg, group=name)
        for msg in check_description(
            "group", g.description, L.GROUP_DESCRIPTION_MIN, L.GROUP_DESCRIPTION_MAX
        ):
            self._add(msg, group=name)
        if g.live is not None:
            self._add(
                "live facts (live:) are read from the cloud and cannot be declared in a stack",
                group=name,
            )
        if g.network == "vpc" and not g.vpc_id:
            self._add(
                "VPC group has no vpc_id; set vpc_id on the group or on the stack", group=name
            )
        if g.network == "classic" and g.vpc_id:
            self._add(
                f"classic-network group has vpc_id {g.vpc_id}; allowed: network vpc with a vpc_id, or classic without",
                group=name,
            )
        if g.type == "enterprise":
            if g.network != "vpc":
                self._add("enterprise groups are VPC-only; allowed: network vpc", group=name)
            if g.inner_access_policy != "drop":
                self._add(
                    "enterprise groups always isolate their members; inner_access_policy must be drop (or left out)",
                    group=name,
                )
        self._rules(g)

    def _rules(self, g: SecurityGroup) -> None:
        seen: dict[object, int] = {}
        group_peers = 0
        quota = 0
        for i, rule in enumerate(g.rules):
            quota += rule_cost(rule, self.lists, self.port_lists)
            if rule.port_list:
                self._port_list_ref(g, i, rule)
            first = seen.get(rule.key)
            if first is not None:
                other = self._number(g, first)
                self._rule_issue(
                    g,
                    i,
                    f"duplicates rule {other} (same identity; only the description may differ and the cloud would keep one rule); remove one",
                )
            else:
                seen[rule.key] = i
            peer = rule.peer
            if g.network == "vpc" and rule.nic_type == "internet":
                self._rule_issue(
                    g,
                    i,
                    "VPC groups use one rule for public and private traffic; nic_type must be intranet (or left out)",
                    "nic_type",
                )
            if peer.is_group:
                group_peers += 1
                self._group_peer(g, i, peer)
            elif peer.is_prefix_list:
                self._prefix_peer(g, i, rule)
            elif (
                g.network == "classic"
                and rule.nic_type == "internet"
                and rule.direction == "ingress"
            ):
                net = peer.network
                if net is not None and net.num_addresses != 1:
                    self._rule_issue(
                        g,
                        i,
                        f"classic internet ingress takes single addresses only, got {peer}; allowed: one address (or use a group)",
                        "peer",
                    )
        if g.type == "enterprise" and group_peers:
            self._add(
                f"enterprise groups cannot hold rules whose peer is a security group ({group_peers} found); allowed: addresses or prefix lists",
                group=g.name,
            )
        elif group_peers > L.GROUP_PEER_RULES_PER_NORMAL_GROUP:
            self._add(
                f"has {group_peers} rules whose peer is a security group; allowed: at most {L.GROUP_PEER_RULES_PER_NORMAL_GROUP} in a normal group",
                group=g.name,
            )
        if quota > L.RULES_PER_GROUP:
            extra = (
                ""
                if quota == len(g.rules)
                else f" ({len(g.rules)} rules, prefix lists counted at their max_entries)"
            )
            self._add(
                f"uses {quota} rules{extra}; allowed: at most {L.RULES_PER_GROUP} per group, ingress and egress together",
                group=g.name,
            )

    def _port_lists(self) -> None:
        counts = Counter(p.name for p in self.stack.port_lists)
        for prl in self.stack.port_lists:
            where = f"port list {prl.name}"
            if counts[prl.name] > 1:
                self._add(f"port list name {prl.name!r} is used {counts[prl.name]} times; "
                          "names must be unique", where_else=where)  # fmt: skip
            for problem in check_name(
                "port list", prl.name, L.PREFIX_LIST_NAME_MIN, L.PREFIX_LIST_NAME_MAX
            ):
                self._add(problem, where_else=where)
            entries = prl.entries or ()
            if prl.entries is None:
                self._add("a port list of a stack must list its entries", where_else=where)
            if len(entries) > prl.max_entries:
                self._add(f"holds {len(entries)} entries; allowed: at most max_entries "
                          f"{prl.max_entries}", where_else=where)  # fmt: skip
            seen = Counter(str(e.ports) for e in entries)
            for ports, n in sorted(seen.items()):
                if n > 1:
                    self._add(f"entry {ports} appears {n} times; entries must be unique",
                              where_else=where)  # fmt: skip
            for e in entries:
                if e.ports == NO_PORTS:
                    self._add("entry -1/-1 is not a port range; allowed: start/end in 1-65535",
                              where_else=where)  # fmt: skip
                if e.description is not None and not 2 <= len(e.description) <= 32:
                    self._add(f"entry {e.ports} description is {len(e.description)} characters "
                              "long; allowed: 2-32", where_else=where)  # fmt: skip

    def _port_list_ref(self, g: SecurityGroup, i: int, rule: Rule) -> None:
        ref = rule.port_list or ""
        if ref.startswith("port-list:") and ref not in self.port_lists:
            names = sorted(p.name for p in self.stack.port_lists)
            self._rule_issue(
                g,
                i,
                f"port list {ref} is not in stack {self.stack.name}; allowed: "
                f"{', '.join(names) or 'none defined'}",
                "port_list",
            )

    def _number(self, g: SecurityGroup, index: int) -> int:
        pos = self.positions.get(g.name)
        return pos[index] if pos is not None and index < len(pos) else index + 1

    def _group_peer(self, g: SecurityGroup, i: int, peer: Peer) -> None:
        if peer.kind != "group_name":
            return
        target = self.groups.get(peer.value)
        if target is None:
            self._rule_issue(
                g,
                i,
                f"peer {peer} names a group that is not in stack {self.stack.name}; allowed: {_choices(self.groups)}",
                "peer",
            )
            return
        if target.type == "enterprise":
            self._rule_issue(
                g,
                i,
                f"peer {peer} is an enterprise group; enterprise groups cannot be the peer of a rule",
                "peer",
            )
        if target.network != g.network or (g.network == "vpc" and target.vpc_id != g.vpc_id):
            self._rule_issue(
                g,
                i,
                f"peer {peer} is in {target.vpc_id or 'the classic network'}, this group in {g.vpc_id or 'the classic network'}; group peers must be in the same VPC",
                "peer",
            )

    def _prefix_peer(self, g: SecurityGroup, i: int, rule: Rule) -> None:
        peer = rule.peer
        if g.network != "vpc":
            self._rule_issue(g, i, "prefix lists can only be used in VPC groups", "peer")
        pl = self.lists.get(str(peer))
        if pl is None:
            if peer.kind == "prefix_list_name":
                names = sorted(p.name for p in self.stack.prefix_lists)
                self._rule_issue(
                    g,
                    i,
                    f"peer {peer} names a prefix list that is not in stack {self.stack.name}; allowed: {', '.join(names) or 'none defined'}",
                    "peer",
                )
            return
        fam = 4 if pl.address_family == "IPv4" else 6
        if rule.protocol == "icmp" and fam == 6:
            self._rule_issue(
                g,
                i,
                f"protocol icmp is IPv4 only but prefix list {pl.name} is IPv6; allowed: icmpv6",
                "protocol",
            )
        if rule.protocol == "icmpv6" and fam == 4:
            self._rule_issue(
                g,
                i,
                f"protocol icmpv6 is IPv6 only but prefix list {pl.name} is IPv4; allowed: icmp",
                "protocol",
            )
        if rule.local_cidr and (":" in rule.local_cidr) != (fam == 6):
            self._rule_issue(
                g,
                i,
                f"local_cidr {rule.local_cidr} and prefix list {pl.name} ({pl.address_family}) mix IPv4 and IPv6",
                "local_cidr",
            )

    def _members(self) -> None:
        seen: set[str] = set()
        for m in self.stack.members:
            where = f"NIC {m.nic}"
            if m.nic in seen:
                self._add(
                    "is listed more than once; list each NIC once with all its groups",
                    where_else=where,
                )
            seen.add(m.nic)
            groups = []
            for name in m.groups:
                g = self.groups.get(name)
                if g is None:
                    self._add(
                        f"joins group {name!r} which is not in stack {self.stack.name}; allowed: {_choices(self.groups)}",
                        where_else=where,
                    )
                else:
                    groups.append(g)
            if not m.groups:
                self._add("joins no group; every NIC is in at least one group", where_else=where)
            if len(m.groups) > L.GROUPS_PER_NIC:
                self._add(
                    f"joins {len(m.groups)} groups; allowed: at most {L.GROUPS_PER_NIC} per NIC",
                    where_else=where,
                )
            if len(set(m.groups)) != len(m.groups):
                self._add("joins the same group twice", where_else=where)
            kinds = {g.type for g in groups}
            if len(kinds) > 1:
                self._add(
                    "joins normal and enterprise groups at once; a NIC can be in one kind only",
                    where_else=where,
                )
            vpcs = {g.vpc_id for g in groups}
            if len(vpcs) > 1:
                self._add(
                    f"joins groups of different networks ({', '.join(sorted(str(v) for v in vpcs))}); a NIC's groups share one VPC",
                    where_else=where,
                )
            total = sum(group_quota(g, self.lists) for g in groups)
            if total > L.RULES_PER_NIC:
                self._add(
                    f"carries {total} rules across its groups; allowed: at most {L.RULES_PER_NIC} per NIC",
                    where_else=where,
                )

    def _intents(self) -> None:
        for n, intent in enumerate(self.stack.intents, start=1):
            where = f"intent {n}" + (f" ({intent.name})" if intent.name else "")
            if intent.target != "*" and intent.target not in self.groups:
                self._add(
                    f"target {intent.target!r} is not a group of the stack; allowed: * or {_choices(self.groups)}",
                    where_else=where,
                )
            if intent.source.startswith("group:") and intent.source[6:] not in self.groups:
                self._add(
                    f"source {intent.source!r} is not a group of the stack; allowed: {_choices(self.groups)}",
                    where_else=where,
                )


def _choices(groups: Mapping[str, object], limit: int = 8) -> str:
    names = sorted(groups)
    if not names:
        return "no groups defined"
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def check_stack(stack: Stack, positions: Mapping[str, Sequence[int]] | None = None) -> list[Issue]:
    """Every whole-stack problem of ``stack``; empty when it is valid."""
    return StackChecker(stack, positions).run()
