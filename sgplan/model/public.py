"""Every name the model offers stack authors (``from sgplan import ...``), imported at once.

``sgplan.model`` and ``sgplan`` hand these out on first use (see ``sgplan/model/__init__.py``),
so a command that needs only a few model modules does not pay for all of them.
"""

from . import limits
from . import services as svc
from .build import (
    GroupDecl,
    RuleDecl,
    build_rules,
    build_stack,
    build_state,
    expand_rule,
    live_rule,
)
from .clone import clone_group, clone_rule, clone_stack, env_renamer
from .dsl import (
    INTERNET_V4,
    INTERNET_V6,
    allows,
    define_stack,
    denies,
    egress,
    ingress,
    member,
    port_list_of,
    prefix_list_of,
    security_group,
    tcp,
    udp,
    waive,
)
from .group import (
    LiveInfo,
    Member,
    PortRangeList,
    PortRangeListEntry,
    PrefixList,
    PrefixListEntry,
    SecurityGroup,
)
from .intent import Intent
from .issues import InputError, Issue, StackInvalid
from .peers import Peer, cidr, group, group_id, parse_peer, prefix_list
from .ports import NO_PORTS, PortRange, parse_port_range
from .rule import Rule, Waiver, normalize_rule
from .stack import Stack, State
from .validate import check_stack, group_quota, prefix_list_index, rule_cost

__all__ = [
    "INTERNET_V4",
    "INTERNET_V6",
    "NO_PORTS",
    "GroupDecl",
    "InputError",
    "Intent",
    "Issue",
    "LiveInfo",
    "Member",
    "Peer",
    "PortRange",
    "PortRangeList",
    "PortRangeListEntry",
    "PrefixList",
    "PrefixListEntry",
    "Rule",
    "RuleDecl",
    "SecurityGroup",
    "Stack",
    "StackInvalid",
    "State",
    "Waiver",
    "allows",
    "build_rules",
    "build_stack",
    "build_state",
    "check_stack",
    "cidr",
    "clone_group",
    "clone_rule",
    "clone_stack",
    "define_stack",
    "denies",
    "egress",
    "env_renamer",
    "expand_rule",
    "group",
    "group_id",
    "group_quota",
    "ingress",
    "limits",
    "live_rule",
    "member",
    "normalize_rule",
    "parse_peer",
    "parse_port_range",
    "port_list_of",
    "prefix_list",
    "prefix_list_index",
    "prefix_list_of",
    "rule_cost",
    "security_group",
    "svc",
    "tcp",
    "udp",
    "waive",
]  # fmt: skip
