"""The provider over real gRPC, as the Pulumi engine drives it, against the local endpoint.

For each scenario the plugin (``python provider/``) is called with the SDK's own
``ResourceProviderStub``: the Diff's detailed diff is exactly the planner's rules for the
group, the writes the endpoint received are exactly the plan's add/remove/update sets, and
a second Diff reports no changes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from live.helpers import REGION, config, prod_state, served

from sgplan.apply import connect
from sgplan.load import load_stack
from sgplan.localecs import EcsStore, LocalEcs
from sgplan.model.group import LiveInfo, SecurityGroup
from sgplan.model.rule import Rule
from sgplan.model.stack import State
from sgplan.plan import PlanOptions, plan_stack
from sgplan.plan.planner import IDENTITY, Resolver, plan_group
from sgplan.provider.inputs import path, rule_name

from .harness import ROOT, Plugin, plugin
from .scenarios import expected_paths, inputs_for, plan_sets, written


@pytest.fixture(scope="module")
def env() -> Iterator[tuple[LocalEcs, Plugin]]:
    with served(State(region=REGION)) as ecs, plugin(ecs.endpoint) as p:
        p.configure(region=REGION)
        yield ecs, p


def reset(ecs: LocalEcs, state: State) -> None:
    ecs.store = EcsStore.from_state(state)


def live(ecs: LocalEcs) -> dict[str, SecurityGroup]:
    writer = connect(config(ecs.endpoint))
    return {sg: g for sg in ecs.store.groups if (g := writer.read_group(sg)) is not None}


def apply_and_check(ecs: LocalEcs, p: Plugin, name: str, news: dict, gplan, resolver: Resolver,
                    olds: dict | None = None) -> dict:  # fmt: skip
    """Diff (= the plan), Create/Update (writes = the plan), Diff again (= nothing)."""
    sg = news["groupId"]
    diff = p.diff(name, sg, olds or {}, news)
    assert diff.detailed == expected_paths(gplan), name
    assert diff.changes == bool(expected_paths(gplan))
    since = len(ecs.store.writes.log)
    if olds is None:
        rid, props = p.create(name, news)
        assert rid == sg
    else:
        props = p.update(name, sg, olds, news)
    got, _ = written(ecs, since, live(ecs))
    want = plan_sets(gplan, resolver)
    assert (got.add, got.remove, got.update) == (want.add, want.remove, want.update), name
    again = p.diff(name, sg, props, news)
    assert (again.changes, again.detailed) == (False, {}), name
    return props


def test_schema_and_configure_over_grpc(env):
    _, p = env
    schema = json.loads(p.get_schema())
    ruleset = schema["resources"]["sgplan:ecs:RuleSet"]
    assert set(ruleset["requiredInputs"]) == {"groupId", "region", "rules"}
    assert {"ruleIds", "counts", "fingerprint", "appliedRuleIds"} <= set(ruleset["properties"])
    assert schema["config"]["variables"]["accessKeySecret"]["secret"] is True


def test_prod_brownfield_snapshot_writes_exactly_the_cli_plan(env):
    ecs, p = env
    state, stack = prod_state(), load_stack("prod", ROOT)
    reset(ecs, state)
    writer = connect(config(ecs.endpoint))
    # pulumi-alicloud's part: the prefix list is updated and the new group is created first
    new = next(g for g in stack.groups if g.name == "prod-redis-cache-sg")
    redis = writer.create_group(new.model_copy(update={"rules": ()}))
    plan = plan_stack(stack, state, PlanOptions(mode="sync"))
    assert plan.counts == (7, 4, 8)
    ids = {g.name: g.id for g in state.groups if g.id} | {"prod-redis-cache-sg": redis}
    lists = {pl.name: pl.id for pl in state.prefix_lists if pl.id}
    resolver = Resolver(ids, lists)
    removed = updated = 0
    for g in plan.groups:
        if g.desired is None or g.action == "read-only":
            continue
        news = inputs_for(g.desired, ids[g.name], ids, lists)
        gplan = g
        if g.action == "create":  # planned against the now-empty group alicloud made
            gplan = plan_group(g.desired, writer.read_group(redis), resolver, PlanOptions())
        props = apply_and_check(ecs, p, g.name, news, gplan, resolver)
        removed += int(props["counts"]["removed"])
        updated += int(props["counts"]["updated"])
        assert set(props["ruleIds"]) == set(news["rules"])
        assert all(v.startswith("sgr-") for v in props["ruleIds"].values())
    assert (removed, updated) == (8, 2)  # the 8 removals the plan promised, done
    mysql = live(ecs)["sg-bp1c3x8jfk2a0sql03"]
    assert not any(str(r.peer) == "0.0.0.0/0" for r in mysql.rules)


def lone_state(rules: list[Rule], sg: str = "sg-lone1") -> State:
    group = SecurityGroup(name="lone-web-app-sg", id=sg, vpc_id="vpc-1", description="lone",
                          rules=tuple(r.model_copy(update={"rule_id": f"sgr-lone{i}"})
                                      for i, r in enumerate(rules)))  # fmt: skip
    return State(region=REGION, groups=(group,))


def rule(port: int, peer: str = "10.0.0.0/8", **extra: object) -> Rule:
    return Rule.model_validate({"direction": "ingress", "protocol": "tcp", "ports": port,
                                "peer": peer, **extra})  # fmt: skip


def desired(rules: list[Rule]) -> SecurityGroup:
    return SecurityGroup(name="lone-web-app-sg", vpc_id="vpc-1", rules=tuple(rules))


def plan_for(ecs: LocalEcs, rules: list[Rule], mode: str = "sync"):
    writer = connect(config(ecs.endpoint))
    return plan_group(desired(rules), writer.read_group("sg-lone1"), IDENTITY,
                      PlanOptions(mode=mode))  # type: ignore[arg-type]  # fmt: skip


def test_adoption_by_import_reads_the_live_rules_as_inputs(env):
    ecs, p = env
    reset(ecs, lone_state([rule(22, description="ssh"), rule(443)]))
    rid, props, inputs = p.read("lone", "sg-lone1")
    assert rid == "sg-lone1" and inputs["groupName"] == "lone-web-app-sg"
    assert set(inputs["rules"]) == {rule_name(rule(22)), rule_name(rule(443))}
    assert props["ruleIds"] == {rule_name(rule(22)): "sgr-lone0", rule_name(rule(443)): "sgr-lone1"}
    assert props["appliedRuleIds"] == {}  # adopted, not authorized: destroy leaves them
    same = p.diff("lone", rid, props, inputs)
    assert (same.changes, same.detailed) == (False, {})
    wanted = [rule(22, description="ssh"), rule(8443)]
    news = inputs_for(desired(wanted), "sg-lone1", {})
    props = apply_and_check(ecs, p, "lone", news, plan_for(ecs, wanted), IDENTITY, olds=props)
    assert list(props["appliedRuleIds"]) == [rule_name(rule(8443))]


def test_drift_outside_the_stack_shows_on_refresh_and_sync_removes_it(env):
    ecs, p = env
    wanted = [rule(22), rule(443)]
    reset(ecs, lone_state(wanted))
    news = inputs_for(desired(wanted), "sg-lone1", {})
    _, props = p.create("lone", news)
    outside = rule(3306, "0.0.0.0/0", description="by hand")
    connect(config(ecs.endpoint)).authorize("sg-lone1", "ingress", [outside])
    _, refreshed, kept = p.read("lone", "sg-lone1", props, news)
    assert rule_name(outside) in refreshed["rules"] and kept["rules"] == news["rules"]
    additive = {**news, "mode": "additive"}
    quiet = p.diff("lone", "sg-lone1", refreshed, additive)
    assert quiet.detailed == {"mode": "update"}  # additive never removes what it was not given
    apply_and_check(ecs, p, "lone", news, plan_for(ecs, wanted), IDENTITY, olds=refreshed)


def test_description_edit_is_one_in_place_update(env):
    ecs, p = env
    before = [rule(22, description="ssh"), rule(443, description="web")]
    reset(ecs, lone_state(before))
    olds = inputs_for(desired(before), "sg-lone1", {})
    after = [rule(22, description="ssh from ops"), rule(443, description="web")]
    news = inputs_for(desired(after), "sg-lone1", {})
    gplan = plan_for(ecs, after)
    assert expected_paths(gplan) == {path(rule_name(rule(22)), "description"): "update"}
    since = len(ecs.store.writes.log)
    apply_and_check(ecs, p, "lone", news, gplan, IDENTITY, olds=olds)
    assert [r.action for r in ecs.store.writes.log[since:]] == ["ModifySecurityGroupRule"]


def test_reordering_rules_changes_nothing(env):
    ecs, p = env
    rules = [rule(22), rule(80), rule(443), rule(8080)]
    reset(ecs, lone_state(rules))
    news = inputs_for(desired(list(reversed(rules))), "sg-lone1", {})
    olds = inputs_for(desired(rules), "sg-lone1", {})
    assert list(news["rules"]) != list(olds["rules"]) and news["rules"] == olds["rules"]
    diff = p.diff("lone", "sg-lone1", olds, news)
    assert (diff.changes, diff.detailed) == (False, {})


def test_a_five_tuple_rule_is_written_whole(env):
    ecs, p = env
    reset(ecs, lone_state([rule(443)]))
    five = rule(22, source_ports="1024-65535", local_cidr="192.168.1.0/24", description="5t")
    wanted = [rule(443), five]
    news = inputs_for(desired(wanted), "sg-lone1", {})
    apply_and_check(ecs, p, "lone", news, plan_for(ecs, wanted), IDENTITY)
    params = ecs.store.writes.log[-1].params
    assert params["Permissions.1.SourcePortRange"] == "1024/65535"
    assert params["Permissions.1.DestCidrIp"] == "192.168.1.0/24"


def test_a_group_at_199_rules_swaps_20_within_the_quota(env):
    ecs, p = env
    old = [rule(1000 + i) for i in range(199)]
    reset(ecs, lone_state(old))
    wanted = old[20:] + [rule(3000 + i) for i in range(20)]
    news = inputs_for(desired(wanted), "sg-lone1", {})
    props = apply_and_check(ecs, p, "lone", news, plan_for(ecs, wanted), IDENTITY)
    assert props["counts"]["live"] == 199 and len(props["appliedRuleIds"]) == 20


def test_delete_revokes_only_the_rules_this_rule_set_authorized(env):
    ecs, p = env
    adopted = [rule(22), rule(443)]
    reset(ecs, lone_state(adopted))
    wanted = [*adopted, rule(8443)]
    _, props = p.create("lone", inputs_for(desired(wanted), "sg-lone1", {}))
    assert list(props["appliedRuleIds"]) == [rule_name(rule(8443))]
    p.delete("lone", "sg-lone1", props)
    left = live(ecs)["sg-lone1"].rules
    assert {r.key for r in left} == {r.key for r in adopted}


def test_check_reports_every_problem_at_once_by_rule(env):
    _, p = env
    bad = {"groupId": "sg-lone1", "region": REGION, "mode": "merge", "rules": {
        "a": {"direction": "ingress", "protocol": "tcp", "ports": "70000", "peer": "0.0.0.0/0"},
        "b": {"direction": "sideways", "protocol": "tcp", "ports": "22", "peer": "10.0.0.0/8"},
        "c": {"direction": "ingress", "protocol": "icmp", "peer": "10.0.0.0/8", "colour": "red"},
    }}  # fmt: skip
    _, failures = p.check("lone", bad)
    props = sorted(f for f, _ in failures)
    assert props == ["mode", 'rules["a"].ports', 'rules["b"].direction', 'rules["c"].colour']
    assert all(reason for _, reason in failures)


def test_a_managed_group_is_refused_with_a_clear_message(env):
    ecs, p = env
    state = lone_state([rule(22)])
    info = LiveInfo(service_managed=True, service_id="cloudfw")
    managed = state.groups[0].model_copy(update={"live": info})
    reset(ecs, state.model_copy(update={"groups": (managed,)}))
    with pytest.raises(Exception) as exc:
        p.diff("lone", "sg-lone1", {}, inputs_for(desired([rule(443)]), "sg-lone1", {}))
    text = str(exc.value)
    assert "managed by cloudfw" in text and "Traceback" not in text and 'File "' not in text


def test_check_leaves_values_known_after_apply_for_later_and_checks_the_rest(env):
    _, p = env
    from sgplan.provider.values import UNKNOWN

    news = {"groupId": UNKNOWN, "region": REGION, "rules": {
        "peer-unknown": {"direction": "ingress", "protocol": "tcp", "ports": "22/22",
                         "peer": UNKNOWN},
        "bad": {"direction": "ingress", "protocol": "udp", "ports": "0/5", "peer": "10.0.0.0/8"},
    }}  # fmt: skip
    inputs, failures = p.check("new", news)
    assert [f for f, _ in failures] == ['rules["bad"].ports']
    assert inputs["rules"]["peer-unknown"]["peer"] is UNKNOWN


def test_previews_write_nothing_and_leave_outputs_unknown(env):
    ecs, p = env
    from sgplan.provider.values import UNKNOWN

    reset(ecs, lone_state([rule(22)]))
    since = len(ecs.store.writes.log)
    news = inputs_for(desired([rule(443)]), "sg-lone1", {})
    _, props = p.create("lone", {**news, "groupId": UNKNOWN}, preview=True)
    assert props["groupId"] is UNKNOWN and props["ruleIds"] is UNKNOWN
    diff = p.diff("lone", "sg-lone1", news, {**news, "groupId": UNKNOWN})
    assert diff.changes and diff.replaces == ["groupId"]
    props = p.update("lone", "sg-lone1", news, inputs_for(desired([rule(80)]), "sg-lone1", {}),
                     preview=True)  # fmt: skip
    assert props["counts"] is UNKNOWN
    assert len(ecs.store.writes.log) == since


def test_credentials_from_secret_config_never_reach_state_or_logs(env, tmp_path):
    ecs, _ = env
    reset(ecs, lone_state([rule(22)]))
    secret = "config-secret-never-shown-91c2"
    with plugin(
        ecs.endpoint, ALIBABA_CLOUD_ACCESS_KEY_ID="", ALIBABA_CLOUD_ACCESS_KEY_SECRET=""
    ) as q:
        q.configure(region=REGION, accessKeyId="cfg-key-id", accessKeySecret=secret)
        news = inputs_for(desired([rule(22), rule(443)]), "sg-lone1", {})
        _, props = q.create("lone", news)
        assert secret not in json.dumps(props)
        ecs.store.access_keys = frozenset({"someone-else"})  # the next call is refused
        with pytest.raises(Exception) as exc:
            q.diff("lone", "sg-lone1", props, news)
        assert secret not in str(exc.value)
        q.process.terminate()
        _, err = q.process.communicate(timeout=10)
        assert secret.encode() not in err
    assert "cfg-key-id" in ecs.auth_seen  # signed with the configured key, not the environment


def test_refresh_of_a_group_deleted_outside_the_stack_drops_the_rule_set(env):
    ecs, p = env
    reset(ecs, lone_state([rule(22)]))
    news = inputs_for(desired([rule(22)]), "sg-lone1", {})
    _, props = p.create("lone", news)
    ecs.store = EcsStore.from_state(State(region=REGION))
    rid, gone, _ = p.read("lone", "sg-lone1", props, news)
    assert rid == "" and gone == {}
    p.delete("lone", "sg-lone1", props)  # nothing left to revoke: not an error
