"""``sgplan lint`` through CliRunner: exit 1 only on unwaived critical findings, text and JSON,
waivers judged on --today, filters, current-state files, clean errors."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from sgplan.cli import app
from sgplan.formats import snapshot
from sgplan.model import State, build_rules
from sgplan.model.group import SecurityGroup

runner = CliRunner()

RISKY = {
    "name": "risky", "region": "cn-hangzhou", "vpc_id": "vpc-1", "environment": "risky",
    "groups": [{"name": "risky-shop-web-sg", "description": "web", "rules": [
        {"direction": "ingress", "service": "ssh", "peer": "0.0.0.0/0", "description": "vendor",
         "waivers": [{"check": "open-admin-port", "reason": "vendor box until May",
                      "expires": "2026-05-31"}]},
        {"direction": "ingress", "service": "https", "peer": "0.0.0.0/0"},
    ]}],
}  # fmt: skip


@pytest.fixture
def risky(tmp_path):
    path = tmp_path / "risky.yaml"
    path.write_text(yaml.safe_dump(RISKY))
    return str(path)


def test_the_prod_stack_passes():
    res = runner.invoke(app, ["lint", "--stack", "prod", "--today", "2026-01-01"])
    assert res.exit_code == 0, res.output
    assert res.output.strip().endswith("Lint passes: 0 critical, 0 warning, 0 info.")


def test_a_waiver_passes_until_it_expires(risky):
    res = runner.invoke(
        app, ["lint", "-s", risky, "--today", "2026-05-31", "--min-severity", "info"]
    )
    assert res.exit_code == 0, res.output
    assert res.output.splitlines() == [
        "critical open-admin-port: group risky-shop-web-sg, rule 1 `ingress accept tcp 22 from "
        "0.0.0.0/0 priority 1`: lets in tcp/22 (SSH) from all of the public IPv4 internet "
        "[waived until 2026-05-31: vendor box until May]",
        "info missing-description: group risky-shop-web-sg, rule 2 `ingress accept tcp 443 from "
        "0.0.0.0/0 priority 1`: the rule has no description",
        "    fix: Say what the group is for and why each rule exists; reviewers read it.",
        "",
        "check                severity  found  waived",
        "open-admin-port      critical      0       1",
        "missing-description  info          1       0",
        "Lint passes: 0 critical, 0 warning, 1 info (1 waived).",
    ]
    default = runner.invoke(app, ["lint", "-s", risky, "--today", "2026-05-31"])
    assert "info missing-description" not in default.output
    assert "1 info finding(s) not listed; --min-severity info lists them." in default.output
    res = runner.invoke(app, ["lint", "-s", risky, "--today", "2026-06-01"])
    assert res.exit_code == 1
    assert "[waiver expired 2026-05-31]" in res.output
    assert res.output.strip().endswith(
        "Lint fails: unwaived critical findings: 1 critical, 0 warning, 1 info."
    )


def test_json_and_filters(risky):
    res = runner.invoke(
        app,
        ["lint", "-s", risky, "--today", "2026-06-01", "--min-severity", "critical", "-f", "json"],
    )
    assert res.exit_code == 1
    report = json.loads(res.output)
    assert (report["passed"], report["blocking"]) == (False, 1)
    assert [(f["check"], f["rule"]["position"], f["waived"]) for f in report["findings"]] == [
        ("open-admin-port", 1, False)
    ]
    only = runner.invoke(app, ["lint", "-s", risky, "--check", "naming-convention", "-f", "json"])
    assert only.exit_code == 0 and json.loads(only.output)["findings"] == []


def test_a_current_state_file(tmp_path):
    grp = SecurityGroup(
        name="prod-db-x-sg", id="sg-db9", vpc_id="vpc-1", description="db",
        rules=tuple(build_rules([{"direction": "ingress", "protocol": "tcp", "ports": 5432,
                                  "peer": "::/0", "description": "oops"}])),
    )  # fmt: skip
    path = tmp_path / "live.json"
    snapshot.write(State(groups=(grp,)), path)
    res = runner.invoke(app, ["lint", "--current", str(path)])
    assert res.exit_code == 1
    assert "critical open-database-port: group prod-db-x-sg (sg-db9), rule 1" in res.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--today", "tomorrow"], "--today 'tomorrow' is not a date"),
        (["--min-severity", "loud"], "'loud' is not one of 'critical', 'warning', 'info'"),
        (["--check", "open-everything"], "'open-everything' is not one of 'open-all'"),
    ],
)
def test_mistakes_are_clean_errors(risky, args, message):
    res = runner.invoke(app, ["lint", "-s", risky, *args])
    assert res.exit_code == 1 and message in res.output and "Traceback" not in res.output
