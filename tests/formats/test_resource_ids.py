"""Resource names and provider IDs: stable, identity-only, and the provider's exact format."""

from __future__ import annotations

import pytest

import sgplan as s
from sgplan.formats.resource_ids import (
    Adoption,
    adoption_issues,
    identity_text,
    rule_import_id,
    rule_resource_name,
)


def one(decl):
    return s.build_rules([decl])[0]


def test_names_are_pinned_so_a_scheme_change_cannot_silently_rename_live_rules():
    https = one(s.ingress(s.svc.HTTPS, from_="0.0.0.0/0", description="public web"))
    drop6 = one(s.egress("all", to="::/0", policy="drop", priority=100))
    assert identity_text(https.key) == "ingress|intranet|accept|1|tcp|443/443||0.0.0.0/0|"
    assert rule_resource_name("prod-shop-web-sg", https) == "prod-shop-web-sg-in-tcp-443-dd049303"
    assert rule_resource_name("prod-shop-app-sg", drop6) == "prod-shop-app-sg-out-all-drop-e13c26c6"


def test_name_ignores_description_but_follows_every_identity_field():
    base = one(s.ingress(s.tcp("8000-8100"), from_="10.0.0.0/8", description="a"))
    name = rule_resource_name("g", base)
    assert name.startswith("g-in-tcp-8000-8100-")
    assert rule_resource_name("g", base.with_(description="another text")) == name
    changed = [
        base.with_(priority=2), base.with_(policy="drop"), base.with_(peer="10.0.0.0/9"),
        base.with_(ports="8000-8101"), base.with_(direction="egress"),
        base.with_(source_ports="1024-65535"), base.with_(local_cidr="192.168.0.0/24"),
    ]  # fmt: skip
    names = {rule_resource_name("g", r) for r in changed}
    assert name not in names and len(names) == len(changed)
    assert rule_resource_name("h", base) != name


def test_import_id_follows_the_provider_format_for_every_peer_kind():
    ssh = s.ingress(s.svc.SSH, description="x")
    assert rule_import_id("sg-1", one(s.ingress(s.svc.SSH, from_="10.0.0.1"))) == (
        "sg-1:ingress:tcp:22/22:intranet:10.0.0.1/32:accept:1"
    )
    v6 = one(s.ingress("icmpv6", from_="2001:DB8::/32", priority=7, policy="drop"))
    assert rule_import_id("sg-1", v6) == "sg-1:ingress:icmpv6:-1/-1:intranet:2001_db8__/32:drop:7"
    peer = one(s.RuleDecl({**ssh.fields, "peer": s.group("prod-ops-bastion-sg")}))
    assert rule_import_id("sg-1", peer, "sg-9") == "sg-1:ingress:tcp:22/22:intranet:sg-9:accept:1"
    other = one(s.egress(s.svc.MYSQL, to="1234567/sg-bp1x"))
    assert rule_import_id("sg-1", other) == "sg-1:egress:tcp:3306/3306:intranet:sg-bp1x:accept:1"
    pl = one(s.egress(s.svc.HTTPS, to=s.prefix_list("office")))
    assert rule_import_id("sg-1", pl, "pl-7") == "sg-1:egress:tcp:443/443:intranet:pl-7:accept:1"
    assert rule_import_id("sg-1", one(s.ingress(s.svc.HTTP, from_="pl-abc"))).endswith(
        ":pl-abc:accept:1"
    )


def test_import_id_refuses_what_it_cannot_name():
    with pytest.raises(ValueError, match="peer group:web has no live ID"):
        rule_import_id("sg-1", one(s.ingress(s.svc.SSH, from_=s.group("web"))))
    five = one(s.ingress(s.svc.SSH, from_="10.0.0.0/8", source_ports="1000-2000"))
    with pytest.raises(ValueError, match="pulumi-alicloud cannot hold 5-tuple rules"):
        rule_import_id("sg-1", five)


def stack():
    return s.define_stack("prod", "cn-hangzhou", vpc_id="vpc-1", groups=[
        s.security_group("prod-web-app-sg", "web", rules=[s.ingress(s.svc.HTTPS, from_="0.0.0.0/0")]),
        s.security_group("prod-db-app-sg", "db", id="sg-pinned", rules=[s.ingress(s.svc.MYSQL, from_="10.0.0.0/8")]),
    ])  # fmt: skip


def test_adoption_that_fits_has_no_issues():
    st = stack()
    web, db = st.groups
    adopt = Adoption(
        groups={"prod-web-app-sg": "sg-w"},
        rules={
            ("prod-web-app-sg", web.rules[0].key): rule_import_id("sg-w", web.rules[0]),
            ("prod-db-app-sg", db.rules[0].key): rule_import_id("sg-pinned", db.rules[0]),
        },
    )
    assert adoption_issues(st, adopt) == []
    assert adopt.group_id("prod-db-app-sg", db.id) == "sg-pinned"


def test_adoption_issues_name_what_does_not_fit():
    st = stack()
    web, db = st.groups
    other = one(s.ingress(s.svc.SSH, from_="10.0.0.0/8"))
    adopt = Adoption(
        groups={"prod-gone-app-sg": "sg-x"},
        prefix_lists={"office": "pl-1"},
        rules={
            ("prod-web-app-sg", web.rules[0].key): "sg-w:ingress:tcp:443/443:intranet:0.0.0.0/0:accept:1",
            ("prod-db-app-sg", other.key): "sg-pinned:x",
            ("prod-db-app-sg", db.rules[0].key): "sg-other:ingress:tcp:3306/3306:intranet:10.0.0.0/8:accept:1",
            ("nope", other.key): "sg-x:y",
        },
    )  # fmt: skip
    messages = [str(i) for i in adoption_issues(st, adopt)]
    assert messages == [
        "stack prod: adopts group 'prod-gone-app-sg', which the stack does not declare",
        "stack prod: adopts prefix list 'office', which the stack does not declare",
        "stack prod, group prod-web-app-sg, rule 1 `ingress accept tcp 443 from 0.0.0.0/0 "
        "priority 1`: adopts a rule of a group that is created, not adopted; adopt the group "
        "too (or adopt none of its rules)",
        "stack prod, group prod-db-app-sg: adopts rule `ingress|intranet|accept|1|tcp|22/22||"
        "10.0.0.0/8|`, which the group does not declare",
        "stack prod, group prod-db-app-sg, rule 1 `ingress accept tcp 3306 from 10.0.0.0/8 "
        "priority 1`: import ID 'sg-other:ingress:tcp:3306/3306:intranet:"
        "10.0.0.0/8:accept:1' is not a rule of sg-pinned; expected sg-pinned:<type>:<protocol>:...",
        "stack prod: adopts a rule of group 'nope', which the stack does not declare",
    ]
