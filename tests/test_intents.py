"""Intents: "from the internet" means every public address (so one sample proves nothing),
groups on both sides must both let the packet through, NICs bring their other groups, and
the same intents run on a current state."""

from __future__ import annotations

from typing import Any

import pytest

from sgplan.intents import run_intents
from sgplan.model import State, build_stack
from sgplan.model.issues import InputError


def stack(groups: list[dict[str, Any]], intents: list[dict[str, Any]], members=()) -> Any:
    return build_stack({
        "name": "t", "region": "cn-hangzhou", "vpc_id": "vpc-1", "environment": "t",
        "groups": groups, "intents": intents, "members": list(members),
    })  # fmt: skip


def grp(name: str, *rules: tuple, **fields: Any) -> dict[str, Any]:
    rows = []
    for r in rules:
        direction, policy, protocol, ports, peer, priority = r
        row = {"direction": direction, "policy": policy, "protocol": protocol, "peer": peer,
               "priority": priority}  # fmt: skip
        if ports is not None:
            row["ports"] = ports
        rows.append(row)
    return {"name": name, "rules": rows, **fields}


def intent(expect: str, protocol: str, port: int | None, source: str, target: str, **kw: Any):
    return {
        "expect": expect,
        "protocol": protocol,
        "port": port,
        "source": source,
        "target": target,
        **kw,
    }


def results(st: Any, current: State | None = None) -> list[tuple[bool, str]]:
    return [(r.passed, r.detail) for r in run_intents(st, current)]


WEB4 = grp("web", ("ingress", "accept", "tcp", "443", "0.0.0.0/0", 1))
WEB46 = grp(
    "web",
    ("ingress", "accept", "tcp", "443", "0.0.0.0/0", 1),
    ("ingress", "accept", "tcp", "443", "::/0", 1),
)


def test_from_the_internet_means_every_public_address_of_both_families():
    st = stack([WEB4], [intent("allow", "tcp", 443, "internet", "web"),
                        intent("allow", "tcp", 443, "internet-v4", "web")])  # fmt: skip
    (v46, v4) = results(st)
    assert v46 == (False, "group web drops ingress tcp/443 from 2001:4860:4860::8888: no rule "
                          "matches, and ingress is denied by default")  # fmt: skip
    assert v4 == (True, "holds for web")
    assert results(stack([WEB46], [intent("allow", "tcp", 443, "internet", "web")])) == [
        (True, "holds for web")
    ]


def test_one_sample_address_proves_neither_allow_nor_deny():
    one = grp("web", ("ingress", "accept", "tcp", "443", "8.8.8.8", 1))
    st = stack([one], [intent("allow", "tcp", 443, "internet-v4", "web"),
                       intent("deny", "tcp", 443, "internet-v4", "web")])  # fmt: skip
    allow, deny = results(st)
    assert allow[0] is False and "drops ingress tcp/443 from 1.1.1.1" in allow[1]
    assert deny == (False, "group web accepts ingress tcp/443 from 8.8.8.8: web rule 1 `ingress "
                           "accept tcp 443 from 8.8.8.8/32 priority 1`")  # fmt: skip


def test_a_trusted_public_range_is_still_the_internet():
    bastion = grp("bastion", ("ingress", "accept", "tcp", "22", "161.117.0.0/16", 1))
    st = stack([bastion, WEB46], [intent("deny", "tcp", 22, "internet", "*"),
                                  intent("deny", "tcp", 22, "internet", "web")])  # fmt: skip
    every, web = results(st)
    assert every[0] is False and "accepts ingress tcp/22 from 161.117.0.1" in every[1]
    assert web == (True, "holds for web")


def test_between_groups_both_sides_must_let_the_packet_through():
    app = grp("app", ("egress", "accept", "tcp", "3306", "group:db", 1),
              ("egress", "drop", "all", None, "0.0.0.0/0", 100))  # fmt: skip
    db = grp("db", ("ingress", "accept", "tcp", "3306", "group:app", 1))
    web = grp("web", ("egress", "drop", "tcp", "3306", "0.0.0.0/0", 1))
    st = stack([app, db, web], [
        intent("allow", "tcp", 3306, "group:app", "db"),
        intent("allow", "tcp", 5432, "group:app", "db"),
        intent("deny", "tcp", 3306, "group:web", "db"),
        intent("deny", "all", None, "group:db", "app"),
    ])  # fmt: skip
    ok, egress_blocked, web_to_db, db_to_app = results(st)
    assert ok == (True, "holds for db")
    assert egress_blocked[0] is False
    assert egress_blocked[1].startswith("group app drops egress tcp/5432 to the member")
    assert web_to_db == (True, "holds for db")
    assert db_to_app == (True, "holds for app")


