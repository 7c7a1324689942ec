"""Every example table of seed 001 (ECS security guide, 2022) sections 2.3 and 2.12.1, the
defaults of both group kinds, and several groups on one NIC: each case asserts the verdict
and what decided it (group and rule position, intra-group access, or the default)."""

from __future__ import annotations

import pytest

from sgplan.evaluate.catalog import Context
from sgplan.evaluate.evaluator import Evaluator
from sgplan.evaluate.packet import Packet
from sgplan.model import PrefixList

from .helpers import decide, decided_by, rule, sg

ANY4, ANY6 = "0.0.0.0/0", "::/0"
SAME_ACCOUNT_SG = "sg-bp1hv6wvmegso36xx"
OTHER_ACCOUNT_SG = "1609982529920000/sg-bp174yoe2ib1sqj5xx"


# -- 2.3 网站提供Web服务 (web service) ------------------------------------------------------
WEB = sg(
    "web",
    rule("ingress", "accept", 1, "tcp", "80/80", ANY4),
    rule("ingress", "accept", 1, "tcp", "443/443", ANY4),
)


@pytest.mark.parametrize(
    ("protocol", "port", "peer", "outcome", "by"),
    [
        ("tcp", 80, "203.0.113.7", "accept", ("web", 1)),
        ("tcp", 443, "8.8.8.8", "accept", ("web", 2)),
        ("tcp", 8080, "8.8.8.8", "drop", "default"),
        ("udp", 443, "8.8.8.8", "drop", "default"),
        ("tcp", 443, "2001:db8::1", "drop", "default"),  # the table opens IPv4 only
    ],
)
def test_web_service(protocol, port, peer, outcome, by):
    v = decide([WEB], "ingress", protocol, port, peer)
    assert (v.outcome, decided_by(v)) == (outcome, by)


# -- 2.3 从本地服务器远程连接实例 (remote access), including Workbench -----------------------
REMOTE = sg(
    "remote",
    rule("ingress", "accept", 1, "tcp", "22/22", ANY4),
    rule("ingress", "accept", 1, "tcp", "3389/3389", ANY4),
)
WORKBENCH = sg(
    "workbench",
    rule("ingress", "accept", 1, "tcp", "22/22", "47.96.60.0/24"),
    rule("ingress", "accept", 1, "tcp", "22/22", "118.31.243.0/24"),
    rule("ingress", "accept", 1, "tcp", "3389/3389", "47.96.60.0/24"),
    rule("ingress", "accept", 1, "tcp", "3389/3389", "118.31.243.0/24"),
    # SPEC 4 / seed 003: Workbench's current public and private ranges
    rule("ingress", "accept", 1, "tcp", "22/22", "161.117.0.0/16"),
    rule("ingress", "accept", 1, "tcp", "22/22", "100.104.0.0/16"),
)


@pytest.mark.parametrize(
    ("group", "port", "peer", "outcome", "by"),
    [
        (REMOTE, 22, "8.8.8.8", "accept", ("remote", 1)),
        (REMOTE, 3389, "1.1.1.1", "accept", ("remote", 2)),
        (REMOTE, 23, "1.1.1.1", "drop", "default"),
        (WORKBENCH, 22, "47.96.60.10", "accept", ("workbench", 1)),
        (WORKBENCH, 22, "118.31.243.200", "accept", ("workbench", 2)),
        (WORKBENCH, 3389, "47.96.60.10", "accept", ("workbench", 3)),
        (WORKBENCH, 3389, "118.31.243.1", "accept", ("workbench", 4)),
        (WORKBENCH, 22, "161.117.8.9", "accept", ("workbench", 5)),
        (WORKBENCH, 22, "100.104.3.4", "accept", ("workbench", 6)),
        (WORKBENCH, 22, "8.8.8.8", "drop", "default"),
        (WORKBENCH, 3389, "161.117.8.9", "drop", "default"),
        (WORKBENCH, 22, "47.96.61.1", "drop", "default"),
    ],
)
def test_remote_access(group, port, peer, outcome, by):
    v = decide([group], "ingress", "tcp", port, peer)
    assert (v.outcome, decided_by(v)) == (outcome, by)


