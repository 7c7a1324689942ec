"""``sgplan check`` through CliRunner: on a stack and on a current-state file, text and JSON,
the one-click diagnosis, peer sets, effective access, and clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from sgplan.cli import app
from sgplan.formats import snapshot
from sgplan.model import State

from .helpers import rule, sg

runner = CliRunner()

STACK = {
    "name": "demo", "region": "cn-hangzhou", "vpc_id": "vpc-1", "environment": "demo",
    "groups": [
        {"name": "demo-shop-web-sg", "description": "web", "rules": [
            {"direction": "ingress", "service": ["http", "https"], "peer": ["0.0.0.0/0", "::/0"]},
            {"direction": "ingress", "service": "icmp", "peer": "0.0.0.0/0"},
        ]},
        {"name": "demo-ops-guard-sg", "description": "guard", "rules": [
            {"direction": "ingress", "protocol": "tcp", "ports": 80, "peer": "198.18.0.0/15",
             "policy": "drop", "priority": 1},
            {"direction": "ingress", "service": "ssh", "peer": "161.117.0.0/16"},
        ]},
    ],
    "members": [{"nic": "eni-web1", "instance": "i-web1", "groups": ["demo-shop-web-sg", "demo-ops-guard-sg"]}],
}  # fmt: skip


@pytest.fixture
def stack_file(tmp_path: Path) -> str:
    path = tmp_path / "demo.yaml"
    path.write_text(yaml.safe_dump(STACK))
    return str(path)


def invoke(*args: str):
    return runner.invoke(app, ["check", *args])


def test_one_packet_names_the_deciding_rule(stack_file):
    res = invoke("-s", stack_file, "--nic", "eni-web1", "--port", "80", "--peer", "198.18.3.4")
    assert res.exit_code == 0, res.output
    assert res.output.splitlines() == [
        "NIC eni-web1: ingress from 198.18.3.4",
        "  tcp/80  drop     demo-ops-guard-sg rule 1 `ingress drop tcp 80 from 198.18.0.0/15 "
        "priority 1` is the strongest matching rule; equal priority: drop wins over "
        "demo-shop-web-sg rule 1 `ingress accept tcp 80 from 0.0.0.0/0 priority 1`",
    ]


def test_one_click_diagnosis_json(stack_file):
    res = invoke(
        "-s", stack_file, "-g", "demo-shop-web-sg", "--peer", "8.8.8.8", "--diagnose", "-f", "json"
    )
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    got = [(r["check"], r["outcome"], r["decided_by"]) for r in report["results"]]
    assert got == [
        ("ICMP", "accept", "rule"), ("tcp/80", "accept", "rule"), ("tcp/443", "accept", "rule"),
        ("tcp/22", "drop", "default"), ("tcp/3389", "drop", "default"), ("tcp/8080", "drop", "default"),
    ]  # fmt: skip
    assert report["results"][1]["rule"]["group"] == "demo-shop-web-sg"


def test_an_ipv6_peer_pings_with_icmpv6(stack_file):
    res = invoke("-s", stack_file, "-g", "demo-shop-web-sg", "--peer", "2001:4860::1", "--diagnose")
    assert res.exit_code == 0
    assert "  ICMPv6    drop     no rule matches" in res.output
    assert (
        "  tcp/443   accept   demo-shop-web-sg rule 4 `ingress accept tcp 443 from ::/0"
        in res.output
    )


def test_the_internet_as_a_peer_set(stack_file):
    res = invoke(
        "-s", stack_file, "--nic", "i-web1", "--peer", "internet", "-p", "tcp", "--port", "22"
    )
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[1].startswith(
        "  tcp/22  partly   accepted e.g. tcp/22 from 161.117.0.1: demo-ops-guard-sg rule 2"
    )
    assert "dropped e.g. tcp/22 from 8.8.8.8: no rule matches" in lines[2]


def test_effective_access_of_a_group(stack_file):
    res = invoke("-s", stack_file, "-g", "demo-shop-web-sg", "--access")
    assert res.exit_code == 0, res.output
    assert res.output.splitlines() == [
        "group demo-shop-web-sg: ingress lets through",
        "  all from group:demo-shop-web-sg",
        "  tcp 80, 443 from 0.0.0.0/0, ::/0, any group",
        "  icmp from 0.0.0.0/0, any group",
        "group demo-shop-web-sg: egress lets through",
        "  all to 0.0.0.0/0, ::/0, any group",
    ]


def test_a_current_state_file_and_group_ids(tmp_path):
    grp = sg("live-web", rule("ingress", "accept", 1, "tcp", "443", "0.0.0.0/0"), id="sg-live01")
    path = tmp_path / "state.json"
    snapshot.write(State(groups=(grp,)), path)
    res = invoke(
        "-c", str(path), "-g", "sg-live01", "--port", "443", "--peer", "1.1.1.1", "-f", "json"
    )
    assert res.exit_code == 0, res.output
    (row,) = json.loads(res.output)["results"]
    assert (row["outcome"], row["rule"]["group_id"]) == ("accept", "sg-live01")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-g", "nope", "--peer", "1.1.1.1", "--port", "1"], "no group 'nope' in stack demo"),
        (["--nic", "eni-x", "--peer", "1.1.1.1"], "no NIC or instance 'eni-x'"),
        (["-g", "demo-shop-web-sg", "--peer", "1.1.1.1"], "tcp needs a destination port 1-65535"),
        (["-g", "demo-shop-web-sg", "--peer", "1.1.1", "--port", "1"], "is not one address"),
        (
            ["-g", "demo-shop-web-sg", "-d", "sideways", "--peer", "1.1.1.1"],
            "'sideways' is not one of 'ingress', 'egress'",
        ),
        (
            ["-g", "demo-shop-web-sg", "-p", "all", "--peer", "1.1.1.1"],
            "'all' is not one of 'tcp', 'udp', 'icmp', 'icmpv6', 'gre'",
        ),
        (["-g", "demo-shop-web-sg"], "give --peer"),
    ],
)
def test_mistakes_are_clean_errors(stack_file, args, message):
    res = (
        invoke("-s", stack_file, *args)
        if "--peer" not in args or args[0] != "--peer"
        else invoke(*args)
    )
    assert res.exit_code == 1
    assert message in res.output
    assert "Traceback" not in res.output


def test_a_missing_or_ambiguous_source_is_a_clean_error(tmp_path, stack_file):
    res = invoke("-c", str(tmp_path / "none.json"), "-g", "x", "--peer", "1.1.1.1")
    assert res.exit_code == 1 and "none.json: no such file or folder" in res.output
    for args in ([], ["-s", stack_file, "-c", str(tmp_path / "none.json")]):
        res = invoke(*args, "-g", "x", "--peer", "1.1.1.1")
        assert res.exit_code == 1 and "give either --stack NAME or --current PATH" in res.output


def test_classic_public_traffic(tmp_path):
    path = tmp_path / "classic.yaml"
    path.write_text(yaml.safe_dump({
        "name": "c", "region": "cn-hangzhou",
        "groups": [{"name": "c-web-x-sg", "network": "classic", "rules": [
            {"direction": "ingress", "protocol": "tcp", "ports": 80, "peer": "8.8.8.8", "nic_type": "internet"}]}],
    }))  # fmt: skip
    public = invoke(
        "-s",
        str(path),
        "-g",
        "c-web-x-sg",
        "--port",
        "80",
        "--peer",
        "8.8.8.8",
        "--nic-type",
        "internet",
    )
    private = invoke("-s", str(path), "-g", "c-web-x-sg", "--port", "80", "--peer", "8.8.8.8")
    assert "tcp/80  accept" in public.output and "tcp/80  drop" in private.output
    bad = invoke("-s", str(path), "-g", "c-web-x-sg", "--peer", "8.8.8.8", "--nic-type", "public")
    assert bad.exit_code == 1 and "'public' is not one of 'intranet', 'internet'" in bad.output
