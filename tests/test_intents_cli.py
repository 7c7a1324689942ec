"""``sgplan test`` through CliRunner: the prod stack's intents, a failing stack, JSON, and a
current-state file (the static half of clone-test-then-apply)."""

from __future__ import annotations

import json

import yaml
from typer.testing import CliRunner

from sgplan.cli import app
from sgplan.formats import snapshot
from sgplan.load import load_stack
from sgplan.model import State

runner = CliRunner()


def test_the_prod_stack_keeps_its_promises():
    res = runner.invoke(app, ["test", "--stack", "prod"])
    assert res.exit_code == 0, res.output
    stack = load_stack("prod")
    assert f"{len(stack.intents)} intents hold, 0 failed on stack prod." in res.output
    assert "PASS deny tcp/3306 from internet to every group (MySQL never public)" in res.output


def test_a_failing_intent_exits_1_with_the_reason(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump({
        "name": "t", "region": "cn-hangzhou", "vpc_id": "vpc-1",
        "groups": [{"name": "t-shop-web-sg", "rules": [
            {"direction": "ingress", "service": "ssh", "peer": "0.0.0.0/0"}]}],
        "intents": [{"expect": "deny", "protocol": "tcp", "port": 22, "source": "internet",
                     "target": "*", "name": "no public ssh"}],
    }))  # fmt: skip
    res = runner.invoke(app, ["test", "-s", str(path)])
    assert res.exit_code == 1
    assert res.output.splitlines() == [
        "FAIL deny tcp/22 from internet to every group (no public ssh)",
        "     group t-shop-web-sg accepts ingress tcp/22 from 8.8.8.8: t-shop-web-sg rule 1 "
        "`ingress accept tcp 22 from 0.0.0.0/0 priority 1`",
        "0 intents hold, 1 failed on stack t.",
    ]


def test_on_a_current_state_as_json(tmp_path):
    stack = load_stack("prod")
    web = stack.group("prod-shop-web-sg")
    live = State(
        groups=tuple(g.model_copy(update={"rules": ()}) if g is web else g for g in stack.groups)
    )
    path = tmp_path / "live.json"
    snapshot.write(live, path)
    res = runner.invoke(app, ["test", "-s", "prod", "--current", str(path), "-f", "json"])
    assert res.exit_code == 1
    report = json.loads(res.output)
    failed = [r["name"] for r in report["results"] if not r["passed"]]
    assert failed == ["shop is public", "http is public"]
    assert report["on"] == f"current state {path}"


def test_a_stack_without_intents(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text(
        yaml.safe_dump({"name": "e", "region": "cn-hangzhou", "vpc_id": "v", "groups": []})
    )
    res = runner.invoke(app, ["test", "-s", str(path)])
    assert res.exit_code == 0 and "stack e declares no intents." in res.output
