"""Every write call through the official SDK against the local endpoint, and every error code
of SPEC section 6 the endpoint answers with (no engine here: the client alone)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sgplan.live.client import CallFailed
from sgplan.model.group import PrefixList, SecurityGroup
from sgplan.model.rule import Rule
from tests.apply.helpers import VPC, group_data, live_state, numbered, rule, served

WEB, DB, OTHER = "sg-bp1test000000000000", "sg-bp1test000000000001", "sg-bp1test000000000002"


def _estate(**more):
    return live_state(
        group_data("test-web-sg", [rule(ports="443", peer="0.0.0.0/0")]),
        group_data("test-db-sg", [rule(ports="3306", peer=WEB)]),
        group_data("test-cfw-sg", [rule(protocol="all", peer="10.0.0.0/8")],
                   live={"service_managed": True, "service_id": "cloud_firewall"}),
        **more,
    )  # fmt: skip


def R(**fields) -> Rule:
    return Rule.model_validate(rule(**fields))


def _code(exc: pytest.ExceptionInfo[CallFailed]) -> str:
    return exc.value.failure.code


def test_authorize_sends_every_field_and_reads_back_with_ids_and_create_time():
    rules = [
        R(ports="8443", peer="10.1.0.0/16", source_ports="1024-65535", local_cidr="172.16.0.5",
          policy="drop", priority=7, description="5-tuple rule"),
        R(ports="22", peer="1234567890123456/sg-bp1otheraccount0001", description="other account"),
        R(protocol="icmpv6", peer="2001:db8::/32"),
    ]  # fmt: skip
    egress = [
        R(
            direction="egress",
            ports="5432",
            peer=DB,
            source_ports="2000-3000",
            local_cidr="10.0.0.0/24",
        )
    ]
    with served(_estate()) as (ecs, w):
        w.authorize(WEB, "ingress", rules)
        w.authorize(WEB, "egress", egress)
        back = w.read_group(WEB)
    assert back is not None
    got = {r.key: r for r in back.rules}
    for want in [*rules, *egress]:
        have = got[want.key]  # identity equal: every field went out and came back
        assert have.description == want.description
        assert have.rule_id and have.rule_id.startswith("sgr-")
    perms = ecs.store.groups[WEB]["perms"]
    assert all(p["CreateTime"].startswith("2026-") for p in perms[1:])  # the new ones
    other = next(p for p in perms if p["SourceGroupId"] == "sg-bp1otheraccount0001")
    assert other["SourceGroupOwnerAccount"] == "1234567890123456"
    eg = next(p for p in perms if p["Direction"] == "egress")
    assert (eg["DestGroupId"], eg["SourceCidrIp"], eg["SourcePortRange"]) == (
        DB,
        "10.0.0.0/24",
        "2000/3000",
    )


def test_authorize_of_an_existing_rule_is_a_no_op_and_duplicates_in_one_request_fail():
    with served(_estate()) as (ecs, w):
        w.authorize(WEB, "ingress", [R(ports="443", peer="0.0.0.0/0")])
        assert len(ecs.store.groups[WEB]["perms"]) == 1
        with pytest.raises(CallFailed) as exc:
            w.authorize(WEB, "ingress", [R(ports="80"), R(ports="80", description="same rule")])
        assert _code(exc) == "InvalidParam.DuplicatePermissions"
        assert len(ecs.store.groups[WEB]["perms"]) == 1


def test_authorize_takes_at_most_100_rules_and_the_quota_is_200():
    with served(_estate()) as (ecs, w):
        with pytest.raises(ValueError, match="1-100"):
            w.authorize(WEB, "ingress", [Rule.model_validate(r) for r in numbered(101)])
        w.authorize(WEB, "ingress", [Rule.model_validate(r) for r in numbered(100)])
        w.authorize(WEB, "ingress", [Rule.model_validate(r) for r in numbered(99, start=100)])
        assert ecs.store.groups[WEB]["item"]["RuleCount"] == 200
        with pytest.raises(CallFailed) as exc:
            w.authorize(WEB, "ingress", [Rule.model_validate(r) for r in numbered(1, start=500)])
    assert _code(exc) == "AuthorizationLimitExceed"
    assert exc.value.failure.status == 400


def test_prefix_lists_count_at_max_entries_and_group_peers_at_20():
    lists = [{"name": "big", "id": "pl-bp1big", "max_entries": 150, "entries": ["10.0.0.0/8"]}]
    with served(_estate(prefix_lists=lists)) as (_ecs, w):
        w.authorize(WEB, "ingress", [R(peer="pl-bp1big")])
        with pytest.raises(CallFailed) as exc:
            w.authorize(WEB, "ingress", [Rule.model_validate(r) for r in numbered(50)])
        assert _code(exc) == "AuthorizationLimitExceed"
        peers = [R(ports=str(1000 + n), peer=DB) for n in range(20)]
        w.authorize(DB, "ingress", peers[:19])  # DB holds one group-peer rule already
        with pytest.raises(CallFailed) as exc:
            w.authorize(DB, "ingress", [peers[19]])
        assert _code(exc) == "AuthorizedGroupRule.LimitExceed"


def test_nic_limit_of_1000_rules():
    groups = [group_data(f"test-g{n}-sg", numbered(200, start=n * 200)) for n in range(5)]
    groups.append(group_data("test-g5-sg", []))
    members = [{"nic": "eni-bp1six", "groups": [f"sg-bp1test{n:012d}" for n in range(6)]}]
    with (
        served(live_state(*groups, members=members)) as (_ecs, w),
        pytest.raises(CallFailed) as exc,
    ):
        w.authorize("sg-bp1test000000000005", "ingress", [R(ports="9", peer="1.1.1.1")])
    assert _code(exc) == "QuotaExceed.NetworkInterfaceRules"
    assert "eni-bp1six" in exc.value.failure.message


def test_revoke_by_id_unknown_id_fails_and_by_fields_no_match_succeeds():
    with served(_estate()) as (ecs, w):
        rid = ecs.store.groups[WEB]["perms"][0]["SecurityGroupRuleId"]
        with pytest.raises(CallFailed) as exc:
            w.revoke_ids(WEB, "ingress", [rid, "sgr-bp1doesnotexist"])
        assert _code(exc) == "InvalidParam.SecurityGroupRuleId"
        assert len(ecs.store.groups[WEB]["perms"]) == 1  # nothing removed
        w.revoke_rules(WEB, "ingress", [R(ports="1")])  # no match: fine
        w.revoke_ids(WEB, "ingress", [rid])
        assert ecs.store.groups[WEB]["perms"] == []
        w.authorize(
            WEB, "egress", [R(direction="egress", ports="53", protocol="udp", peer="100.100.2.136")]
        )
        w.revoke_rules(
            WEB, "egress", [R(direction="egress", ports="53", protocol="udp", peer="100.100.2.136")]
        )
        assert ecs.store.groups[WEB]["perms"] == []


def test_modify_descriptions_in_place_both_directions():
    with served(_estate()) as (ecs, w):
        w.authorize(WEB, "egress", [R(direction="egress", ports="443", peer="0.0.0.0/0")])
        ing, eg = ecs.store.groups[WEB]["perms"]
        w.modify_description(WEB, "ingress", ing["SecurityGroupRuleId"], "HTTPS 公网")
        w.modify_description(WEB, "egress", eg["SecurityGroupRuleId"], "out")
        back = w.read_group(WEB)
        with pytest.raises(CallFailed) as exc:
            w.modify_description(WEB, "ingress", "sgr-bp1gone", "x")
    assert sorted(r.description or "" for r in back.rules) == ["HTTPS 公网", "out"]
    assert _code(exc) == "InvalidParam.SecurityGroupRuleId"


def test_group_lifecycle_attributes_policy_tags_and_deletion_errors():
    new = SecurityGroup.model_validate({"name": "test-new-sg", "vpc_id": VPC, "description": "new one",
                                        "tags": {"env": "test", "team": "net"}})  # fmt: skip
    members = [{"nic": "eni-bp1web", "groups": [WEB]}]
    with served(_estate(members=members), protected={DB}) as (_ecs, w):
        sg = w.create_group(new, client_token="tok-1")
        assert w.create_group(new, client_token="tok-1") == sg  # a retried create: same group
        w.modify_group(sg, name="test-renamed-sg", description="renamed")
        w.modify_policy(sg, "drop")
        w.tag(sg, {"owner": "me"})
        w.untag(sg, ["team"])
        back = w.read_group(sg)
        assert back is not None
        assert (back.name, back.description, back.inner_access_policy) == (
            "test-renamed-sg",
            "renamed",
            "drop",
        )
        assert back.tags == {"env": "test", "owner": "me"}
        codes = {}
        for target in (WEB, DB, "sg-bp1nosuchgroup", "sg-bp1test000000000002"):
            with pytest.raises(CallFailed) as exc:
                w.delete_group(target)
            codes[target] = (exc.value.failure.code, exc.value.failure.status)
        w.delete_group(sg)
        assert w.read_group(sg) is None
    assert codes == {
        WEB: ("DependencyViolation", 403),  # attached to a NIC (and referenced by DB's rule)
        DB: ("InvalidOperation.DeletionProtection", 403),
        "sg-bp1nosuchgroup": ("InvalidSecurityGroupId.NotFound", 404),
        "sg-bp1test000000000002": ("InvalidOperation.ResourceManagedByCloudProduct", 403),
    }


def test_deleting_a_referenced_group_fails_with_dependency_violation():
    with served(_estate()) as (_ecs, w), pytest.raises(CallFailed) as exc:
        w.delete_group(WEB)  # test-db-sg's rule names it
    assert _code(exc) == "DependencyViolation"
    assert "referenced" in exc.value.failure.message


def test_every_write_to_a_managed_group_fails():
    cfw = "sg-bp1test000000000002"
    with served(_estate()) as (ecs, w):
        rid = ecs.store.groups[cfw]["perms"][0]["SecurityGroupRuleId"]
        calls = [
            lambda: w.authorize(cfw, "ingress", [R()]),
            lambda: w.revoke_ids(cfw, "ingress", [rid]),
            lambda: w.modify_description(cfw, "ingress", rid, "x"),
            lambda: w.modify_group(cfw, description="x"),
            lambda: w.modify_policy(cfw, "drop"),
            lambda: w.tag(cfw, {"a": "b"}),
        ]
        for call in calls:
            with pytest.raises(CallFailed) as exc:
                call()
            assert _code(exc) == "InvalidOperation.ResourceManagedByCloudProduct"


def test_classic_groups_default_nic_type_internet_and_take_single_addresses():
    classic = live_state({"name": "test-classic-sg", "network": "classic", "rules": []})
    sg = "sg-bp1test000000000000"
    with served(classic) as (ecs, w):
        w.authorize(
            sg,
            "ingress",
            [R(peer="203.0.113.9", nic_type="internet"), R(ports="80", peer="10.0.0.0/8")],
        )
        nics = sorted(p["NicType"] for p in ecs.store.groups[sg]["perms"])
        with pytest.raises(CallFailed) as exc:
            w.authorize(sg, "ingress", [R(ports="81", peer="203.0.113.0/24", nic_type="internet")])
        raw = ecs.store.call("AuthorizeSecurityGroup", {
            "RegionId": "cn-hangzhou", "SecurityGroupId": sg, "Permissions.1.IpProtocol": "tcp",
            "Permissions.1.PortRange": "82/82", "Permissions.1.SourceCidrIp": "198.51.100.7"})  # fmt: skip
    assert nics == ["internet", "intranet"]
    assert _code(exc) == "InvalidParameter"
    assert raw == {}
    assert ecs.store.groups[sg]["perms"][-1]["NicType"] == "internet"  # the classic default


def test_prefix_list_writes():
    pl = PrefixList.model_validate({"name": "test-office", "max_entries": 5, "description": "office",
                                    "entries": ["203.0.113.0/27"]})  # fmt: skip
    with served(_estate()) as (ecs, w):
        pl_id = w.create_prefix_list(pl, client_token="t")
        w.modify_prefix_list(
            pl_id, add=["198.51.100.0/28"], remove=["203.0.113.0/27"], name="test-office2"
        )
        body = w.describe_prefix_list(pl_id)
        w.authorize(WEB, "ingress", [R(peer=pl_id)])
        with pytest.raises(CallFailed) as exc:
            w.delete_prefix_list(pl_id)
        w.revoke_rules(WEB, "ingress", [R(peer=pl_id)])
        w.delete_prefix_list(pl_id)
        assert pl_id not in ecs.store.prefix_lists
    assert body["PrefixListName"] == "test-office2"
    assert [e["Cidr"] for e in body["Entries"]["Entry"]] == ["198.51.100.0/28"]
    assert _code(exc) == "InvalidOperation.PrefixListInUse"


def test_every_write_is_logged_with_what_it_created():
    with served(_estate()) as (ecs, w):
        w.authorize(WEB, "ingress", [R(ports="1"), R(ports="2")])
        with pytest.raises(CallFailed):
            w.authorize(WEB, "ingress", [R(ports="3"), R(ports="3")])
    log = ecs.store.writes.log
    assert [(r.action, r.ok, r.code, len(r.created)) for r in log] == [
        ("AuthorizeSecurityGroup", True, "", 2),
        ("AuthorizeSecurityGroup", False, "InvalidParam.DuplicatePermissions", 0),
    ]
    assert log[0].params["Permissions.1.PortRange"] == "1/1"


@given(st.dictionaries(st.text(min_size=1, max_size=12), st.text(max_size=30), max_size=8))
def test_the_form_body_is_exactly_what_the_sdk_would_encode(params):
    from urllib.parse import urlencode

    from sgplan.live.writer import form_text

    assert form_text(params) == urlencode({k: params[k] for k in sorted(params)})


def test_modify_that_would_duplicate_another_rule_fails_with_rule_duplicate():
    from sgplan.localecs.store import ApiError

    with served(_estate()) as (ecs, w):
        w.authorize(WEB, "ingress", [R(ports="80", peer="0.0.0.0/0")])
        first = ecs.store.groups[WEB]["perms"][0]["SecurityGroupRuleId"]  # tcp 443 from anywhere
        with pytest.raises(ApiError) as exc:
            ecs.store.call("ModifySecurityGroupRule", {"RegionId": "cn-hangzhou", "SecurityGroupId": WEB,
                           "SecurityGroupRuleId": first, "PortRange": "80/80"})  # fmt: skip
    assert exc.value.code == "InvalidOperation.RuleDuplicate"
    assert ecs.store.writes.log[-1].code == "InvalidOperation.RuleDuplicate"
