"""The live reader driving the official SDK over real HTTP against the local endpoint."""

from __future__ import annotations

import logging
import math

import pytest

from sgplan.formats import snapshot
from sgplan.live import Filters, LiveReadError, read_live
from sgplan.localecs import Faults
from sgplan.localecs.estate import generate_estate
from sgplan.model import Rule
from sgplan.plan import PlanOptions, diff_states
from tests.conftest import TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET
from tests.live.helpers import config, estate, prod_state, served


def _rules(state):
    return {g.id: {r.key: r.description for r in g.rules} for g in state.groups}


def test_reads_every_group_rule_nic_and_prefix_list_exactly():
    source = estate()
    with served(source) as ecs:
        result = read_live(config(ecs.endpoint))
    state = result.state
    assert len(state.groups) == len(source.groups) == 52
    assert _rules(state) == _rules(source)
    assert state.rule_count == source.rule_count
    assert {m.nic: m.groups for m in state.members} == {m.nic: m.groups for m in source.members}
    assert [p.cidrs for p in state.prefix_lists] == [p.cidrs for p in source.prefix_lists]
    assert result.loaded.warnings == []
    # signed with the key of the default chain (here: the environment)
    assert set(ecs.auth_seen) == {TEST_ACCESS_KEY_ID}


def test_quirks_of_the_api_are_absorbed():
    """The endpoint answers like the API: TCP/Accept capitalised, Priority as text, bare IPs."""
    with served(prod_state()) as ecs:
        body = ecs.store.describe_security_group_attribute(
            {"RegionId": "cn-hangzhou", "SecurityGroupId": "sg-bp1c3x8jfk2a0app02"}
        )
        state = read_live(config(ecs.endpoint)).state
    perms = body["Permissions"]["Permission"]
    assert any(isinstance(p["Priority"], str) for p in perms)
    assert any(p["IpProtocol"] == "TCP" for p in perms)
    assert any(p["DestCidrIp"] == "100.100.2.136" for p in perms)  # bare IP, no /32
    assert any(p["SourceGroupId"] == "" for p in perms)  # absent peers are empty strings
    assert _rules(state) == _rules(prod_state())


def test_paging_across_many_pages_of_groups_rules_and_nics():
    source = generate_estate(5, rules_per_group=35, nics_per_group=12)
    with served(source) as ecs:
        result = read_live(config(ecs.endpoint, list_page_size=7, page_size=10))
    assert _rules(result.state) == _rules(source)
    assert len(result.state.members) == len(source.members) == 600
    calls = ecs.calls
    assert calls[("DescribeSecurityGroups", "ok")] == math.ceil(52 / 7)
    pages = sum(max(1, math.ceil(len(g.rules) / 10)) for g in source.groups)
    assert calls[("DescribeSecurityGroupAttribute", "ok")] == pages == 50 * 4 + 2
    assert calls[("DescribeNetworkInterfaces", "ok")] == 2  # 500 a page
    assert result.stats.calls == ecs.total("ok")


def test_filters_by_vpc_and_ids():
    source = estate()
    prod_vpc = next(g.vpc_id for g in source.groups if g.name.startswith("prod-"))
    with served(source) as ecs:
        by_vpc = read_live(config(ecs.endpoint), Filters(vpc_id=prod_vpc)).state
        some = [g.id for g in source.groups[:3]]
        by_ids = read_live(config(ecs.endpoint), Filters(group_ids=some)).state
    assert {g.vpc_id for g in by_vpc.groups} == {prod_vpc}
    assert len(by_vpc.groups) == 26
    assert sorted(g.id for g in by_ids.groups) == sorted(some)


@pytest.mark.parametrize(
    "code", ["Throttling", "Rejected.Throttling", "ServiceUnavailable", "InternalError", "drop"]
)
def test_every_retryable_error_is_recovered(code):
    faults = Faults(fail_first={"DescribeSecurityGroups": [code, code],
                                "DescribeSecurityGroupAttribute": [code]})  # fmt: skip
    with served(prod_state(), faults) as ecs:
        result = read_live(config(ecs.endpoint))
    assert _rules(result.state) == _rules(prod_state())
    counted = "ConnectionError" if code == "drop" else code
    assert result.stats.retries[counted] == 3
    outcome = "dropped" if code == "drop" else code
    assert ecs.calls[("DescribeSecurityGroups", outcome)] == 2


def test_random_faults_still_give_the_identical_state():
    faults = Faults(throttle_rate=0.25, unavailable_rate=0.05, drop_rate=0.03, seed=5)
    with served(estate()) as ecs:
        clean = read_live(config(ecs.endpoint)).state
    with served(estate(), faults) as ecs:
        noisy = read_live(config(ecs.endpoint))
    assert noisy.stats.retry_count > 10
    assert snapshot.dumps(noisy.state) == snapshot.dumps(clean)


