"""The risk catalogue: sources and severities for every service, and a team's own file."""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

from sgplan.cli.app import app
from sgplan.formats import snapshot
from sgplan.lint import lint
from sgplan.lint.risks import CATALOGUE, parse_risks
from sgplan.model import InputError, build_state

runner = CliRunner()


def test_every_service_has_a_check_a_severity_and_a_source():
    labels = {s.label for s in CATALOGUE}
    for needed in ("MongoDB", "Elasticsearch", "Kibana", "Docker API", "Memcached", "VNC server",
                   "Hadoop NameNode", "Salt master", "Cassandra", "Kafka", "FTP data", "CIFS/SMB",
                   "Oracle Autonomous DB", "DNS", "SMTP"):  # fmt: skip
        assert needed in labels
    for s in CATALOGUE:
        assert s.severity in ("critical", "warning", "info") and s.source
    assert {s.severity for s in CATALOGUE if s.label in ("DNS", "SMTP")} == {"info"}


def _state(port: str):
    return build_state({"version": 1, "groups": [{"name": "a", "vpc_id": "vpc-1", "rules": [
        {"direction": "ingress", "protocol": "tcp", "ports": port, "peer": "0.0.0.0/0"}]}]})  # fmt: skip


def test_a_teams_own_service_is_judged_like_the_built_in_ones(tmp_path):
    risks = tmp_path / "risks.yaml"
    risks.write_text("- {label: Grafana, protocol: tcp, ports: 3000, severity: critical, "
                     "check: open-risky-port, source: runbook RB-12}\n")  # fmt: skip
    path = tmp_path / "s.json"
    snapshot.write(_state("3000/3000"), path)
    plain = runner.invoke(app, ["lint", "--current", str(path), "--check", "open-risky-port"])
    assert plain.exit_code == 0 and "open-risky-port" not in plain.output.split("Lint")[0]
    own = runner.invoke(app, ["lint", "--current", str(path), "--risks", str(risks)])
    assert own.exit_code == 1, own.output
    assert "critical open-risky-port" in own.output and "tcp/3000 (Grafana)" in own.output


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"label": "x", "ports": "0"}, "out of range"),
        ({"label": "x", "ports": 22, "severity": "high"}, "severity 'high' not allowed"),
        ({"label": "x", "ports": 22, "check": "open-thing"}, "check 'open-thing' not allowed"),
        ({"ports": 22}, "label is required"),
        ({"label": "x", "ports": 22, "colour": "red"}, "unknown field(s) colour"),
    ],
)
def test_a_bad_risk_file_names_the_entry_and_what_is_allowed(entry, message):
    with pytest.raises(InputError) as err:
        parse_risks([entry], "risks.yaml")
    assert "risks.yaml: entry 1" in str(err.value) and message in str(err.value)


def test_messages_tell_the_real_share_of_the_address_space():
    (f,) = lint(_state("22/22").model_copy(), date(2026, 1, 1), ["open-admin-port"])
    assert f.message == "lets in tcp/22 (SSH) from all of the public IPv4 internet"
    half = build_state({"version": 1, "groups": [{"name": "a", "vpc_id": "v", "rules": [
        {"direction": "ingress", "protocol": "tcp", "ports": "22/22", "peer": "0.0.0.0/1"}]}]})  # fmt: skip
    (g,) = lint(half, date(2026, 1, 1), ["open-admin-port"])
    assert g.message == "lets in tcp/22 (SSH) from 56.5% of the public IPv4 internet"
