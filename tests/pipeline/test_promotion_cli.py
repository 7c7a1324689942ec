"""The promotion path through the CLI: `verify --record` on staging, then the prod plan's
gate and standing; the record file's errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sgplan.cli import app
from sgplan.load import load_stack
from sgplan.model.build import build_stack
from sgplan.promotion import (
    change_digest,
    clone_differences,
    rehearsal_of,
    standing,
    targets_of,
)

from .helpers import ROOT, landed, prod_snapshot, write_state

runner = CliRunner()
SHA = "3f2a9c1d7e5b40aa91c2d3e4f5a6b7c8d9e0f1a2"


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    return {
        "record": str(tmp_path / "promotion.json"),
        "staging_live": str(write_state(landed("staging"), tmp_path / "staging-live.json")),
        "staging_old": str(write_state(landed("dev"), tmp_path / "dev-live.json")),
        "prod_now": str(ROOT / "state" / "prod.json"),
        "prod_live": str(write_state(landed("prod", prod_snapshot()), tmp_path / "prod-live.json")),
    }


def test_the_path_is_declared_in_the_pulumi_stack_config():
    assert rehearsal_of("prod") == "staging"
    assert rehearsal_of("staging") is None and rehearsal_of("dev") is None
    assert targets_of("staging") == ["prod"]
    assert clone_differences(load_stack("prod"), load_stack("staging")) == []
    assert clone_differences(load_stack("prod"), load_stack("dev"))  # dev is no clone of prod


def test_unrehearsed_prod_change_is_blocked_then_allowed_after_staging_verified(files):
    plan_prod = ("plan", "--stack", "prod", "--promotion-record", files["record"])
    blocked = run(*plan_prod)
    assert blocked.exit_code == 1
    assert "has not been applied to staging and verified" in blocked.output
    assert "next: `pulumi up --stack staging`" in blocked.output
    assert "--allow-unpromoted overrides" in blocked.output

    verified = run("verify", "--stack", "staging", "--current", files["staging_live"],
                   "--record-file", files["record"], "--commit", SHA)  # fmt: skip
    assert verified.exit_code == 0, verified.output
    assert "change of prod rehearsed on staging at 3f2a9c1d7e5b: verified" in verified.output
    record = json.loads(Path(files["record"]).read_text())
    assert record["format"] == "sgplan-promotion"
    entry = next(e for e in record["entries"] if e["target"] == "prod")
    assert entry["change"] == change_digest(load_stack("prod"))
    assert entry["passed"] is True and entry["commit"] == SHA

    ready = run(*plan_prod)
    assert ready.exit_code == 0, ready.output
    assert "allowed: change " in ready.output
    assert "applied to staging at 3f2a9c1d7e5b, verified " in ready.output
    assert "next: `pulumi up --stack prod`" in ready.output
    md = run(*plan_prod, "--format", "markdown")
    assert "Allowed gate (promotion)" in md.output and "`pulumi up --stack prod`" in md.output
    doc = json.loads(run(*plan_prod, "--format", "json").output)
    gate = next(f for f in doc["findings"] if f["name"] == "promotion")
    assert gate["blocks"] is False and "verified" in gate["message"]

    # once prod itself is verified, the standing says so; the re-plan then has no changes
    done = run("verify", "--stack", "prod", "--current", files["prod_live"],
               "--record-file", files["record"], "--commit", SHA)  # fmt: skip
    assert done.exit_code == 0, done.output
    again = run("plan", "--stack", "prod", "--current", files["prod_live"],
                "--promotion-record", files["record"])  # fmt: skip
    assert again.exit_code == 0 and "No changes." in again.output
    assert "[promotion]" not in again.output  # nothing to promote


def test_a_failed_rehearsal_keeps_prod_blocked(files):
    failed = run("verify", "--stack", "staging", "--current", files["staging_old"],
                 "--record-file", files["record"], "--commit", SHA)  # fmt: skip
    assert failed.exit_code == 1
    assert "verification FAILED (drift, intents" in failed.output
    blocked = run("plan", "--stack", "prod", "--promotion-record", files["record"])
    assert blocked.exit_code == 1
    assert "applied to staging at 3f2a9c1d7e5b, verification FAILED" in blocked.output
    allowed = run("plan", "--stack", "prod", "--promotion-record", files["record"],
                  "--allow-unpromoted")  # fmt: skip
    assert allowed.exit_code == 0 and "(override given)" in allowed.output


def test_a_rehearsal_of_another_desired_state_does_not_count(files, tmp_path):
    run("verify", "--stack", "staging", "--current", files["staging_live"],
        "--record-file", files["record"], "--commit", SHA)  # fmt: skip
    prod = load_stack("prod")
    assert standing(prod, Path(files["record"])).ready
    # prod's desired state changes after the rehearsal: a new digest, nothing on record
    data = prod.model_dump(mode="json")
    data["groups"][0]["rules"][0]["description"] = "a later edit"
    later = standing(build_stack(data), Path(files["record"]))
    assert later is not None and not later.ready and later.entry is None
    assert "has not been applied to staging" in later.message()
    # a stack file outside the project is not the project's prod: no promotion path
    outside = tmp_path / "prod.json"
    outside.write_text(json.dumps(data))
    free = run("plan", "--stack", str(outside), "--promotion-record", files["record"])
    assert free.exit_code == 0 and "[promotion]" not in free.output


def test_a_stack_that_is_no_clone_is_recorded_as_not_rehearsing(files, tmp_path):
    not_clone = tmp_path / "staging.json"
    data = load_stack("staging").model_dump(mode="json")
    data["groups"][0]["rules"].append(
        {
            "direction": "ingress",
            "protocol": "tcp",
            "ports": "8443",
            "peer": "10.0.0.0/8",
            "description": "staging only",
        }
    )
    not_clone.write_text(json.dumps(data))
    live = write_state(landed(str(not_clone)), tmp_path / "live.json")
    result = run("verify", "--stack", str(not_clone), "--current", str(live),
                 "--record-file", files["record"], "--commit", SHA)  # fmt: skip
    assert result.exit_code == 0  # the stack itself is live as declared...
    assert "is not a clone of prod's desired state" in result.output  # ...but proves nothing
    entry = next(e for e in json.loads(Path(files["record"]).read_text())["entries"]
                 if e["target"] == "prod")  # fmt: skip
    assert entry["passed"] is False and entry["failed"] == ["clone"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"format": "other"}', "is not a promotion record"),
        ('{"format": "sgplan-promotion", "version": 9, "entries": []}', "version 9 is not supported"),
        ('{"format": "sgplan-promotion", "version": 1, "entries": [{"x": 1}]}', "entry 1 is not a promotion entry"),
    ],
)  # fmt: skip
def test_a_broken_record_is_a_clear_error_and_is_not_overwritten(files, content, message):
    Path(files["record"]).write_text(content)
    plan = run("plan", "--stack", "prod", "--promotion-record", files["record"])
    assert plan.exit_code == 1 and message in plan.output and "Traceback" not in plan.output
    verify = run("verify", "--stack", "staging", "--current", files["staging_live"],
                 "--record-file", files["record"])  # fmt: skip
    assert verify.exit_code == 1 and message in verify.output
    assert Path(files["record"]).read_text() == content


def test_verify_cli_formats_exit_codes_and_errors(files, tmp_path):
    ok = run("verify", "--stack", "prod", "--current", files["prod_live"], "--format", "json",
             "--out", str(tmp_path / "v.json"))  # fmt: skip
    assert ok.exit_code == 0
    assert json.loads((tmp_path / "v.json").read_text())["passed"] is True
    bad = run("verify", "--stack", "prod", "--current", files["prod_now"], "--format", "markdown")
    assert (
        bad.exit_code == 1
        and "**Verification failed for stack prod: drift, intents, lint.**" in bad.output
    )
    both = run("verify", "--stack", "prod", "--live", "--current", files["prod_now"])
    assert both.exit_code == 1 and "give either --live or --current" in both.output
    nostack = run("verify", "--stack", "nope", "--current", files["prod_now"])
    assert nostack.exit_code == 1 and "no stack 'nope'" in nostack.output
    day = run("verify", "--stack", "prod", "--current", files["prod_now"], "--today", "tomorrow")
    assert day.exit_code == 1 and "is not a date" in day.output


def test_verify_takes_the_stacks_mode_from_its_pulumi_config(files, tmp_path, monkeypatch):
    for name in ("Pulumi.yaml", "Pulumi.prod.yaml"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    (tmp_path / "Pulumi.staging.yaml").write_text("config:\n  sgplan:mode: additive\n")
    shutil.copytree(ROOT / "stacks", tmp_path / "stacks")
    monkeypatch.chdir(tmp_path)
    staging = load_stack("staging")
    extra = {"direction": "ingress", "protocol": "tcp", "ports": "8443", "peer": "10.0.0.0/8"}
    data = staging.model_dump(mode="json")
    data["groups"][0]["rules"].append(extra)
    live = write_state(landed(build_stack(data)), tmp_path / "live.json")  # one rule added outside
    additive = run("verify", "--stack", "staging", "--current", str(live))
    assert additive.exit_code == 0, additive.output
    assert "mode additive" in additive.output
    sync = run("verify", "--stack", "staging", "--current", str(live), "--mode", "sync")
    assert sync.exit_code == 1 and "1 live but not declared" in sync.output
    (tmp_path / "Pulumi.staging.yaml").write_text("config:\n  sgplan:mode: partial\n")
    bad = run("verify", "--stack", "staging", "--current", str(live))
    assert bad.exit_code == 1 and "sgplan:mode 'partial'; allowed: sync, additive" in bad.output
