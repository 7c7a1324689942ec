"""The CLI tells the truth about its input: unknown shapes, unknown groups, classic NIC
types, the console's diagnosis without a peer, regions with spaces."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sgplan.cli.app import app
from sgplan.formats import snapshot
from sgplan.model import StackInvalid, build_stack, build_state

runner = CliRunner()

CLASSIC = {
    "version": 1,
    "region": "cn-hangzhou",
    "groups": [
        {"name": "old-classic-web-sg", "id": "sg-classic01", "network": "classic",
         "rules": [
             {"direction": "ingress", "protocol": "tcp", "ports": "22/22", "peer": "0.0.0.0/0",
              "nic_type": "internet"},
             {"direction": "ingress", "protocol": "tcp", "ports": "3306/3306",
              "peer": "0.0.0.0/0", "nic_type": "intranet"},
         ]},
    ],
}  # fmt: skip


@pytest.fixture
def classic(tmp_path):
    path = tmp_path / "classic.json"
    snapshot.write(build_state(CLASSIC), path)
    return path


def test_a_public_inventory_shape_is_an_error_naming_the_file_and_the_shapes(tmp_path):
    path = tmp_path / "inventory.json"
    path.write_text(json.dumps({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": []}]}))
    for command in ("lint", "check"):
        args = [command, "--current", str(path)] + (
            ["-g", "x", "--peer", "1.2.3.4"] if command == "check" else []
        )
        res = runner.invoke(app, args)
        assert res.exit_code == 1
        assert (
            str(path) in res.output and "SecurityGroups item 1 has no SecurityGroupId" in res.output
        )
        assert "DescribeSecurityGroupAttribute body" in res.output  # the accepted shapes
        assert "Traceback" not in res.output


def test_an_inventory_listing_groups_with_their_rules_inline_is_read(tmp_path):
    path = tmp_path / "inline.json"
    item = {"SecurityGroupId": "sg-inline01", "SecurityGroupName": "prod-app-web-sg",
            "VpcId": "vpc-1", "Permissions": {"Permission": [
                {"Direction": "ingress", "IpProtocol": "TCP", "PortRange": "22/22",
                 "SourceCidrIp": "0.0.0.0/0", "Policy": "Accept", "Priority": 1}]}}  # fmt: skip
    path.write_text(json.dumps({"SecurityGroups": {"SecurityGroup": [item]}}))
    res = runner.invoke(app, ["lint", "--current", str(path), "--check", "open-admin-port"])
    assert res.exit_code == 1 and "critical open-admin-port" in res.output


def test_classic_groups_are_checked_on_both_nic_types_and_say_which(classic):
    res = runner.invoke(app, ["check", "--current", str(classic), "-g", "old-classic-web-sg",
                              "--port", "22", "--peer", "8.8.8.8"])  # fmt: skip
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0].endswith("(internet NIC type: public traffic)")
    assert lines[1].split()[:2] == ["tcp/22", "accept"]
    assert lines[2].endswith("(intranet NIC type: the classic private network)")
    assert lines[3].split()[:2] == ["tcp/22", "drop"]


def test_lint_judges_the_internet_side_of_a_classic_group(classic):
    res = runner.invoke(app, ["lint", "--current", str(classic)])
    assert res.exit_code == 1
    assert "critical open-admin-port" in res.output and "internet NIC type (public)" in res.output
    assert "warning open-to-classic-network" in res.output
    assert "intranet NIC type (classic private network)" in res.output


def test_check_peer_naming_an_unknown_group_is_an_error_listing_the_groups(classic):
    res = runner.invoke(app, ["check", "--current", str(classic), "-g", "old-classic-web-sg",
                              "--port", "22", "--peer", "group:nope"])  # fmt: skip
    assert res.exit_code == 1
    assert "'nope', which does not exist; allowed: old-classic-web-sg, sg-classic01" in res.output


def test_diagnose_without_a_peer_probes_from_the_internet(classic):
    res = runner.invoke(app, ["check", "--current", str(classic), "-g", "old-classic-web-sg",
                              "--diagnose", "--nic-type", "internet"])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "ingress from internet" in res.output
    assert any(line.split()[:2] == ["tcp/22", "partly"] for line in res.output.splitlines())


@pytest.mark.parametrize("region", [" cn-hangzhou", "cn-hangzhou ", "cn hangzhou"])
def test_a_region_with_spaces_is_invalid(region):
    with pytest.raises(StackInvalid) as err:
        build_stack({"name": "prod", "region": region, "groups": []})
    assert "holds spaces" in str(err.value)


def test_equal_priority_ties_say_drop_wins(tmp_path):
    state = build_state({"version": 1, "groups": [{"name": "a", "vpc_id": "vpc-1", "rules": [
        {"direction": "ingress", "protocol": "tcp", "ports": "22/22", "peer": "0.0.0.0/0"},
        {"direction": "ingress", "protocol": "tcp", "ports": "22/22", "peer": "0.0.0.0/0",
         "policy": "drop"}]}]})  # fmt: skip
    path = tmp_path / "s.json"
    snapshot.write(state, path)
    res = runner.invoke(app, ["check", "--current", str(path), "-g", "a", "--port", "22",
                              "--peer", "8.8.8.8"])  # fmt: skip
    assert "equal priority: drop wins over a rule 2" in res.output.replace("\n", " ") or (
        "equal priority: drop wins over" in res.output
    )
    assert "stronger" not in res.output and "weaker" not in res.output
