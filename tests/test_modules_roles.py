"""Each building block of modules/roles.py: its exact rules, and its refusals."""

from __future__ import annotations

import pytest

import sgplan as s
from modules.roles import (
    ENGINES,
    admin_access,
    allowlist_egress,
    bastion,
    datastore,
    egress_allowlist,
    engine_services,
    internal_service,
    web_tier,
)
from sgplan.model.issues import InputError


def rules_of(decl, vpc_id="vpc-1"):
    grp = decl.build(vpc_id)
    return sorted(f"{r.text()} | {r.description}" for r in grp.rules)


def test_web_tier_opens_http_and_https_to_the_internet_v4_and_v6():
    assert rules_of(web_tier("prod-shop-web-sg")) == [
        "ingress accept tcp 443 from 0.0.0.0/0 priority 1 | public web",
        "ingress accept tcp 443 from ::/0 priority 1 | public web",
        "ingress accept tcp 80 from 0.0.0.0/0 priority 1 | public web",
        "ingress accept tcp 80 from ::/0 priority 1 | public web",
    ]


def test_web_tier_options_ipv4_only_admin_access_extra_rules_and_group_fields():
    decl = web_tier(
        "dev-shop-web-sg", "dev web", ipv6=False, services=[s.svc.HTTPS],
        admin_from=s.group("dev-ops-bastion-sg"), rules=[s.ingress(s.svc.ICMP, from_="10.0.0.0/8")],
        tags={"env": "dev"}, key="old-web",
    )  # fmt: skip
    assert rules_of(decl) == [
        "ingress accept icmp from 10.0.0.0/8 priority 1 | None",
        "ingress accept tcp 22 from group:dev-ops-bastion-sg priority 1 | ops via bastion",
        "ingress accept tcp 443 from 0.0.0.0/0 priority 1 | public web",
    ]
    grp = decl.build("vpc-1")
    assert (grp.description, grp.tags, grp.logical_name, grp.vpc_id) == (
        "dev web", {"env": "dev"}, "old-web", "vpc-1",
    )  # fmt: skip


def test_admin_access_is_empty_without_sources():
    assert admin_access(()) == []
    assert len(admin_access(["10.0.0.0/8", "10.1.0.0/16"])) == 1


def test_bastion_admits_ssh_and_rdp_from_sources_and_workbench():
    decl = bastion(
        "prod-ops-bastion-sg", sources=[s.prefix_list("office"), "203.0.113.7"],
        workbench=True, workbench_legacy=True,
    )  # fmt: skip
    grp = s.define_stack("p", "cn-hangzhou", vpc_id="vpc-1", groups=[decl], prefix_lists=[
        s.prefix_list_of("office", ["198.51.100.0/24"], max_entries=5)]).groups[0]  # fmt: skip
    assert sorted(f"{r.text()} | {r.description}" for r in grp.rules) == sorted(
        f"ingress accept tcp {port} from {peer} priority 1 | {why}"
        for port in (22, 3389)
        for peer, why in (
            ("prefix-list:office", "ops access"),
            ("203.0.113.7/32", "ops access"),
            ("161.117.0.0/16", "Alibaba Workbench"),
            ("100.104.0.0/16", "Alibaba Workbench"),
            ("47.96.60.0/24", "Alibaba Workbench (2022 ranges)"),
            ("118.31.243.0/24", "Alibaba Workbench (2022 ranges)"),
        )
    )


def test_bastion_with_workbench_only_and_ssh_only():
    decl = bastion("dev-ops-bastion-sg", services=[s.svc.SSH], workbench=True)
    assert rules_of(decl) == [
        "ingress accept tcp 22 from 100.104.0.0/16 priority 1 | Alibaba Workbench",
        "ingress accept tcp 22 from 161.117.0.0/16 priority 1 | Alibaba Workbench",
    ]


@pytest.mark.parametrize("source", ["0.0.0.0/0", "::/0", s.cidr("0.0.0.0/0")])
def test_bastion_refuses_the_whole_internet(source):
    with pytest.raises(
        InputError, match=r"prod-ops-bastion-sg: bastion source .* is the whole internet"
    ):
        bastion("prod-ops-bastion-sg", sources=["10.0.0.0/8", source])


def test_bastion_refuses_to_be_reachable_from_nowhere():
    with pytest.raises(InputError, match="bastion has no sources; give sources"):
        bastion("prod-ops-bastion-sg")


