"""`sgplan import` and `sgplan export` through CliRunner: files, refusals, clean errors, and
export -> import -> plan with no changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sgplan.cli import app
from sgplan.cli.import_stack import state_for_import
from sgplan.formats import console, snapshot
from sgplan.formats.current import load_current
from sgplan.load import load_stack
from sgplan.model.build import build_state
from sgplan.model.issues import InputError
from tests.codegen.estate import estate
from tests.codegen.helpers import assert_no_changes, sync_plan

ROOT = Path(__file__).resolve().parents[2]
PROD = ROOT / "state" / "prod.json"
runner = CliRunner()
DAY = "2024-05-01"


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_import_prints_the_module_and_reports_the_round_trip():
    result = run("import", "--from", PROD, "--name", "prod")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith('"""Stack prod: generated from ')
    assert "def build() -> Stack:" in result.stdout
    assert (
        "warning: group prod-mysql-db-sg: `ingress accept tcp 22 from 0.0.0.0/0 priority 110`"
        in (result.stderr)
    )
    assert "service-managed groups are not declared (read-only): cloud_firewall_vpc_sg" in (
        result.stderr
    )
    assert "5 groups, 27 rules; a sync plan against" in result.stderr
    assert "shows 1 change" in result.stderr
    assert "remove ingress accept tcp 22 from 0.0.0.0/0 priority 110" in result.stderr


def test_import_writes_a_file_and_refuses_to_overwrite_it(tmp_path):
    out = tmp_path / "stacks" / "prod.py"
    missing = run("import", "--from", PROD, "--name", "prod", "--out", out)
    assert missing.exit_code == 1
    assert f"folder {out.parent} does not exist" in missing.stderr.replace("\n", "")
    assert not out.parent.exists()
    out.parent.mkdir()
    first = run("import", "--from", PROD, "--name", "prod", "--out", out)
    assert first.exit_code == 0, first.output
    original = out.read_text()
    assert first.stdout == "" and out.read_text().startswith('"""Stack prod')
    again = run("import", "--from", PROD, "--name", "prod", "--out", out)
    assert again.exit_code == 1
    assert (
        f"error: {out} exists; pass --force to overwrite it (a backup is kept)"
        in again.stderr.replace("\n", "")
    )
    forced = run("import", "--from", PROD, "--name", "prod", "--out", out, "--force",
                 "--include-managed")  # fmt: skip
    assert forced.exit_code == 0, forced.output
    assert "FIREWALL_VPC" in out.read_text()
    assert load_stack(out).name == "prod"
    backup = out.with_name("prod.py.bak")
    assert f"kept the replaced {out} as {backup}" in forced.stderr.replace("\n", "")
    assert backup.read_text() == original


def test_import_round_trip_is_exact_for_a_state_a_stack_can_hold(tmp_path):
    state = estate(20, 5)
    source = tmp_path / "estate.json"
    snapshot.write(state, source)
    result = run("import", "--from", source, "--name", "prod", "--out", tmp_path / "prod.py")
    assert result.exit_code == 0, result.output
    assert "a sync plan against" in result.stderr and "shows no changes." in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "missing.json"], "missing.json: no such file or folder"),
        (["--from", PROD, "--region", "cn-shanghai"], "move from cn-hangzhou to cn-shanghai; give --vpc"),
    ],
)  # fmt: skip
def test_import_errors_are_clean(args, message):
    result = run("import", *args, "--name", "prod")
    assert result.exit_code == 1
    assert message in result.stderr.replace("\n", "")
    assert "Traceback" not in result.output


def test_import_exits_1_when_the_module_needs_fixing_but_still_writes_it(tmp_path):
    state = build_state({"region": "cn-hangzhou", "groups": [
        {"id": "sg-bp1x", "name": "Sample Group", "vpc_id": "vpc-1"}]})  # fmt: skip
    source = tmp_path / "state.json"
    snapshot.write(state, source)
    out = tmp_path / "x.py"
    result = run("import", "--from", source, "--name", "x", "--out", out)
    assert result.exit_code == 1
    assert "does not build a valid stack until these are fixed" in result.stderr
    assert "group name 'Sample Group' has characters that are not allowed" in result.stderr
    assert out.exists()


def test_state_for_import_is_the_seam_for_live_reads():
    loaded = state_for_import([PROD])
    assert loaded.formats == ["snapshot"] and len(loaded.state.groups) == 6
    with pytest.raises(InputError, match="give the current state with --from"):
        state_for_import([])


