"""The hand-decided corpus, judged three ways: lint, `sgplan check` (through the CLI) and
the reference judge (SPEC section 3 read literally). Verdicts were fixed before any tool
ran; a tool that disagrees is wrong."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from sgplan.cli.app import app
from sgplan.evaluate.catalog import Context
from sgplan.evaluate.reference import judge
from sgplan.formats import snapshot
from sgplan.lint import lint

from .corpus import REACH_CHECKS, Case, load_cases

CASES = load_cases()
runner = CliRunner()


def test_the_corpus_is_big_enough_and_covers_what_it_must():
    assert len(CASES) >= 60
    checks = [c for case in CASES for c in case.checks]
    assert len(checks) >= 90
    assert any(c.get("nic_type") == "internet" for c in checks)
    assert any(c["d"] == "egress" for c in checks) and any(c["p"] == "udp" for c in checks)
    assert any(len(case.subject) > 1 for case in CASES)
    assert {c["want"] for c in checks} == {"accept", "drop", "unknown"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_lint_finds_exactly_the_hand_decided_risks(case: Case):
    found = lint(case.state, date(2026, 1, 1), REACH_CHECKS)
    assert {f"{f.check}:{f.severity}" for f in found} == case.lint, [f.text() for f in found]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_reference_judge_agrees_with_the_hand_decided_verdicts(case: Case):
    groups = [g for ref in case.subject for g in case.state.groups if g.name == ref]
    ctx = Context.of(case.state.groups, case.state.prefix_lists, case.state.port_lists)
    for check in case.checks:
        got = judge(groups, case.packet(check), ctx).outcome
        assert got == check["want"], check


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_check_gives_the_hand_decided_verdicts(case: Case, tmp_path):
    path = tmp_path / "state.json"
    snapshot.write(case.state, path)
    for check in case.checks:
        args = ["check", "--current", str(path), "-d", check["d"], "-p", check["p"]]
        for g in case.subject:
            args += ["--group", g]
        if check.get("port") is not None:
            args += ["--port", str(check["port"])]
        if check.get("nic_type"):
            args += ["--nic-type", check["nic_type"]]
        args += ["--peer", str(check["peer"]), "--format", "json"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        (row,) = json.loads(result.output)["results"]
        assert row["outcome"] == check["want"], (check, row["reason"])