def test_internal_service_is_reached_only_from_its_client_groups():
    decl = internal_service(
        "prod-shop-app-sg", "app", services=[s.tcp(8080), s.svc.HTTP],
        clients=["prod-shop-web-sg", s.group_id("sg-bp1other", "1234567")],
        admin_from=s.group("prod-ops-bastion-sg"),
    )  # fmt: skip
    grp = s.define_stack("p", "cn-hangzhou", vpc_id="vpc-1", groups=[
        decl, s.security_group("prod-shop-web-sg", "web"), s.security_group("prod-ops-bastion-sg", "bastion"),
    ]).groups[0]  # fmt: skip
    assert sorted(f"{r.text()} | {r.description}" for r in grp.rules) == [
        "ingress accept tcp 22 from group:prod-ops-bastion-sg priority 1 | ops via bastion",
        "ingress accept tcp 80 from 1234567/sg-bp1other priority 1 | sg-bp1other to tcp/8080,http",
        "ingress accept tcp 80 from group:prod-shop-web-sg priority 1 | prod-shop-web-sg to tcp/8080,http",
        "ingress accept tcp 8080 from 1234567/sg-bp1other priority 1 | sg-bp1other to tcp/8080,http",
        "ingress accept tcp 8080 from group:prod-shop-web-sg priority 1 | prod-shop-web-sg to tcp/8080,http",
    ]


def test_internal_service_refuses_non_group_clients_and_no_clients():
    with pytest.raises(
        InputError, match=r"group x-a-b-sg: client 10.0.0.0/8 is not a security group"
    ):
        internal_service("x-a-b-sg", "d", services=[s.svc.HTTP], clients=[s.cidr("10.0.0.0/8")])
    with pytest.raises(InputError, match="internal service has no clients"):
        internal_service("x-a-b-sg", "d", services=[s.svc.HTTP], clients=[])


@pytest.mark.parametrize(
    ("engine", "expected"),
    [("mysql", ["tcp 3306"]), ("postgres", ["tcp 5432"]), ("PostgreSQL", ["tcp 5432"]),
     ("sqlserver", ["tcp 1433"]), ("oracle", ["tcp 1521"]), ("redis", ["tcp 6379"]),
     ("mongodb", ["tcp 27017"]), ("memcached", ["tcp 11211"])],
)  # fmt: skip
def test_datastore_listens_on_its_engine_port_for_each_client(engine, expected):
    decl = datastore("prod-x-db-sg", engine, clients=["prod-a-app-sg", "prod-b-app-sg"])
    want = sorted(
        f"ingress accept {port} from group:{c} priority 1 | {c} to {engine_services(engine)[0].name}"
        for port in expected
        for c in ("prod-a-app-sg", "prod-b-app-sg")
    )
    got = sorted(
        f"{r.text()} | {r.description}"
        for r in s.define_stack("p", "r", vpc_id="v", groups=[
            decl, s.security_group("prod-a-app-sg"), s.security_group("prod-b-app-sg")]).groups[0].rules
    )  # fmt: skip
    assert got == want
    assert decl.build("v").description.endswith("servers")


def test_datastore_names_the_group_and_allowed_engines_for_an_unknown_engine():
    with pytest.raises(InputError) as exc:
        datastore("prod-x-db-sg", "mysq", clients=["a"])
    assert str(exc.value) == (
        "group prod-x-db-sg: engine 'mysq' is not a database or cache engine; allowed: "
        + ", ".join(ENGINES)
    )


def test_allowlist_egress_accepts_above_a_drop_all_at_100():
    decls = allowlist_egress(
        s.egress(s.svc.HTTP, to="47.96.1.1", description="site"),
        s.egress(s.svc.HTTPS, to="121.199.1.1", priority=5),
    )
    assert sorted(f"{r.text()} | {r.description}" for r in s.build_rules(decls)) == [
        "egress accept tcp 443 to 121.199.1.1/32 priority 5 | None",
        "egress accept tcp 80 to 47.96.1.1/32 priority 1 | site",
        "egress drop all to 0.0.0.0/0 priority 100 | deny the rest",
        "egress drop all to ::/0 priority 100 | deny the rest",
    ]
    v4 = s.build_rules(allowlist_egress(deny_priority=50, ipv6=False, description="no"))
    assert [r.text() for r in v4] == ["egress drop all to 0.0.0.0/0 priority 50"]


def test_allowlist_egress_refuses_entries_the_drop_would_cancel_or_that_are_not_egress_accepts():
    with pytest.raises(InputError, match="has priority 100; allowed: 1-99"):
        allowlist_egress(s.egress(s.svc.HTTPS, to="10.0.0.1", priority=100))
    with pytest.raises(InputError, match="is not an egress accept"):
        allowlist_egress(s.ingress(s.svc.HTTPS, from_="10.0.0.1"))
    with pytest.raises(InputError, match="is not an egress accept"):
        allowlist_egress(s.egress(s.svc.HTTPS, to="10.0.0.1", policy="drop"))


def test_egress_allowlist_group():
    decl = egress_allowlist(
        "prod-shop-egress-sg", allow=[s.egress(s.svc.DNS, to="100.100.2.136")], ipv6=False,
        rules=[s.ingress(s.svc.ICMP, from_="10.0.0.0/8")], tags={"env": "prod"},
    )  # fmt: skip
    assert rules_of(decl) == [
        "egress accept tcp 53 to 100.100.2.136/32 priority 1 | None",
        "egress accept udp 53 to 100.100.2.136/32 priority 1 | None",
        "egress drop all to 0.0.0.0/0 priority 100 | deny the rest",
        "ingress accept icmp from 10.0.0.0/8 priority 1 | None",
    ]
    assert decl.build("v").description == "egress allow-list"