def test_export_writes_console_files_by_group(tmp_path):
    result = run("export", "--stack", "prod", "--out", tmp_path, "--format", "both", "--date", DAY)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 12
    assert "ecs_cn-hangzhou_sg-bp1c3x8jfk2a0web01.json" in names
    assert f"ecs_sgRule_sg-bp1c3x8jfk2a0web01_cn-hangzhou_{DAY}.csv" in names
    assert "wrote 12 files for 6 groups" in result.stderr
    body = json.loads((tmp_path / "ecs_cn-hangzhou_sg-bp1c3x8jfk2a0app02.json").read_text())
    assert body["SecurityGroupName"] == "prod-shop-app-sg" and body["RegionId"] == "cn-hangzhou"
    again = run("export", "--current", PROD, "--out", tmp_path, "--format", "csv", "--date", DAY)
    assert again.exit_code == 1 and "pass --force to overwrite" in again.stderr
    forced = run("export", "-c", PROD, "-o", tmp_path, "-f", "csv", "--date", DAY, "--force")
    assert forced.exit_code == 0, forced.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give either --current PATH or --stack NAME"),
        (["--stack", "prod", "--current", PROD], "give either --current PATH or --stack NAME"),
        (["--stack", "nosuch"], "no stack 'nosuch'"),
        (["--stack", "prod", "--date", "01/05/2024"], "--date '01/05/2024' is not a date"),
        (["--stack", "prod", "--region", "cn-beijing"], "in cn-hangzhou but --region says cn-beijing"),
    ],
)  # fmt: skip
def test_export_errors_are_clean(tmp_path, args, message):
    result = run("export", "--out", tmp_path / "out", *args)
    assert result.exit_code == 1
    assert message in result.stderr.replace("\n", "")
    assert "Traceback" not in result.output


def test_export_needs_a_region_from_the_state_or_the_option(tmp_path):
    state = estate(3, 1, console_only=True).model_copy(update={"region": None})
    source = tmp_path / "state.json"
    snapshot.write(state, source)
    missing = run("export", "-c", source, "-o", tmp_path / "a")
    assert missing.exit_code == 1 and "give --region" in missing.stderr
    given = run("export", "-c", source, "-o", tmp_path / "b", "--region", "cn-beijing")
    assert given.exit_code == 0, given.output
    assert all(p.name.startswith("ecs_cn-beijing_") for p in (tmp_path / "b").iterdir())


def _export_import(tmp_path: Path, state, fmt: str, *extra: str, exact: bool = True):
    source = tmp_path / "original.json"
    snapshot.write(state, source)
    files = tmp_path / "files"
    exported = run("export", "-c", source, "-o", files, "-f", fmt, "--date", DAY)
    assert exported.exit_code == 0, exported.output
    out = tmp_path / "imported.py"
    imported = run("import", "--from", files, "--name", "prod", "--out", out, *extra)
    assert imported.exit_code == 0, imported.output
    assert "console files carry rules" in imported.stderr
    assert ("shows no changes." in imported.stderr) is exact
    return sync_plan(load_stack(out), state)


def test_export_json_import_plan_shows_no_changes(tmp_path):
    state = estate(60, 9, console_only=True)
    plan = _export_import(tmp_path, state, "json")
    assert_no_changes(plan)
    assert len(plan.groups) == 60


def test_export_csv_import_plan_keeps_every_rule(tmp_path):
    """A CSV carries rules only: no name, description, VPC or inner access policy."""
    state = estate(12, 4, console_only=True)
    one_vpc = tuple(g.model_copy(update={"vpc_id": "vpc-bp1estate0a"}) for g in state.groups)
    state = state.model_copy(update={"groups": one_vpc})
    plan = _export_import(tmp_path, state, "csv", "--vpc", "vpc-bp1estate0a", exact=False)
    assert not plan.blocked and plan.drifted == 0
    for g in plan.groups:
        assert g.action == "update" and not (g.add or g.remove or g.update), g.name
        assert {a.field for a in g.attributes} <= {"name", "description", "inner_access_policy"}


def test_console_import_rules_on_read_back(tmp_path):
    """SPEC 5: priorities above 100 ignored, group and prefix-list peers do not cross regions,
    at most 200 rules a file."""
    files = tmp_path / "files"
    assert run("export", "--stack", "prod", "-o", files, "--date", DAY).exit_code == 0
    cross = run("import", "--from", files, "--name", "prod", "--region", "cn-shanghai",
                "--vpc", "vpc-uf6new")  # fmt: skip
    assert cross.exit_code == 0, cross.output
    warnings = cross.stderr.replace("\n", " ")
    assert "priority 110` is not declared: priorities above 100 cannot be written" in warnings
    assert warnings.count("which do not cross regions") == 8
    assert "for cn-shanghai; it builds a valid stack." in warnings
    assert 'id="sg-' not in cross.stdout and "=group(" not in cross.stdout

    rules = [{"direction": "ingress", "protocol": "tcp", "ports": p, "peer": "10.0.0.0/8"}
             for p in range(1, 202)]  # fmt: skip
    big = build_state({"groups": [{"id": "sg-big", "name": "big", "vpc_id": "vpc-1",
                                   "rules": rules}]})  # fmt: skip
    path = console.write_json(big.groups[0], "cn-hangzhou", tmp_path)
    assert len(load_current(path).state.groups[0].rules) == 201
    refused = run("import", "--from", path, "--name", "big")
    assert refused.exit_code == 1
    assert "holds 201 rules; a group holds at most 200" in refused.stderr.replace("\n", "")
