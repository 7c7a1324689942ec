"""Cloning follows the console (SPEC 5): rules kept, >100 become 100, no live IDs shared."""

from __future__ import annotations

import pytest

import sgplan as s
from sgplan.model.build import build_state
from sgplan.model.clone import clone_group, clone_stack, env_renamer
from sgplan.model.issues import StackInvalid


def prod():
    return s.define_stack("prod", "cn-hangzhou", vpc_id="vpc-prod", groups=[
        s.security_group("prod-shop-web-sg", "web", id="sg-live1", tags={"env": "prod", "team": "shop"}, rules=[
            s.ingress(s.svc.HTTPS, from_="0.0.0.0/0"),
        ]),
        s.security_group("prod-shop-app-sg", "app", rules=[
            s.ingress(s.tcp(8080), from_=s.group("prod-shop-web-sg")),
            s.egress(s.svc.MYSQL, to="sg-external1"),
        ]),
    ], intents=[s.allows("tcp", 8080, source="group:prod-shop-web-sg", target="prod-shop-app-sg")])  # fmt: skip


def test_clone_stack_renames_groups_and_references_and_drops_live_ids():
    staging = clone_stack(prod(), "staging", vpc_id="vpc-staging", tags={"env": "staging"})
    assert [g.name for g in staging.groups] == ["staging-shop-web-sg", "staging-shop-app-sg"]
    assert all(g.id is None and g.vpc_id == "vpc-staging" for g in staging.groups)
    app = staging.group("staging-shop-app-sg")
    assert str(app.rules[0].peer) == "group:staging-shop-web-sg"
    assert str(app.rules[1].peer) == "sg-external1"
    assert staging.group("staging-shop-web-sg").tags == {"env": "staging", "team": "shop"}
    assert staging.intents[0].target == "staging-shop-app-sg"
    assert staging.intents[0].source == "group:staging-shop-web-sg"


def test_cross_region_clone_refuses_live_id_peers():
    with pytest.raises(StackInvalid) as exc:
        clone_stack(prod(), "dr", region="cn-shanghai")
    assert (
        "peer sg-external1 is a live ID in cn-hangzhou and cannot be cloned to cn-shanghai"
        in str(exc.value)
    )


def test_clone_group_caps_legacy_priorities_and_copies_tags_only_when_asked():
    live = build_state({"groups": [{"id": "sg-1", "name": "old-web", "vpc_id": "vpc-a", "tags": {"k": "v"},
        "rules": [{"direction": "ingress", "protocol": "tcp", "ports": 22, "peer": "0.0.0.0/0",
                   "priority": 110, "rule_id": "sgr-9"}]}]}).groups[0]  # fmt: skip
    copy = clone_group(live, "test-web-app-sg", vpc_id="vpc-b")
    assert copy.id is None and copy.vpc_id == "vpc-b" and copy.tags == {}
    assert copy.rules[0].priority == 100 and copy.rules[0].rule_id is None
    assert clone_group(live, "x", copy_tags=True).tags == {"k": "v"}
    assert clone_group(live, "x", keep_rules=False).rules == ()


def test_env_renamer():
    rename = env_renamer("prod", "staging")
    assert rename("prod-mysql-db-sg") == "staging-mysql-db-sg"
    assert rename("shared-sg") == "staging-shared-sg"
