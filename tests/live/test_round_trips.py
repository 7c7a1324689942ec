"""Round trips on a realistic estate of 52 groups read live through the SDK:
live -> snapshot -> plan, live -> import -> plan, live -> export -> import -> plan."""

from __future__ import annotations

from typer.testing import CliRunner

from sgplan.cli import app
from sgplan.formats import snapshot
from sgplan.formats.current import load_current
from sgplan.live import read_live
from sgplan.load import load_stack
from tests.codegen.helpers import assert_no_changes, sync_plan
from tests.live.helpers import config, estate, served

runner = CliRunner()


def _live():
    with served(estate()) as ecs:
        return read_live(config(ecs.endpoint)).state


def test_live_import_plan_shows_no_changes_for_the_whole_region(tmp_path):
    out = tmp_path / "estate.py"
    with served(estate()) as ecs:
        result = runner.invoke(app, [
            "import", "--live", "--region", "cn-hangzhou", "--endpoint", ecs.endpoint,
            "--name", "estate", "--include-managed", "--out", str(out),
        ])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "shows no changes" in result.output
    stack = load_stack(out)
    assert len(stack.groups) == 52
    assert_no_changes(sync_plan(stack, _live()))


def test_live_import_of_one_vpc_as_the_prod_stack(tmp_path):
    out = tmp_path / "prod.py"
    vpc = next(g.vpc_id for g in estate().groups if g.name.startswith("prod-"))
    with served(estate()) as ecs:
        result = runner.invoke(app, [
            "import", "--live", "--region", "cn-hangzhou", "--vpc", vpc,
            "--endpoint", ecs.endpoint, "--name", "prod", "--out", str(out),
        ])  # fmt: skip
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "svc.HTTPS" in text and "svc.SSH" in text  # services by name
    assert "拒绝其他访问" in text  # descriptions kept
    stack = load_stack(out)
    assert len(stack.groups) == 25  # the managed Cloud Firewall group is left out
    plan = sync_plan(stack, _live())
    assert_no_changes(plan)


def test_live_snapshot_export_import_plan_shows_no_rule_changes(tmp_path):
    live = _live()
    snap = tmp_path / "estate.json"
    snapshot.write(live, snap)
    files = tmp_path / "console"
    exported = runner.invoke(app, ["export", "--current", str(snap), "--out", str(files),
                                   "--format", "json", "--date", "2026-12-02"])  # fmt: skip
    assert exported.exit_code == 0, exported.output
    assert len(list(files.glob("ecs_cn-hangzhou_sg-*.json"))) == 52
    back = load_current([files]).state
    assert {g.id: {r.key for r in g.rules} for g in back.groups} == {
        g.id: {r.key for r in g.rules} for g in live.groups
    }
    module = tmp_path / "from_console.py"
    imported = runner.invoke(app, ["import", "--from", str(files), "--name", "estate",
                                   "--include-managed", "--out", str(module)])  # fmt: skip
    assert imported.exit_code == 0, imported.output
    # against the state its files hold, the generated stack changes nothing
    assert_no_changes(sync_plan(load_stack(module), back))
    # against live, only what console files do not carry differs: tags, never a rule
    plan = sync_plan(load_stack(module), live)
    assert not any(g.add or g.remove or g.update for g in plan.groups)