def test_a_member_whose_address_decides_is_not_proven_safe():
    db = grp("db", ("ingress", "accept", "tcp", "22", "10.0.0.0/8", 1))
    st = stack([db, grp("web")], [intent("deny", "tcp", 22, "group:web", "db")])
    ((passed, detail),) = results(st)
    assert not passed
    assert detail.startswith("group web sends egress tcp/22 to group:db (no rule matches")
    assert (
        "group db may accept it (depends on the member's private address, which is not given"
        in detail
    )
    assert (
        "db rule 1 `ingress accept tcp 22 from 10.0.0.0/8 priority 1` if it is in 10.0.0.0/8 (accept)"
        in detail
    )


def test_a_nic_brings_its_other_groups():
    web = grp("web", ("ingress", "accept", "tcp", "443", "0.0.0.0/0", 1))
    extra = grp("extra", ("ingress", "accept", "tcp", "22", "0.0.0.0/0", 1))
    st = stack([web, extra], [intent("deny", "tcp", 22, "internet-v4", "web")],
               members=[{"nic": "eni-1", "groups": ["web", "extra"]}])  # fmt: skip
    ((passed, detail),) = results(st)
    assert not passed and detail.startswith(
        "NIC eni-1 accepts ingress tcp/22 from 8.8.8.8: extra rule 1"
    )


def test_egress_intents_and_address_sources():
    app = grp("app", ("egress", "accept", "tcp", "443", "47.96.0.0/16", 1),
              ("egress", "drop", "all", None, "0.0.0.0/0", 100))  # fmt: skip
    st = stack([app], [
        intent("allow", "tcp", 443, "47.96.1.0/24", "app", direction="egress"),
        intent("deny", "tcp", 80, "internet-v4", "app", direction="egress"),
        intent("allow", "udp", 53, "100.100.2.136", "app", direction="egress", name="dns"),
    ])  # fmt: skip
    allow, deny, dns = results(st)
    assert allow == (True, "holds for app") and deny == (True, "holds for app")
    assert dns[0] is False and "drops egress udp/53 to 100.100.2.136: app rule 2" in dns[1]
    assert run_intents(st)[2].title() == "allow udp/53 from app to 100.100.2.136 (dns)"


def test_on_a_current_state_groups_are_found_by_pinned_id_or_name():
    st = stack([dict(WEB46, id="sg-web1"), grp("db")],
               [intent("allow", "tcp", 443, "internet", "web"), intent("deny", "tcp", 22, "internet", "db")])  # fmt: skip
    live = State(groups=(
        st.group("web").model_copy(update={"name": "old-web-name", "rules": ()}),
        st.group("db").model_copy(update={"id": "sg-db1"}),
    ))  # fmt: skip
    (web, db) = results(st, live)
    assert web[0] is False and "group old-web-name drops ingress tcp/443" in web[1]
    assert db == (True, "holds for db")
    web_only = run_intents(st, State(groups=(live.groups[0],)))
    assert [r.status for r in web_only] == ["fail", "not checkable"]
    assert web_only[1].detail == (
        "not checkable for db: not in the current state (not live yet; pin its live ID with "
        "id= if it was renamed)"
    )


def test_a_group_not_live_yet_never_hides_a_failure_of_another():
    st = stack(
        [dict(WEB46, id="sg-web1"), grp("db")],
        [intent("deny", "tcp", 443, "internet", "*", name="nothing public")],
    )
    only_web = State(groups=(st.group("web"),))
    (result,) = run_intents(st, only_web)
    assert result.status == "fail" and not result.checkable
    assert "accepts ingress tcp/443" in result.detail and "not checkable for db" in result.detail


def test_a_source_that_cannot_be_read_is_a_clear_error():
    st = stack([WEB4], [intent("allow", "tcp", 443, "the-internet", "web")])
    with pytest.raises(InputError, match="intent 1: source 'the-internet' is not understood"):
        run_intents(st)