# -- 2.3 不同安全组的实例内网互通 (group to group, same and cross account) -------------------
SHARE = sg(
    "share",
    rule("ingress", "accept", 1, "tcp", "21/21", SAME_ACCOUNT_SG),
    rule("ingress", "accept", 1, "tcp", "21/21", OTHER_ACCOUNT_SG),
)


@pytest.mark.parametrize(
    ("peer", "port", "outcome", "by"),
    [
        (SAME_ACCOUNT_SG, 21, "accept", ("share", 1)),
        (OTHER_ACCOUNT_SG, 21, "accept", ("share", 2)),
        (f"10.0.0.5 {SAME_ACCOUNT_SG}", 21, "accept", ("share", 1)),
        (SAME_ACCOUNT_SG, 22, "drop", "default"),
        ("sg-bp1someothergroupxx", 21, "drop", "default"),
        ("sg-bp174yoe2ib1sqj5xx", 21, "drop", "default"),  # same ID, no account: not that group
        ("10.0.0.5", 21, "drop", "default"),  # an address alone is no member
    ],
)
def test_group_to_group(peer, port, outcome, by):
    v = decide([SHARE], "ingress", "tcp", port, peer)
    assert (v.outcome, decided_by(v)) == (outcome, by)


# -- 2.3 提供数据库访问 (database access) --------------------------------------------------
DATABASE = sg(
    "db",
    rule("ingress", "accept", 1, "tcp", "3306/3306", "172.16.10.20"),
    rule("ingress", "accept", 1, "tcp", "1521/1521", "192.168.1.20"),
    rule("ingress", "accept", 1, "tcp", "1433/1433", "192.168.0.0/16"),
    rule("ingress", "accept", 1, "tcp", "5432/5432", SAME_ACCOUNT_SG),
    rule("ingress", "accept", 1, "tcp", "6379/6379", OTHER_ACCOUNT_SG),
)


@pytest.mark.parametrize(
    ("port", "peer", "outcome", "by"),
    [
        (3306, "172.16.10.20", "accept", ("db", 1)),
        (3306, "172.16.10.21", "drop", "default"),
        (1521, "192.168.1.20", "accept", ("db", 2)),
        (1433, "192.168.77.1", "accept", ("db", 3)),
        (1433, "192.169.0.1", "drop", "default"),
        (5432, SAME_ACCOUNT_SG, "accept", ("db", 4)),
        (5432, "172.16.10.20", "drop", "default"),
        (6379, OTHER_ACCOUNT_SG, "accept", ("db", 5)),
        (6379, SAME_ACCOUNT_SG, "drop", "default"),
    ],
)
def test_database_access(port, peer, outcome, by):
    v = decide([DATABASE], "ingress", "tcp", port, peer)
    assert (v.outcome, decided_by(v)) == (outcome, by)


# -- 2.3 ping实例 (ping) -------------------------------------------------------------------
PING = sg(
    "ping",
    rule("ingress", "accept", 1, "icmp", "-1/-1", ANY4),
    rule("ingress", "accept", 1, "icmpv6", "-1/-1", ANY6),
)


@pytest.mark.parametrize(
    ("protocol", "port", "peer", "outcome", "by"),
    [
        ("icmp", None, "8.8.8.8", "accept", ("ping", 1)),
        ("icmpv6", None, "2001:db8::1", "accept", ("ping", 2)),
        ("icmp", None, "sg-anothergroup01", "accept", ("ping", 1)),  # 0.0.0.0/0 holds every member
        ("tcp", 22, "8.8.8.8", "drop", "default"),
        ("gre", None, "8.8.8.8", "drop", "default"),
    ],
)
def test_ping(protocol, port, peer, outcome, by):
    v = decide([PING], "ingress", protocol, port, peer)
    assert (v.outcome, decided_by(v)) == (outcome, by)


# -- 2.3 限制实例访问外部网站 (egress allow-list) -------------------------------------------
ALLOW_LIST = sg(
    "egress-list",
    rule("egress", "drop", 2, "all", "-1/-1", ANY4),
    rule("egress", "accept", 1, "tcp", "80/80", "47.96.1.1"),
    rule("egress", "accept", 1, "tcp", "443/443", "121.199.1.1"),
)


