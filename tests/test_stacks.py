"""The shop's stacks: all valid, named by convention, and prod never shares with test."""

from __future__ import annotations

from pathlib import Path

import pytest

from sgplan.load import load_stack, stack_names
from sgplan.model.clone import env_renamer
from stacks import catalog, prod, staging

ROOT = Path(__file__).resolve().parent.parent
STACKS = ("dev", "staging", "prod")
ROOT_NAMES = ["dev", "prod", "staging"]


def test_the_project_has_exactly_the_three_stacks():
    assert stack_names(ROOT) == ROOT_NAMES


@pytest.mark.parametrize("name", STACKS)
def test_every_stack_validates_and_lives_in_its_own_vpc(name):
    st = load_stack(name, ROOT)
    assert (st.name, st.env, st.region, st.vpc_id) == (
        name, name, catalog.REGION, catalog.VPCS[name],
    )  # fmt: skip
    assert st.groups and all(g.vpc_id == catalog.VPCS[name] for g in st.groups)
    assert all(g.tags.get("env") == name for g in st.groups)


@pytest.mark.parametrize("name", STACKS)
def test_names_follow_env_app_purpose_sg(name):
    st = load_stack(name, ROOT)
    for g in st.groups:
        parts = g.name.split("-")
        assert len(parts) >= 4 and parts[0] == name and parts[-1] == "sg", g.name
        assert all(parts), g.name
    for pl in st.prefix_lists:
        assert pl.name.startswith(f"{name}-"), pl.name


def test_prod_keeps_the_names_the_brownfield_snapshot_refers_to():
    st = load_stack("prod", ROOT)
    assert [g.name for g in st.groups] == [
        "prod-shop-web-sg", "prod-shop-app-sg", "prod-mysql-db-sg", "prod-redis-cache-sg",
        "prod-ops-bastion-sg",
    ]  # fmt: skip
    assert [p.name for p in st.prefix_lists] == ["prod-office-nets"]
    assert (st.region, st.vpc_id) == ("cn-hangzhou", "vpc-bp1prodshop7x2k9q0m")


@pytest.mark.parametrize("other", ["staging", "dev"])
def test_prod_and_test_share_no_group_name_id_vpc_prefix_list_or_nic(other):
    p, o = load_stack("prod", ROOT), load_stack(other, ROOT)
    assert not {g.name for g in p.groups} & {g.name for g in o.groups}
    assert not {g.id for g in p.groups if g.id} & {g.id for g in o.groups if g.id}
    assert all(g.id is None for g in o.groups)
    assert not {g.vpc_id for g in p.groups} & {g.vpc_id for g in o.groups}
    assert not {pl.name for pl in p.prefix_lists} & {pl.name for pl in o.prefix_lists}
    assert not {m.nic for m in p.members} & {m.nic for m in o.members}
    referenced = {str(r.peer) for g in o.groups for r in g.rules}
    assert not any(f"group:{g.name}" in referenced for g in p.groups)


def test_staging_is_prod_cloned_rule_for_rule():
    p, s = prod.build(), staging.build()
    rename = env_renamer("prod", "staging")
    assert [g.name for g in s.groups] == [rename(g.name) for g in p.groups]
    for pg, sg in zip(p.groups, s.groups, strict=True):
        renamed = sorted(r.text().replace("prod-", "staging-") for r in pg.rules)
        assert sorted(r.text() for r in sg.rules) == renamed
        assert [r.description for r in sorted(sg.rules, key=lambda r: r.sort_key)] == [
            r.description for r in sorted(pg.rules, key=lambda r: r.sort_key)
        ]
        assert sg.description == pg.description
    assert s.prefix_lists[0].cidrs == p.prefix_lists[0].cidrs


def test_prod_app_tier_is_an_egress_allow_list():
    app = load_stack("prod", ROOT).group("prod-shop-app-sg")
    egress = sorted(r.text() for r in app.egress())
    assert egress == [
        "egress accept tcp 3306 to group:prod-mysql-db-sg priority 1",
        "egress accept tcp 443 to 47.96.0.0/16 priority 1",
        "egress accept tcp 53 to 100.100.2.136/32 priority 1",
        "egress accept tcp 53 to 100.100.2.138/32 priority 1",
        "egress accept tcp 6379 to group:prod-redis-cache-sg priority 1",
        "egress accept udp 53 to 100.100.2.136/32 priority 1",
        "egress accept udp 53 to 100.100.2.138/32 priority 1",
        "egress drop all to 0.0.0.0/0 priority 100",
        "egress drop all to ::/0 priority 100",
    ]


@pytest.mark.parametrize("name", STACKS)
def test_no_management_port_is_open_to_anywhere(name):
    for g in load_stack(name, ROOT).groups:
        for r in g.ingress():
            if r.peer.is_anywhere and r.policy == "accept":
                assert r.protocol == "tcp" and not r.ports.covers(22) and not r.ports.covers(3389)


def test_staging_rule_identities_follow_the_rename():
    """Cloning rewrites peers; each rule's identity (what names its Pulumi resource) must
    follow, or staging would share resource names with prod's identities."""
    for g in staging.build().groups:
        for r in g.rules:
            assert r.key == r.with_().key, r.text()
            assert "prod-" not in str(r.key), r.text()
