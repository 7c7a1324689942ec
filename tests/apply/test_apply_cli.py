"""``sgplan plan --out`` and ``sgplan apply`` end to end through the CLI against the local
endpoint: pull, edit the stack, plan, apply, plan again; and every bad plan file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sgplan.cli import app
from sgplan.formats import snapshot
from tests.live.helpers import prod_state, served

runner = CliRunner()


def _stack_file(pulled: Path, out: Path, edit=None) -> Path:
    """A stack file holding what was pulled (managed groups left out), then edited."""
    state = snapshot.read(pulled)
    groups = []
    for g in state.groups:
        if g.managed:
            continue
        d = g.model_dump(mode="json", exclude_none=True)
        d.pop("live", None)
        d["rules"] = [{k: v for k, v in r.items() if k != "rule_id"} for r in d["rules"]
                      if r["priority"] <= 100]  # legacy 110 rules cannot be declared  # fmt: skip
        groups.append(d)
    lists = [p.model_dump(mode="json", exclude_none=True) for p in state.prefix_lists]
    data = {"name": "prod", "region": state.region, "groups": groups, "prefix_lists": lists}
    if edit:
        edit(data)
    out.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    return out


def _edit(data):
    web = next(g for g in data["groups"] if g["name"] == "prod-shop-web-sg")
    web["rules"].append({"direction": "ingress", "protocol": "tcp", "ports": "8443",
                         "peer": "203.0.113.0/24", "description": "partner API"})  # fmt: skip
    web["rules"][0]["description"] = "HTTPS from the internet (reviewed)"
    db = next(g for g in data["groups"] if g["name"] == "prod-mysql-db-sg")
    db["rules"] = [r for r in db["rules"] if r.get("peer") != "0.0.0.0/0"]


@pytest.fixture
def estate(tmp_path):
    with served(prod_state()) as ecs:
        env = {"SGPLAN_ECS_ENDPOINT": ecs.endpoint, "SGPLAN_ECS_RATE": "1000"}
        pulled = tmp_path / "pulled.json"
        result = runner.invoke(app, ["pull", "--stack", "prod", "--out", str(pulled)], env=env)
        assert result.exit_code == 0, result.output
        stack = _stack_file(pulled, tmp_path / "stack.json", _edit)
        plan = tmp_path / "plan.json"
        result = runner.invoke(
            app, ["plan", "-s", str(stack), "--live", "--out", str(plan)], env=env
        )
        assert result.exit_code == 0, result.output
        assert "saved plan written to" in result.output
        yield ecs, env, stack, plan


def _apply(env, *args):
    return runner.invoke(app, ["apply", *args], env=env)


def test_pull_edit_plan_apply_then_no_changes(estate):
    _ecs, env, stack, plan = estate
    result = _apply(env, str(plan), "--yes")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "+ ingress accept tcp 8443 from 203.0.113.0/24" in out  # the plan is shown first
    assert "[1/" in out and "ok AuthorizeSecurityGroup prod-shop-web-sg" in out  # progress lines
    assert "Applied: 1 rules added, 1 changed, " in out
    again = runner.invoke(app, ["plan", "-s", str(stack), "--live"], env=env)
    assert again.exit_code == 0, again.output
    assert "No changes." in again.output
    repeat = _apply(env, str(plan), "--yes")  # the same plan again: the cloud moved on
    assert repeat.exit_code == 1
    assert "plan is stale" in repeat.output


def _nothing_applied(ecs) -> None:
    assert [r for r in ecs.store.writes.log] == []


def test_a_stale_plan_is_refused_naming_the_group_and_what_changed(estate):
    ecs, env, _, plan = estate
    db = next(
        sg
        for sg, g in ecs.store.groups.items()
        if g["item"]["SecurityGroupName"] == "prod-mysql-db-sg"
    )
    ecs.store.call("AuthorizeSecurityGroup", {"RegionId": "cn-hangzhou", "SecurityGroupId": db,
                   "Permissions.1.IpProtocol": "tcp", "Permissions.1.PortRange": "3306/3306",
                   "Permissions.1.SourceCidrIp": "10.99.0.0/16"})  # fmt: skip
    ecs.store.writes.log.clear()
    result = _apply(env, str(plan), "--yes")
    assert result.exit_code == 1
    assert (
        "plan is stale: prod-mysql-db-sg changed since the plan: 1 rule added outside sgplan"
        in result.output
    )
    assert "nothing was applied; plan again" in result.output
    _nothing_applied(ecs)


def _rewrite(plan: Path, change) -> None:
    doc = json.loads(plan.read_text())
    change(doc)
    plan.write_text(json.dumps(doc))


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("other-stack", "the plan file is for stack prod, not staging"),
        ("other-region", "the plan file is for region cn-hangzhou, not cn-shanghai"),
        ("truncated", "is not a complete plan file (truncated or not JSON"),
        ("hand-edited", "was changed after `sgplan plan` wrote it (checksum mismatch)"),
        ("old-schema", "is a saved plan of schema version 0; this sgplan applies version 1 only"),
        ("rendering", "is a plan rendering without the saved-plan section"),
        ("not-a-plan", "is not an sgplan plan file"),
        ("missing", "no such plan file"),
        ("stack-edited", "changed since the plan was made; nothing was applied; plan again"),
        (
            "no-confirmation",
            "not applying without confirmation: stdin is not a terminal; pass --yes",
        ),
    ],
)
def test_bad_plan_files_are_refused_with_a_clear_error_and_nothing_applied(estate, case, message):
    ecs, env, stack, plan = estate
    args = [str(plan), "--yes"]
    if case == "other-stack":
        args += ["--stack", "staging"]
    elif case == "other-region":
        args += ["--region", "cn-shanghai"]
    elif case == "truncated":
        plan.write_text(plan.read_text()[: len(plan.read_text()) // 2])
    elif case == "hand-edited":
        _rewrite(plan, lambda d: d["saved"]["groups"][0]["add"].append(d["saved"]["groups"][0]["add"][0])
                 if d["saved"]["groups"][0]["add"] else d["saved"]["groups"][0]["remove"].clear())  # fmt: skip
        _rewrite(plan, lambda d: d["summary"].update(add=99))
    elif case == "old-schema":
        _rewrite(plan, lambda d: d["saved"].update(schema_version=0))
    elif case == "rendering":
        _rewrite(plan, lambda d: d.pop("saved"))
    elif case == "not-a-plan":
        plan.write_text('{"version": 1, "groups": []}')
    elif case == "missing":
        plan.unlink()
    elif case == "stack-edited":
        data = json.loads(stack.read_text())
        data["groups"][0]["description"] = "edited after the plan"
        stack.write_text(json.dumps(data))
    elif case == "no-confirmation":
        args.remove("--yes")
    result = _apply(env, *args)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    _nothing_applied(ecs)


def test_plan_out_with_format_json_is_a_saved_plan_and_markdown_out_is_unchanged(estate, tmp_path):
    _ecs, env, stack, plan = estate
    doc = json.loads(plan.read_text())
    assert doc["format"] == "sgplan-plan" and doc["saved"]["schema_version"] == 1
    touched = {g["name"]: g["fingerprint"] for g in doc["saved"]["groups"]}
    assert set(touched) == {"prod-shop-web-sg", "prod-mysql-db-sg"}
    assert all(f.startswith("sha256:") for f in touched.values())
    md = tmp_path / "plan.md"
    result = runner.invoke(
        app, ["plan", "-s", str(stack), "--live", "-f", "markdown", "-o", str(md)], env=env
    )
    assert result.exit_code == 0 and "<details>" in md.read_text()


def test_a_plan_with_gates_without_consent_is_refused_by_apply(tmp_path):
    with served(prod_state()) as ecs:
        env = {"SGPLAN_ECS_ENDPOINT": ecs.endpoint, "SGPLAN_ECS_RATE": "1000"}
        pulled = tmp_path / "pulled.json"
        assert (
            runner.invoke(app, ["pull", "--stack", "prod", "--out", str(pulled)], env=env).exit_code
            == 0
        )

        def drop_a_group(data):
            data["groups"] = [g for g in data["groups"] if g["name"] != "prod-shop-app-sg"]

        stack = _stack_file(pulled, tmp_path / "stack.json", drop_a_group)
        plan = tmp_path / "plan.json"
        planned = runner.invoke(
            app, ["plan", "-s", str(stack), "--live", "--out", str(plan)], env=env
        )
        assert planned.exit_code == 1, planned.output  # blocked: deleting needs --allow-destroy
        result = _apply(env, str(plan), "--yes")
        assert result.exit_code == 1
        assert (
            "the plan has refusals or gates without consent; nothing was changed" in result.output
        )
        assert "allow with --allow-destroy" in result.output
        _nothing_applied(ecs)


def test_plan_says_before_any_call_when_no_safe_order_exists(tmp_path):
    from sgplan.formats import snapshot as snap
    from tests.apply.helpers import group_data, live_state, numbered

    old = numbered(200)
    state = live_state(group_data("test-web-sg", old))
    current = tmp_path / "state.json"
    snap.write(state, current)
    want = {"name": "test", "region": "cn-hangzhou", "groups": [
        group_data("test-web-sg", [*old[1:], {**old[0], "priority": 2}], id=state.groups[0].id)]}  # fmt: skip
    stack = tmp_path / "stack.json"
    stack.write_text(json.dumps(want))
    result = runner.invoke(app, ["plan", "-s", str(stack), "-c", str(current)])
    assert result.exit_code == 1, result.output
    assert "apply-order" in result.output
    assert "no order of calls keeps it under its limits" in result.output
