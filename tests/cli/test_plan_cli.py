"""`sgplan plan` and `sgplan diff` through CliRunner: formats, exit codes, clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sgplan.cli import app

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "tests" / "data" / "shop"
API = ROOT / "tests" / "data" / "api"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_plan_the_bundled_prod_stack_against_its_snapshot(tmp_path):
    # prod is promoted from staging: without a rehearsal on record the gate blocks (exit 1)
    # unless overridden; the override is shown (tests/cli/test_promotion_cli.py for the rest)
    record = str(tmp_path / "promotion.json")
    blocked = run("plan", "--stack", "prod", "--promotion-record", record)
    assert blocked.exit_code == 1, blocked.output
    assert "BLOCKED: change " in blocked.output and "[promotion]" in blocked.output
    result = run("plan", "--stack", "prod", "--allow-unpromoted", "--promotion-record", record)
    assert result.exit_code == 0, result.output
    assert "allowed: change " in result.output and "(override given)" in result.output
    assert "current state: state/prod.json" in result.output
    assert "Plan: " in result.output and "to destroy." in result.output
    assert "Order: additions before removals" in result.output


def test_detailed_exitcode_is_2_on_changes_and_0_without():
    assert (
        run(
            "plan",
            "-s",
            str(SHOP / "stack.json"),
            "-c",
            str(SHOP / "state.json"),
            "--detailed-exitcode",
        ).exit_code
        == 2
    )
    same = run(
        "diff", str(API / "pay_page1.json"), str(API / "pay_page1.json"), "--detailed-exitcode"
    )
    assert same.exit_code == 0, same.output
    assert "No changes." in same.output


@pytest.mark.parametrize("fmt", ["json", "markdown", "text"])
def test_formats_and_out_file(tmp_path, fmt):
    out = tmp_path / f"plan.{fmt}"
    result = run(
        "plan",
        "-s",
        str(SHOP / "stack.json"),
        "-c",
        str(SHOP / "state.json"),
        "-f",
        fmt,
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    text = out.read_text()
    if fmt == "json":
        assert json.loads(text)["format"] == "sgplan-plan"
    elif fmt == "markdown":
        assert "<details><summary>" in text
    else:
        assert text.startswith("sgplan plan: stack shop")


def test_additive_mode_and_no_effects():
    result = run(
        "plan",
        "-s",
        str(SHOP / "stack.json"),
        "-c",
        str(SHOP / "state.json"),
        "-m",
        "additive",
        "--no-effects",
        "-f",
        "json",
    )
    doc = json.loads(result.output)
    assert (
        doc["mode"] == "additive" and doc["summary"]["destroy"] == 0 and doc["summary"]["drift"] > 0
    )
    assert all(g["effects"] is None for g in doc["groups"])


def test_a_blocked_plan_exits_1_after_showing_the_plan(tmp_path):
    state = json.loads((SHOP / "state.json").read_text())
    # the live web group also holds many hand-made rules, so sync would remove most of them
    web = next(g for g in state["groups"] if g["name"] == "prod-shop-web-sg")
    web["rules"] += [{"direction": "ingress", "protocol": "tcp", "ports": f"{p}/{p}", "peer": "10.0.0.0/8",
                      "policy": "accept", "priority": 1} for p in range(2000, 2010)]  # fmt: skip
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state))
    result = run("plan", "-s", str(SHOP / "stack.json"), "-c", str(path))
    assert result.exit_code == 1
    assert "BLOCKED: group prod-shop-web-sg: removes 13 of its 17 rules (76%)" in result.output
    assert "This plan is blocked" in result.output
    allowed = run(
        "plan", "-s", str(SHOP / "stack.json"), "-c", str(path), "--max-remove-share", "0.9"
    )
    assert allowed.exit_code == 0, allowed.output


def test_diff_needs_one_region_and_additive_is_the_partial_restore():
    full = run(
        "diff",
        str(API / "pay_page1.json"),
        str(API / "doc_sample_attribute.json"),
        "-f",
        "json",
        "--no-effects",
    )
    assert full.exit_code == 1
    assert "rules are restored between groups of one region only" in full.output
    partial = run("diff", str(SHOP / "state.json"), str(SHOP / "state.json"), "-m", "additive")
    assert partial.exit_code == 0 and "No changes." in partial.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan", "-s", "nope"], "error: no stack 'nope'"),
        (
            ["plan", "-s", "prod", "-c", "/no/such/file.json"],
            "error: /no/such/file.json: no such file or folder",
        ),
        (
            ["plan", "-s", "prod", "--live", "-c", "x.json"],
            "error: give either --live or --current, not both",
        ),
        (
            ["diff", str(API / "pay_page1.json"), str(ROOT / "pyproject.toml")],
            "not a console export name and not JSON",
        ),
    ],
)
def test_errors_are_clean(args, message):
    result = run(*args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