def test_retries_give_up_with_a_clear_error():
    faults = Faults(throttle_rate=1.0)
    with served(prod_state(), faults) as ecs, pytest.raises(LiveReadError) as info:
        read_live(config(ecs.endpoint, max_attempts=3))
    text = str(info.value)
    assert "DescribeSecurityGroups for cn-hangzhou failed with Throttling (HTTP 400) after 3 " \
           "attempts" in text  # fmt: skip
    assert "nothing written" in text


@pytest.mark.parametrize(
    ("faults", "store", "expected"),
    [
        (Faults(group_errors={"sg-bp1c3x8jfk2a0web01": "InvalidSecurityGroupId.NotFound"}), {},
         "DescribeSecurityGroupAttribute for sg-bp1c3x8jfk2a0web01 failed with "
         "InvalidSecurityGroupId.NotFound (HTTP 404): the group does not exist in this region"),
        (Faults(action_errors={"DescribeSecurityGroupAttribute": "Forbidden.RAM"}), {},
         "failed with Forbidden.RAM (HTTP 403): the credentials are not allowed to read it; "
         "grant ecs:Describe*"),
        (Faults(), {"access_keys": frozenset({"someone-else-key-id"})},
         "DescribeSecurityGroups for cn-hangzhou failed with InvalidAccessKeyId.NotFound "
         "(HTTP 404): the AccessKey ID is unknown"),
    ],
)  # fmt: skip
def test_fatal_errors_fail_at_once_with_what_to_do(faults, store, expected):
    with served(prod_state(), faults, **store) as ecs:
        with pytest.raises(LiveReadError) as info:
            read_live(config(ecs.endpoint))
        retried = ecs.total() - ecs.total("ok")
    text = str(info.value)
    assert expected in text
    assert "attempts" not in text  # not retried
    failed = [f for f in info.value.failures]
    assert all(f.attempts == 1 for f in failed)
    assert retried == len(failed)


def test_a_failed_group_fails_the_whole_read_listing_every_failure():
    ids = ["sg-bp1c3x8jfk2a0web01", "sg-bp1c3x8jfk2a0app02"]
    faults = Faults(group_errors={i: "InvalidSecurityGroupId.NotFound" for i in ids})
    with served(prod_state(), faults) as ecs, pytest.raises(LiveReadError) as info:
        read_live(config(ecs.endpoint))
    assert sorted(f.target for f in info.value.failures) == sorted(ids)
    assert "(2 calls)" in str(info.value)


def test_a_managed_group_is_read_as_read_only_and_the_planner_refuses_to_write_it():
    with served(estate()) as ecs:
        state = read_live(config(ecs.endpoint)).state
    managed = [g for g in state.groups if g.managed]
    assert [g.name for g in managed] == ["sg-cfw-prod", "sg-cfw-staging"]
    assert managed[0].live.service_id == 7712340001  # an int, as the SDK types it
    extra = Rule.model_validate({"direction": "ingress", "protocol": "tcp", "ports": "22",
                                 "peer": "192.168.0.0/16"})  # fmt: skip
    wanted = state.model_copy(update={"groups": tuple(
        g.model_copy(update={"rules": (*g.rules, extra)}) if g.id == managed[0].id else g
        for g in state.groups)})  # fmt: skip
    plan = diff_states(state, wanted, PlanOptions())
    assert plan.blocked
    assert any(f.name == "managed-group" for f in plan.findings)


def test_live_then_snapshot_then_plan_shows_no_changes(tmp_path):
    with served(estate()) as ecs:
        state = read_live(config(ecs.endpoint)).state
    path = tmp_path / "estate.json"
    assert snapshot.write(state, path)
    assert not snapshot.write(read_live_again(), path)  # a second pull changes nothing
    back = snapshot.read(path)
    plan = diff_states(back, estate())
    assert not plan.has_changes, plan.counts
    assert not diff_states(estate(), back).has_changes


def read_live_again():
    with served(estate()) as ecs:
        return read_live(config(ecs.endpoint)).state


def test_no_credential_is_ever_printed_or_logged(caplog, capsys):
    caplog.set_level(logging.DEBUG)
    faults = Faults(throttle_rate=0.3, seed=2,
                    action_errors={"DescribeNetworkInterfaces": "Forbidden.RAM"})  # fmt: skip
    with served(prod_state(), faults) as ecs, pytest.raises(LiveReadError) as info:
        read_live(config(ecs.endpoint))
    seen = str(info.value) + repr(info.value.failures) + caplog.text
    seen += "".join(capsys.readouterr())
    assert TEST_ACCESS_KEY_SECRET not in seen
    assert TEST_ACCESS_KEY_ID not in seen
    assert "Forbidden.RAM" in seen