@pytest.mark.parametrize(
    ("protocol", "port", "peer", "outcome", "by"),
    [
        ("tcp", 80, "47.96.1.1", "accept", ("egress-list", 2)),
        ("tcp", 443, "121.199.1.1", "accept", ("egress-list", 3)),
        ("tcp", 443, "47.96.1.1", "drop", ("egress-list", 1)),
        ("udp", 53, "8.8.8.8", "drop", ("egress-list", 1)),  # DNS too: allow it explicitly
        ("icmp", None, "8.8.8.8", "drop", ("egress-list", 1)),
        ("tcp", 443, "2001:db8::1", "accept", "default"),  # the drop covers IPv4 only
    ],
)
def test_egress_allow_list(protocol, port, peer, outcome, by):
    v = decide([ALLOW_LIST], "egress", protocol, port, peer)
    assert (v.outcome, decided_by(v)) == (outcome, by)


def test_allow_list_explains_which_weaker_rule_was_overridden():
    v = decide([ALLOW_LIST], "egress", "tcp", 80, "47.96.1.1")
    assert "it overrides the weaker egress-list rule 1" in v.reason


# -- 2.12.1 安全组规则示例 -------------------------------------------------------------------
SSH_KEY = sg("ssh-key", rule("ingress", "accept", 1, "tcp", "22/22", ANY4))
WHITELIST = sg("whitelist", rule("egress", "drop", 100, "all", "-1/-1", ANY4))


def test_section_2_12_1_ssh_example():
    assert decided_by(decide([SSH_KEY], "ingress", "tcp", 22, "198.18.0.1")) == ("ssh-key", 1)
    assert decide([SSH_KEY], "egress", "tcp", 22, "198.18.0.1").outcome == "accept"


def test_section_2_12_1_whitelist_denies_all_egress():
    v = decide([WHITELIST], "egress", "tcp", 443, "1.1.1.1")
    assert (v.outcome, decided_by(v)) == ("drop", ("whitelist", 1))
    assert decide([WHITELIST], "ingress", "tcp", 443, "1.1.1.1").decided_by == "default"


def test_drop_beats_accept_at_equal_priority():
    g = sg(
        "tie",
        rule("ingress", "accept", 1, "tcp", "22/22", ANY4),
        rule("ingress", "drop", 1, "tcp", "22/22", ANY4),
    )
    v = decide([g], "ingress", "tcp", 22, "8.8.8.8")
    assert (v.outcome, decided_by(v)) == ("drop", ("tie", 2))
    assert "equal priority: drop wins over tie rule 1" in v.reason


def test_smaller_priority_wins_whatever_the_policy():
    g = sg(
        "prio",
        rule("ingress", "drop", 100, "all", "-1/-1", ANY4),
        rule("ingress", "accept", 1, "tcp", "443", ANY4),
    )
    assert decided_by(decide([g], "ingress", "tcp", 443, "8.8.8.8")) == ("prio", 2)
    assert decided_by(decide([g], "ingress", "tcp", 444, "8.8.8.8")) == ("prio", 1)


# -- defaults of both kinds (SPEC 1) -------------------------------------------------------


def test_normal_group_defaults():
    g = sg("plain")
    assert decide([g], "ingress", "tcp", 22, "8.8.8.8").outcome == "drop"
    v = decide([g], "egress", "udp", 53, "8.8.8.8")
    assert (v.outcome, v.decided_by) == ("accept", "default")
    assert "normal groups allow egress by default" in v.reason


def test_intra_group_accept_outranks_every_rule():
    g = sg("mates", rule("ingress", "drop", 1, "all", "-1/-1", ANY4))
    v = decide([g], "ingress", "tcp", 5432, "group:mates")
    assert (v.outcome, v.decided_by) == ("accept", "intra-group")
    # an address alone is not known to be a member: the drop applies
    assert decide([g], "ingress", "tcp", 5432, "10.0.0.9").outcome == "drop"


