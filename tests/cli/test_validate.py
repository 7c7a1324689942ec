"""`sgplan validate` and `sgplan schema` through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml
from typer.testing import CliRunner

from sgplan.cli import app
from sgplan.load import load_stack

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_validate_prod_prints_a_summary():
    result = runner.invoke(app, ["validate", "--stack", "prod"])
    assert result.exit_code == 0, result.output
    stack = load_stack("prod")
    assert (
        f"stack prod is valid: {len(stack.groups)} groups, {stack.rule_count} rules"
        in result.output
    )
    for g in stack.groups:
        assert g.name in result.output


def test_validate_json():
    result = runner.invoke(
        app, ["validate", "--stack", str(ROOT / "examples/demo-stack.yaml"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "stack": "demo", "valid": True, "groups": 2, "rules": 7, "prefix_lists": 1, "members": 1,
    }  # fmt: skip


def test_broken_stack_exits_1_with_every_problem_and_no_traceback(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump({
        "name": "broken", "region": "cn-hangzhou", "vpc_id": "vpc-1",
        "groups": [{"name": "broken-web-app-sg", "description": "web", "rules": [
            {"direction": "ingress", "protocol": "tcp", "ports": 99999, "peer": "0.0.0.0/0"},
            {"direction": "ingress", "service": "ssh", "peer": "group:ghost-sg"},
        ]}],
    }))  # fmt: skip
    result = runner.invoke(app, ["validate", "--stack", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "error: stack broken has 2 problems:" in result.output
    assert (
        "rule 1 `ingress tcp 99999 from 0.0.0.0/0`: port range 99999 is outside 1-65535"
        in result.output
    )
    assert "rule 1 `ingress accept tcp 22 from group:ghost-sg priority 1`" not in result.output
    assert (
        "rule 2 `ingress accept tcp 22 from group:ghost-sg priority 1`: peer group:ghost-sg names a group"
        in result.output
    )


def test_the_summary_is_aligned_plain_text():
    lines = runner.invoke(app, ["validate", "--stack", "prod"]).output.splitlines()
    assert lines[0] == "stack prod (cn-hangzhou)"
    assert lines[1].split() == ["group", "type", "network", "ingress", "egress", "quota", "used"]
    assert lines[2].split()[0] == "prod-shop-web-sg" and lines[2].endswith("/200")
    # numbers right-aligned under their heading, every row as wide as the header
    end = lines[1].index("ingress") + len("ingress")
    assert all(line[end - 1].isdigit() and line[end] == " " for line in lines[2:-1])


def test_an_error_message_is_printed_as_it_is():
    # brackets and colons in a user's value are text, not markup (rich raised on "[/x]")
    result = runner.invoke(app, ["validate", "--stack", "no[/x]such :thumbs_up: [b]"])
    assert result.exit_code == 1
    assert "error: no stack 'no[/x]such :thumbs_up: [b]'" in result.output
    assert "Traceback" not in result.output


def test_missing_stack_is_a_clear_error():
    result = runner.invoke(app, ["validate", "--stack", "no-such-stack"])
    assert result.exit_code == 1
    assert "error: no stack 'no-such-stack'" in result.output
    assert "Traceback" not in result.output


def test_schema_describes_the_stack_files_we_accept():
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    example = yaml.safe_load((ROOT / "examples/demo-stack.yaml").read_text())
    jsonschema.validate(example, schema)
    # and a canonical dump of a built stack is itself a valid stack file
    dumped = load_stack("prod").model_dump(mode="json", exclude_none=True)
    jsonschema.validate(dumped, schema)
    # and a typo is caught by the schema as it is by the loader
    example["groups"][0]["rules"][0]["colour"] = "red"
    try:
        jsonschema.validate(example, schema)
    except jsonschema.ValidationError as exc:
        assert "colour" in exc.message
    else:
        raise AssertionError("schema accepted an unknown field")
