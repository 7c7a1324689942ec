"""The CLI contract, part 3: nothing lost silently, and every command tells the whole story.

Pulls that would replace a snapshot with nothing, console files missing a column or rows,
exports read back, imports over a file, intents on groups not live yet, problems as JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from sgplan.formats import snapshot
from sgplan.model.stack import State
from tests.live.helpers import estate, prod_state, served

from .contract_helpers import PROD_STATE, flat, run, tree


def _pull(endpoint: str, *args: object):
    return run("pull", "--endpoint", endpoint, "--rate", "1000", *args)


def test_pull_that_finds_none_of_the_stacks_groups_keeps_the_snapshot(tmp_path):
    out = tmp_path / "prod.json"
    out.write_text(PROD_STATE.read_text(encoding="utf-8"), encoding="utf-8")
    before = tree(tmp_path)
    with served(estate()) as ecs:  # another estate: none of prod's VPC
        refused = _pull(ecs.endpoint, "-s", "prod", "--out", out)
        assert refused.exit_code == 1
        assert "the read found none of the stack's groups in cn-hangzhou" in flat(refused.output)
        assert f"{out} is left as it was; pass --allow-empty" in flat(refused.output)
        assert tree(tmp_path) == before
        allowed = _pull(ecs.endpoint, "-s", "prod", "--out", out, "--allow-empty")
    assert allowed.exit_code == 0, allowed.output
    assert snapshot.read(out).groups == ()


def test_pull_that_loses_every_group_of_the_previous_snapshot_keeps_it(tmp_path):
    out = tmp_path / "prod.json"
    out.write_text(PROD_STATE.read_text(encoding="utf-8"), encoding="utf-8")
    prod = prod_state()
    renamed = State(
        region=prod.region,
        groups=tuple(
            g.model_copy(update={"id": (g.id or "").replace("sg-bp1", "sg-bp9")})
            for g in prod.groups
        ),
    )
    before = tree(tmp_path)
    with served(renamed) as ecs:  # same VPC, other groups (another account?)
        refused = _pull(ecs.endpoint, "-s", "prod", "--out", out)
        assert refused.exit_code == 1, refused.output
        assert f"the read found none of the 6 groups of {out}" in flat(refused.output)
        assert tree(tmp_path) == before
        allowed = _pull(ecs.endpoint, "-s", "prod", "--out", out, "--allow-empty")
    assert allowed.exit_code == 0, allowed.output
    assert {g.id for g in snapshot.read(out).groups} == {g.id for g in renamed.groups}


def _csv_export(tmp_path: Path) -> Path:
    folder = tmp_path / "console"
    result = run("export", "-c", PROD_STATE, "--out", folder, "-f", "csv", "--date", "2026-01-02")
    assert result.exit_code == 0, result.output
    return next(folder.glob("ecs_sgRule_sg-bp1c3x8jfk2a0app02_*.csv"))


def test_import_of_a_csv_missing_a_column_writes_nothing_unless_allowed(tmp_path):
    path = _csv_export(tmp_path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    col = header.index("Priority")
    path.write_text(
        "\n".join(",".join(v for i, v in enumerate(line.split(",")) if i != col) for line in lines)
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "app.py"
    refused = run("import", "--from", path, "--name", "app", "--out", out, "--vpc", "vpc-1")
    assert refused.exit_code == 1
    assert f"{path.name}: missing column(s) Priority" in flat(refused.output)
    assert "nothing written" in refused.output and not out.exists()
    partial = run(
        "import", "--from", path, "--name", "app", "--out", out, "--vpc", "vpc-1",
        "--allow-partial",
    )  # fmt: skip
    assert partial.exit_code == 0, partial.output
    assert f"it does NOT match {path}" in flat(partial.output)
    assert out.exists()


def test_import_of_a_csv_with_an_unreadable_row_names_the_line(tmp_path):
    path = _csv_export(tmp_path)
    with path.open("a", encoding="utf-8") as f:
        f.write("ingress,Accept\n")
    out = tmp_path / "app.py"
    refused = run("import", "--from", path, "--name", "app", "--out", out, "--vpc", "vpc-1")
    assert refused.exit_code == 1
    n = len(path.read_text(encoding="utf-8-sig").splitlines())
    assert f"{path.name} line {n}: 2 fields where the header has" in flat(refused.output)
    assert not out.exists()
    # plan shows the same problem as a warning; lint, check and test refuse to judge
    plan = run("plan", "-s", "prod", "-c", path.parent)
    assert f"line {n}: 2 fields" in flat(plan.output)
    lint = run("lint", "-c", path.parent)
    assert lint.exit_code == 1 and f"line {n}: 2 fields" in flat(lint.output)


def test_an_export_in_both_formats_reads_back_as_one_group_per_id(tmp_path):
    folder = tmp_path / "both"
    done = run("export", "-c", PROD_STATE, "--out", folder, "-f", "both", "--date", "2026-01-02")
    assert done.exit_code == 0, done.output
    assert "wrote 12 files for 6 groups" in done.output
    # --allow-unpromoted: the promotion gate is not what this test is about
    plan = run("plan", "-s", "prod", "-c", folder, "-f", "json", "--allow-unpromoted")
    assert plan.exit_code == 0, plan.output
    imported = run("import", "--from", folder, "--name", "p", "--vpc", "vpc-bp1prodshop7x2k9q0m")
    assert imported.exit_code == 0, imported.output
    assert "6 groups" in imported.output
    # a JSON and a CSV of one group that disagree are not merged silently
    csv = next(folder.glob("ecs_sgRule_sg-bp1c3x8jfk2a0web01_*.csv"))
    csv.write_text(csv.read_text(encoding="utf-8-sig").splitlines()[0] + "\n", encoding="utf-8")
    clash = run("plan", "-s", "prod", "-c", folder, "--allow-unpromoted")
    assert clash.exit_code == 1
    assert "group sg-bp1c3x8jfk2a0web01 is in" in flat(clash.output)
    assert "with different rules; give one of them" in flat(clash.output)


def test_test_prints_every_intent_and_marks_groups_not_live_yet():
    result = run("test", "-s", "prod", "-c", PROD_STATE)
    assert result.exit_code == 1
    text = result.output
    assert "FAIL deny tcp/3306 from internet to every group (MySQL never public)" in text
    assert "NOT CHECKABLE deny tcp/6379 from internet to every group (Redis never public)" in text
    assert "not checkable for prod-redis-cache-sg: not in the current state" in flat(text)
    assert text.count("\n     ") == 7  # every intent of the stack, each with its detail
    assert "2 intents hold, 4 failed, 1 not checkable on current state" in text
    doc = json.loads(run("test", "-s", "prod", "-c", PROD_STATE, "-f", "json").stdout)
    assert [r["status"] for r in doc["results"]].count("not checkable") == 1
    assert doc["not_checkable"] == 1 and doc["passed"] is False


def test_validate_and_lint_print_problems_as_json(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({
        "name": "bad", "region": "cn-hangzhou", "vpc_id": "vpc-1",
        "groups": [{"name": "bad-web-sg", "rules": [
            {"direction": "ingress", "protocol": "tcp", "ports": 70000, "peer": "0.0.0.0/0"}]}],
    }))  # fmt: skip
    for command in ("validate", "lint"):
        result = run(command, "-s", bad, "-f", "json")
        assert result.exit_code == 1
        doc = json.loads(result.stdout)
        assert doc["valid"] is False and doc["stack"] == "bad"
        (problem,) = doc["problems"]
        assert problem["group"] == "bad-web-sg" and problem["rule"] == 1
        assert "70000" in problem["message"]


def test_validate_reports_what_the_apply_path_refuses(tmp_path):
    risky = tmp_path / "risky.yaml"
    risky.write_text(yaml.safe_dump({
        "name": "risky", "region": "cn-hangzhou", "vpc_id": "vpc-1", "environment": "risky",
        "groups": [{"name": "risky-web-sg", "description": "web", "rules": [
            {"direction": "ingress", "protocol": "tcp", "ports": 22, "peer": "0.0.0.0/0",
             "description": "ssh"}]}],
    }))  # fmt: skip
    text = run("validate", "-s", risky)
    assert text.exit_code == 1
    assert "stack risky has 1 problem" in text.output
    assert "pulumi up refuses this unwaived critical finding: open-admin-port" in flat(text.output)
    doc = json.loads(run("validate", "-s", risky, "-f", "json").stdout)
    assert (
        doc["problems"][0]["where"] == "apply"
        or "pulumi up refuses" in (doc["problems"][0]["message"])
    )


def test_lint_ends_with_a_summary_per_check_and_lists_warnings_and_above():
    result = run("lint", "-c", PROD_STATE, "--today", "2026-01-01")
    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert not any(line.startswith("info ") for line in lines)
    head = lines.index(next(x for x in lines if x.startswith("check ")))
    assert lines[head].split() == ["check", "severity", "found", "waived"]
    assert "finding(s) not listed; --min-severity info lists them." in result.output
    assert lines[-1].startswith("Lint fails: unwaived critical findings:")
    doc = json.loads(run("lint", "-c", PROD_STATE, "--today", "2026-01-01", "-f", "json").stdout)
    assert doc["min_severity"] == "warning" and doc["hidden"] > 0
    assert {"check", "severity", "found", "waived"} <= set(doc["summary"][0])