def test_intra_group_drop_leaves_it_to_the_rules():
    g = sg("isolated", inner_access_policy="drop")
    assert decide([g], "ingress", "tcp", 22, "group:isolated").decided_by == "default"
    g2 = sg(
        "isolated", rule("ingress", "accept", 1, "tcp", "22", "group:isolated"),
        inner_access_policy="drop",
    )  # fmt: skip
    assert decided_by(decide([g2], "ingress", "tcp", 22, "group:isolated")) == ("isolated", 1)


def test_enterprise_group_defaults_deny_both_ways_and_isolate_members():
    g = sg("ent", type="enterprise")
    assert decide([g], "ingress", "tcp", 80, "8.8.8.8").outcome == "drop"
    v = decide([g], "egress", "tcp", 443, "8.8.8.8")
    assert (v.outcome, v.decided_by) == ("drop", "default")
    assert "enterprise groups deny egress by default" in v.reason
    assert decide([g], "ingress", "tcp", 22, "group:ent").outcome == "drop"


# -- several groups on one NIC (SPEC 3) ----------------------------------------------------
LOW_ACCEPT = sg("app", rule("ingress", "accept", 100, "tcp", "22", ANY4))
HIGH_DROP = sg("guard", rule("ingress", "drop", 1, "tcp", "22", ANY4))


@pytest.mark.parametrize("order", [(LOW_ACCEPT, HIGH_DROP), (HIGH_DROP, LOW_ACCEPT)])
def test_higher_priority_drop_on_another_group_overrides_a_low_priority_accept(order):
    v = decide(list(order), "ingress", "tcp", 22, "8.8.8.8")
    assert (v.outcome, decided_by(v)) == ("drop", ("guard", 1))
    assert "it overrides the weaker app rule 1" in v.reason


def test_rules_of_every_group_on_the_nic_apply():
    web = sg("web2", rule("ingress", "accept", 1, "tcp", "443", ANY4))
    ops = sg("ops2", rule("ingress", "accept", 1, "tcp", "22", "10.0.0.0/8"))
    assert decided_by(decide([web, ops], "ingress", "tcp", 22, "10.1.1.1")) == ("ops2", 1)
    assert decided_by(decide([web, ops], "ingress", "tcp", 443, "10.1.1.1")) == ("web2", 1)


def test_intra_group_access_with_several_groups_on_a_nic():
    # the docs' case: Group1 isolates, Group2 lets members talk; NICs in both reach each other
    g1 = sg("group1", inner_access_policy="drop")
    g2 = sg("group2")
    v = decide([g1, g2], "ingress", "tcp", 3306, "group:group1 group:group2")
    assert (v.outcome, v.decided_by) == ("accept", "intra-group")
    assert decide([g1, g2], "ingress", "tcp", 3306, "group:group1").outcome == "drop"
    assert decide([g1, g2], "ingress", "tcp", 3306, "group:group2").decided_by == "intra-group"


# -- prefix lists, IPv6, protocol all, classic network -------------------------------------
OFFICE = PrefixList(name="office", max_entries=10, entries=("203.0.113.0/27", "198.51.100.16/29"))
EVERYWHERE = PrefixList(name="everywhere", max_entries=2, entries=("0.0.0.0/0",))


def test_prefix_lists_are_expanded():
    g = sg("pl", rule("ingress", "accept", 1, "tcp", "22", "prefix-list:office"))
    assert decided_by(decide([g], "ingress", "tcp", 22, "198.51.100.20", [OFFICE])) == ("pl", 1)
    assert decide([g], "ingress", "tcp", 22, "198.51.100.24", [OFFICE]).outcome == "drop"


def test_a_prefix_list_holding_everything_also_holds_every_member():
    g = sg("pl", rule("ingress", "accept", 1, "tcp", "22", "prefix-list:everywhere"))
    assert decided_by(decide([g], "ingress", "tcp", 22, "group:x", [EVERYWHERE])) == ("pl", 1)


