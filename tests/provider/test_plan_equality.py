"""One number everywhere: ``sgplan plan --format json`` and the provider's Diff over gRPC
agree, group by group, on the rules to add, remove and re-describe, in both modes, for every
bundled stack (prod against its brownfield snapshot; dev and staging against a live state
made from them and then edited by hand) and for generated estates."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from live.helpers import REGION, served
from typer.testing import CliRunner

from sgplan.cli import app
from sgplan.formats import snapshot
from sgplan.load import load_stack
from sgplan.localecs import EcsStore, LocalEcs
from sgplan.localecs.estate import generate_estate
from sgplan.localecs.writes import state_of
from sgplan.model.group import SecurityGroup
from sgplan.model.rule import Rule
from sgplan.model.stack import Stack, State
from sgplan.plan import PlanOptions, apply_plan, plan_stack
from sgplan.plan.planner import Resolver
from sgplan.provider.inputs import rule_name

from .harness import ROOT, Plugin, plugin
from .scenarios import inputs_for, json_rule

runner = CliRunner()


@pytest.fixture(scope="module")
def env() -> Iterator[tuple[LocalEcs, Plugin]]:
    with served(State(region=REGION)) as ecs, plugin(ecs.endpoint) as p:
        p.configure(region=REGION)
        yield ecs, p


Changes = dict[str, tuple[set[object], set[str], set[str]]]


def cli_plan(tmp: Path, stack: Stack, state: State, mode: str) -> tuple[Changes, dict]:
    """Per group: (identities added, rule IDs removed, rule IDs re-described), from the CLI."""
    stack_file, state_file = tmp / f"{stack.name}-stack.json", tmp / f"{stack.name}-state.json"
    stack_file.write_text(json.dumps(stack.model_dump(mode="json", exclude_none=True)))
    snapshot.write(state, state_file)
    result = runner.invoke(app, ["plan", "--stack", str(stack_file), "--current",
                                 str(state_file), "--format", "json", "--mode", mode])  # fmt: skip
    assert result.exit_code in (0, 1, 2), result.output
    doc = json.loads(result.stdout)
    ids = {g.name: g.id or "" for g in state.groups}
    ids |= {f"prefix-list:{p.name}": p.id or "" for p in state.prefix_lists}
    out: Changes = {}
    for g in doc["groups"]:
        if g["action"] not in ("update", "no-op"):
            continue
        out[g["name"]] = (
            {json_rule(r, ids).key for r in g["add"]},
            {r["SecurityGroupRuleId"] for r in g["remove"]},
            {u["rule"]["SecurityGroupRuleId"] for u in g["update"]},
        )
    return out, doc


def provider_diffs(p: Plugin, stack: Stack, state: State, mode: str) -> Changes:
    """The same, from the provider's Diff of each group's RuleSet (as the program wires it)."""
    ids = {g.name: g.id or "" for g in state.groups}
    lists = {pl.name: pl.id or "" for pl in state.prefix_lists}
    by_name = {g.name: g for g in state.groups}
    out: Changes = {}
    for g in stack.groups:
        live = by_name.get(g.name)
        if live is None or live.managed or not live.id:
            continue
        news = inputs_for(g, live.id, ids, lists, mode)
        diff = p.diff(g.name, live.id, {}, news)
        live_by_name = {rule_name(r): r for r in live.rules}
        declared = {rule_name(r): r for r in g.rules}
        adds, removes, updates = set(), set(), set()
        for prop, kind in diff.detailed.items():
            name = prop.split('"')[1]
            if kind == "add":
                wanted = news["rules"][name]
                adds.add(Rule.model_validate(_fields(wanted)).key)
            elif kind == "delete":
                removes.add(live_by_name[name].rule_id or "")
            else:
                key = declared[name]
                match = next(r for r in live.rules if _resolved_key(key, ids, lists) == r.key)
                updates.add(match.rule_id or "")
        out[g.name] = (adds, removes, updates)
    return out


def _fields(data: dict) -> dict:
    names = {"nicType": "nic_type", "sourcePorts": "source_ports", "localCidr": "local_cidr"}
    return {names.get(k, k): v for k, v in data.items()}


def _resolved_key(rule: Rule, ids: dict, lists: dict) -> object:
    return Resolver(ids, lists).key(rule)


def agree(ecs: LocalEcs, p: Plugin, tmp: Path, stack: Stack, state: State) -> int:
    ecs.store = EcsStore.from_state(state)
    state = state_of(ecs.store)  # what is live, rule IDs as the endpoint assigned them
    total = 0
    for mode in ("sync", "additive"):
        cli, doc = cli_plan(tmp, stack, state, mode)
        ours = provider_diffs(p, stack, state, mode)
        assert ours == {k: v for k, v in cli.items() if k in ours}, mode
        assert set(cli) <= set(ours) | {g.name for g in state.groups if g.managed}
        total += sum(len(a) + len(r) + len(u) for a, r, u in ours.values())
        assert doc["mode"] == mode
    return total


def edited_live(stack: Stack, seed: int) -> State:
    """A live state for ``stack``: applied, then edited by hand (rules dropped, descriptions
    changed, rules added outside the stack)."""
    empty = State(region=stack.region)
    applied = apply_plan(plan_stack(stack, empty, PlanOptions()), empty)
    rng = random.Random(seed)
    groups = []
    for n, g in enumerate(applied.groups):
        rules = []
        for i, r in enumerate(g.rules):
            r = r.model_copy(update={"rule_id": f"sgr-{n}x{i}"})
            roll = rng.random()
            if roll < 0.2:
                continue  # deleted in the console
            if roll < 0.35:
                r = r.model_copy(update={"description": "edited by hand"})
            rules.append(r)
        rules.append(Rule.model_validate({"direction": "ingress", "protocol": "tcp",
                                          "ports": 3306 + n, "peer": "0.0.0.0/0",
                                          "rule_id": f"sgr-{n}drift"}))  # fmt: skip
        gid = f"sg-bp1{n:04d}{abs(hash(g.name)) % 10**8:08d}"
        groups.append(g.model_copy(update={"id": gid, "rules": tuple(rules)}))
    return State(region=stack.region, groups=tuple(groups), prefix_lists=applied.prefix_lists)


@pytest.mark.parametrize("name", ["prod", "staging", "dev"])
def test_cli_plan_and_provider_diffs_are_equal_for_bundled_stacks(env, tmp_path, name):
    ecs, p = env
    stack = load_stack(name, ROOT)
    if name == "prod":
        state = snapshot.read(ROOT / "state" / "prod.json")
        # the group the stack creates exists once pulumi-alicloud made it (empty)
        redis = stack.group("prod-redis-cache-sg").model_copy(
            update={"id": "sg-bp1redisnew000001", "rules": ()})  # fmt: skip
        state = state.model_copy(update={"groups": (*state.groups, redis)})
    else:
        state = _with_ids(stack, edited_live(stack, seed=len(name)))
    assert agree(ecs, p, tmp_path, stack, state) > 0


def _with_ids(stack: Stack, state: State) -> State:
    """Group peers of the applied state point at the placeholder IDs; give them real ones."""
    mapping = {g.id: f"sg-bp1{i:015d}" for i, g in enumerate(state.groups) if g.id}
    groups = []
    for g in state.groups:
        rules = tuple(
            r.model_copy(update={"peer": r.peer.__class__("group_id", mapping[r.peer.value])})
            if r.peer.kind == "group_id" and r.peer.value in mapping else r
            for r in g.rules
        )  # fmt: skip
        groups.append(g.model_copy(update={"id": mapping[g.id or ""], "rules": rules}))
    return state.model_copy(update={"groups": tuple(groups)})


def desired_from(state: State, draw: st.DrawFn) -> Stack:
    groups: list[SecurityGroup] = []
    for g in state.groups:
        if g.managed:
            continue
        keep = [r for r in g.rules if r.priority <= 100 and draw(st.booleans())]
        keep = [r.model_copy(update={"description": "re-described", "rule_id": None})
                if draw(st.integers(0, 4)) == 0 else r.model_copy(update={"rule_id": None})
                for r in keep]  # fmt: skip
        extra = draw(st.lists(st.integers(2000, 2100), max_size=3, unique=True))
        keep += [Rule.model_validate({"direction": "ingress", "protocol": "udp", "ports": port,
                                      "peer": "10.1.0.0/16"}) for port in extra]  # fmt: skip
        groups.append(g.model_copy(update={"id": None, "live": None, "rules": tuple(keep)}))
    return Stack(name="generated", region=REGION, environment="prod", groups=tuple(groups))


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(st.data())
def test_cli_plan_and_provider_diffs_are_equal_for_generated_estates(env, tmp_path, data):
    ecs, p = env
    state = generate_estate(1)
    stack = desired_from(state, data.draw)
    agree(ecs, p, tmp_path, stack, state)
