"""Verdicts on third-party material (tests/data/thirdparty/README.md): what SPEC sections
3-4 say about each fixture, not what the tool shipping it answers."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sgplan.cli.app import app
from sgplan.formats.current import load_current
from sgplan.lint import lint
from sgplan.model import build_state
from sgplan.model.issues import Issue

DATA = Path(__file__).parents[1] / "data" / "thirdparty"
TODAY = date(2026, 1, 1)
runner = CliRunner()
C, W, INF = "critical", "warning", "info"
EVERYTHING = {("open-all", C), ("open-admin-port", C), ("open-database-port", C),
              ("open-risky-port", W), ("open-public-service", INF)}  # fmt: skip
# hand-decided: what each checkov fixture rule exposes on a classic group's internet side
CHECKOV = {
    "allow_all_tcp": EVERYTHING,
    "allow_all_tcp2": {("unreadable-rule", C)},  # no peer: the API would refuse it
    "allow_all_low": {("open-admin-port", C), ("open-risky-port", W), ("open-public-service", INF)},
    "allow_all_high": EVERYTHING - {("open-public-service", INF)},
    "allow_all_dns": {("open-public-service", INF)},
    "allow_all_http": set(),
    "allow_all_ftp": {("open-risky-port", W)},
    "allow_all_ftpdata": {("open-risky-port", W)},
    "allow_all_mssqlmonitor": set(),  # the SQL Server browser listens on udp 1434, not tcp
    "allow_all_mssql": {("open-database-port", C)},
    "allow_all_mysql": {("open-database-port", C)},
    "allow_all_oracledb": {("open-database-port", C)},
    "allow_all_postgresql": {("open-database-port", C)},
    "allow_all_rdp": {("open-admin-port", C)},
    "allow_all_smtp": {("open-public-service", INF)},
    "allow_all_ssh": {("open-admin-port", C)},
    "allow_all_telnet": {("open-risky-port", W)},
    "allow_all_vnclistener": {("open-admin-port", C)},
    "allow_all_vncserver": {("open-admin-port", C)},
}
CHECKS = ["open-all", "open-admin-port", "open-database-port", "open-risky-port",
          "open-public-service", "open-to-classic-network", "unreadable-rule"]  # fmt: skip


def _checkov_state() -> tuple[object, list[Issue]]:
    facts = json.loads((DATA / "checkov_alicloud_ingress.json").read_text())["rules"]
    groups = []
    for f in facts:
        rule = {"direction": "ingress", "protocol": f["ip_protocol"], "ports": f["port_range"],
                "policy": f["policy"], "nic_type": f["nic_type"]}  # fmt: skip
        if "cidr_ip" in f:
            rule["peer"] = f["cidr_ip"]
        groups.append({"name": f["name"], "network": "classic", "rules": [rule]})
    unreadable: list[Issue] = []
    state = build_state({"version": 1, "groups": groups}, unreadable=unreadable)
    return state, unreadable


def test_checkov_fixture_rules_get_the_faithful_findings_each():
    state, unreadable = _checkov_state()
    assert [i.group for i in unreadable] == ["allow_all_tcp2"]
    found = lint(state, TODAY, CHECKS, unreadable=unreadable)
    by_group: dict[str, set[tuple[str, str]]] = {name: set() for name in CHECKOV}
    for f in found:
        by_group[f.group].add((f.check, f.severity))
    assert by_group == CHECKOV
    # the internet side of a classic group is what these rules open: findings say so
    ssh = next(f for f in found if f.group == "allow_all_ssh")
    assert ssh.where == "internet NIC type (public)"
    high = next(f for f in found if f.group == "allow_all_high" and f.check == "open-all")
    assert "tcp 101-65535 from all of the public IPv4 internet" in high.message


def test_checkov_is_wrong_where_sgplan_is_faithful():
    facts = json.loads((DATA / "checkov_alicloud_ingress.json").read_text())["rules"]
    checkov_fails = {f["name"] for f in facts if f["checkov_22"] == "FAIL"}
    ssh_open = {name for name, found in CHECKOV.items() if ("open-admin-port", C) in found}
    # checkov passes RDP and VNC open to the world, and fails a rule the API cannot hold
    assert {"allow_all_rdp", "allow_all_vncserver", "allow_all_high"} <= ssh_open - checkov_fails
    assert "allow_all_tcp2" in checkov_fails - ssh_open


@pytest.mark.parametrize(
    ("name", "admin", "verdict"),
    [
        ("cloudsploit_openssh_pass.json", False, "drop"),
        ("cloudsploit_openssh_fail.json", True, "accept"),
    ],
)
def test_cloudsploit_openssh_fixtures(name, admin, verdict):
    loaded = load_current(DATA / name)
    assert loaded.warnings == []
    found = lint(loaded.state, TODAY, ["open-admin-port"])
    assert bool(found) is admin
    (group,) = loaded.state.groups
    res = runner.invoke(app, ["check", "--current", str(DATA / name), "-g", group.id or "",
                              "--port", "22", "--peer", "8.8.8.8", "-f", "json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["results"][0]["outcome"] == verdict
    if admin:
        assert group.rules[0].create_time == "2021-04-29T22:40:41Z"


def test_api_sample_with_new_fields_judges_what_it_can_and_says_what_it_cannot():
    path = DATA / "api_sample_new_fields.json"
    res = runner.invoke(app, ["lint", "--current", str(path)])
    assert res.exit_code == 1, res.output
    text = res.output
    # the readable rule is judged although its neighbour could not be read
    assert "critical open-admin-port" in text
    assert "critical unreadable-rule" in text and "peer is required" in text
    assert (
        "cannot judge: entries of port list prl-2ze97430001 unknown; pull to include them" in text
    )
    assert "cannot judge: entries of prefix list pl-x1j1k5ykzqlixdcy0001 unknown" in text
    check = runner.invoke(app, ["check", "--current", str(path), "-g", "sg-bp1gxw6bznjjvhu3****",
                                "--port", "3306", "--peer", "10.1.1.1"])  # fmt: skip
    assert check.exit_code == 1
    assert "unknown" in check.output and "prl-2ze97430001" in check.output
    assert "rule could not be read, so it is not judged" in check.output