def test_an_unknown_prefix_list_is_reported_not_guessed():
    g = sg(
        "pl",
        rule("ingress", "drop", 1, "tcp", "22", "pl-2ze0000unknown"),
        rule("ingress", "accept", 2, "tcp", "22", ANY4),
    )
    v = decide([g], "ingress", "tcp", 22, "8.8.8.8")
    assert v.outcome == "unknown"
    assert v.allowed is None
    assert "pl-2ze0000unknown" in v.reason and "pl rule 2" in v.reason
    # when the unknown rule could not change the outcome, the verdict stands
    same = sg(
        "pl",
        rule("ingress", "accept", 1, "tcp", "22", "pl-2ze0000unknown"),
        rule("ingress", "accept", 2, "tcp", "22", ANY4),
    )
    assert decide([same], "ingress", "tcp", 22, "8.8.8.8").outcome == "accept"


def test_ipv6_and_protocol_all():
    g = sg("six", rule("ingress", "accept", 1, "all", "-1/-1", "2001:db8::/32"))
    for protocol, port in (("tcp", 1), ("udp", 65535), ("icmpv6", None), ("gre", None)):
        assert decided_by(decide([g], "ingress", protocol, port, "2001:db8:ffff::9")) == ("six", 1)
    assert decide([g], "ingress", "tcp", 1, "2001:db9::1").outcome == "drop"
    assert decide([g], "ingress", "icmp", None, "8.8.8.8").outcome == "drop"


def test_classic_network_splits_public_and_private_traffic():
    g = sg(
        "classic",
        {"direction": "ingress", "protocol": "tcp", "ports": 80, "peer": "8.8.8.8", "nic_type": "internet"},
        {"direction": "ingress", "protocol": "tcp", "ports": 22, "peer": "10.0.0.0/8"},
        network="classic", vpc_id=None,
    )  # fmt: skip
    assert decide([g], "ingress", "tcp", 80, "8.8.8.8", nic_type="internet").outcome == "accept"
    assert decide([g], "ingress", "tcp", 80, "8.8.8.8").outcome == "drop"
    assert decide([g], "ingress", "tcp", 22, "10.1.1.1").outcome == "accept"
    assert decide([g], "ingress", "tcp", 22, "10.1.1.1", nic_type="internet").outcome == "drop"


# -- a member whose private address is not given -------------------------------------------
DB_ADMIN = sg(
    "dbadmin",
    rule("ingress", "accept", 1, "tcp", "22", "10.0.0.0/8"),
    rule("ingress", "accept", 1, "tcp", "3306", "group:app"),
)


def test_a_member_is_judged_for_every_private_address_it_may_have():
    v = decide([DB_ADMIN], "ingress", "tcp", 22, "group:app")
    assert v.outcome == "unknown"
    assert "depends on the member's private address" in v.reason
    assert "if it is in 10.0.0.0/8 (accept)" in v.reason and "the default (drop)" in v.reason
    assert decide([DB_ADMIN], "ingress", "tcp", 22, "10.1.1.1 group:app").outcome == "accept"
    assert decide([DB_ADMIN], "ingress", "tcp", 22, "192.168.1.1 group:app").outcome == "drop"
    # the group rule decides whatever the address
    assert decided_by(decide([DB_ADMIN], "ingress", "tcp", 3306, "group:app")) == ("dbadmin", 2)


def test_rules_that_together_cover_every_address_decide_for_members():
    halves = sg(
        "halves",
        rule("egress", "drop", 100, "all", None, "0.0.0.0/1"),
        rule("egress", "drop", 100, "all", None, "128.0.0.0/1"),
    )
    v = decide([halves], "egress", "tcp", 5, "group:any")
    assert v.outcome == "drop"
    assert "drop whatever the member's private address" in v.reason


def test_group_peers_by_name_in_a_stack_and_by_id_in_a_state():
    app = sg("app", id="sg-app0001")
    by_name = sg("db", rule("ingress", "accept", 1, "tcp", "3306", "group:app"))
    by_id = sg("db", rule("ingress", "accept", 1, "tcp", "3306", "sg-app0001"), id="sg-db0001")
    for db in (by_name, by_id):
        ev = Evaluator([db], Context.of([db, app]))
        for peer in ("app", "sg-app0001"):
            v = ev.decide(Packet("ingress", "tcp", 3306, None, (peer,)))
            assert decided_by(v) == ("db", 1), (db.rules[0].text(), peer)
