"""``sgplan pull`` and ``sgplan plan --live`` against the local endpoint, through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from typer.testing import CliRunner

from sgplan.cli import app
from sgplan.formats import snapshot
from sgplan.localecs import Faults
from tests.conftest import TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET
from tests.live.helpers import ROOT, estate, prod_state, served

runner = CliRunner()


def _pull(endpoint: str, *args: str):
    return runner.invoke(app, ["pull", "--endpoint", endpoint, "--rate", "1000", *args])


def test_pull_writes_the_stacks_snapshot_and_a_second_pull_changes_nothing(tmp_path):
    out = tmp_path / "prod.json"
    with served(prod_state()) as ecs:
        first = _pull(ecs.endpoint, "--stack", "prod", "--out", str(out), "--detailed-exitcode")
        second = _pull(ecs.endpoint, "--stack", "prod", "--out", str(out), "--detailed-exitcode")
    assert first.exit_code == 2, first.output
    assert "Read 6 groups, 30 rules, 9 NICs, 1 prefix list from cn-hangzhou" in first.output
    assert "(12 requests, 0 retries)" in first.output
    assert f"{out}: written" in first.output
    assert second.exit_code == 0, second.output
    assert f"{out}: unchanged" in second.output
    # the bundled snapshot is exactly what a pull of that estate writes
    assert out.read_text(encoding="utf-8") == (ROOT / "state" / "prod.json").read_text("utf-8")


def test_pull_by_region_and_vpc_without_a_stack(tmp_path):
    out = tmp_path / "estate.json"
    vpc = next(g.vpc_id for g in estate().groups if g.name.startswith("staging-"))
    with served(estate()) as ecs:
        result = _pull(ecs.endpoint, "--region", "cn-hangzhou", "--vpc", vpc, "--out", str(out))
    assert result.exit_code == 0, result.output
    state = snapshot.read(out)
    assert len(state.groups) == 26
    assert all(g.name.startswith(("staging-", "sg-cfw-staging")) for g in state.groups)


def test_pull_selects_by_tag_type_and_ids(tmp_path):
    out = tmp_path / "estate.json"
    some = [g.id for g in estate().groups[:4]]
    with served(estate()) as ecs:
        by_tag = _pull(ecs.endpoint, "--region", "cn-hangzhou", "--tag", "app=app03",
                       "--type", "normal", "--out", str(out))  # fmt: skip
        tagged = snapshot.read(out)
        by_ids = _pull(ecs.endpoint, "--region", "cn-hangzhou", *[a for i in some for a in
                       ("--group-id", i)], "--out", str(out))  # fmt: skip
        picked = snapshot.read(out)
        bad = _pull(ecs.endpoint, "--region", "cn-hangzhou", "--tag", "app", "--out", str(out))
    assert by_tag.exit_code == by_ids.exit_code == 0, by_tag.output + by_ids.output
    assert len(tagged.groups) == 10
    assert {g.tags["app"] for g in tagged.groups} == {"app03"}
    assert sorted(g.id for g in picked.groups) == sorted(some)
    assert bad.exit_code == 1
    assert "--tag 'app': expected KEY=VALUE" in bad.output


def test_pull_fails_cleanly_and_writes_nothing(tmp_path):
    out = tmp_path / "prod.json"
    faults = Faults(group_errors={"sg-bp1c3x8jfk2a0sql03": "Forbidden.RAM"})
    with served(prod_state(), faults) as ecs:
        result = _pull(ecs.endpoint, "--stack", "prod", "--out", str(out))
    assert result.exit_code == 1
    assert "error: reading live state in cn-hangzhou failed (1 calls); nothing written:" in (
        result.output
    )
    assert "DescribeSecurityGroupAttribute for sg-bp1c3x8jfk2a0sql03 failed with Forbidden.RAM" \
        in result.output  # fmt: skip
    assert "Traceback" not in result.output
    assert not out.exists()
    assert TEST_ACCESS_KEY_SECRET not in result.output
    assert TEST_ACCESS_KEY_ID not in result.output


def test_pull_needs_a_stack_or_a_region():
    result = runner.invoke(app, ["pull"])
    assert result.exit_code == 1
    assert "give --stack NAME, or --region REGION with --out FILE" in result.output


def test_plan_live_matches_the_plan_against_the_snapshot(monkeypatch):
    with served(prod_state()) as ecs:
        monkeypatch.setenv("SGPLAN_ECS_ENDPOINT", ecs.endpoint)
        monkeypatch.setenv("SGPLAN_ECS_RATE", "1000")
        live = runner.invoke(app, ["plan", "--stack", "prod", "--live", "--format", "json",
                                   "--allow-unpromoted"])  # fmt: skip
    snap = runner.invoke(app, ["plan", "--stack", "prod", "--format", "json", "--allow-unpromoted"])
    assert live.exit_code == snap.exit_code == 0, live.output
    live_plan, snap_plan = json.loads(live.output), json.loads(snap.output)
    assert live_plan["sources"] == ["live cn-hangzhou"]
    for key in ("groups", "summary", "findings"):
        assert live_plan.get(key) == snap_plan.get(key)


def test_without_credentials_the_error_says_where_they_come_from(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALIBABA_CLOUD_")}
    env.update(HOME=str(tmp_path), ALIBABA_CLOUD_ECS_METADATA_DISABLED="true",
               SGPLAN_ECS_ENDPOINT="127.0.0.1:9")  # fmt: skip
    proc = subprocess.run(
        [sys.executable, "-m", "sgplan", "pull", "--stack", "prod", "--out",
         str(tmp_path / "x.json")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "no Alibaba Cloud credentials found; set ALIBABA_CLOUD_ACCESS_KEY_ID" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_pacing_settings_and_types_are_clear_errors(monkeypatch, tmp_path):
    monkeypatch.setenv("SGPLAN_ECS_RATE", "fast")
    rate = runner.invoke(app, ["pull", "--stack", "prod", "--out", str(tmp_path / "x.json")])
    monkeypatch.delenv("SGPLAN_ECS_RATE")
    kind = runner.invoke(app, ["pull", "--region", "cn-hangzhou", "--type", "special",
                               "--out", str(tmp_path / "x.json")])  # fmt: skip
    mixed = runner.invoke(app, ["pull", "--stack", "prod", "--vpc", "vpc-x"])
    assert rate.exit_code == kind.exit_code == mixed.exit_code == 1
    assert "SGPLAN_ECS_RATE='fast' is not a number" in rate.output
    assert "'special' is not one of 'normal', 'enterprise'" in kind.output
    assert "with --stack the stack's region and VPC are read" in mixed.output
    assert not (tmp_path / "x.json").exists()


def test_import_live_needs_a_region_and_no_files():
    no_region = runner.invoke(app, ["import", "--live", "--name", "x"])
    both = runner.invoke(app, ["import", "--live", "--region", "cn-hangzhou", "--from",
                               "state/prod.json", "--name", "x"])  # fmt: skip
    neither = runner.invoke(app, ["import", "--name", "x"])
    assert no_region.exit_code == both.exit_code == neither.exit_code == 1
    assert "--live needs --region" in no_region.output
    assert "give either --live or --from, not both" in both.output
    assert "or --live" in neither.output
