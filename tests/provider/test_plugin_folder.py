"""The plugin folder and the project file: what lets `pulumi preview` on a fresh clone find
the provider, and the config keys the program and provider read."""

from __future__ import annotations

import re

import yaml

from sgplan.provider.inputs import parse_inputs, rule_input, rule_name
from sgplan.provider.schema import CONFIG, schema

from .harness import PLUGIN, ROOT


def test_pulumi_yaml_points_at_the_plugin_folder_and_declares_every_program_key():
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["plugins"]["providers"] == [{"name": "sgplan", "path": "./provider"}]
    assert (ROOT / project["plugins"]["providers"][0]["path"] / "PulumiPlugin.yaml").is_file()
    program = (ROOT / "modules" / "program.py").read_text()
    read = set(re.findall(r'config\.get(?:_bool)?\("(\w+)"\)', program))
    read |= set(re.findall(r'_flag\(config, "(\w+)"\)', program))
    assert read <= set(project["config"]), read - set(project["config"])
    assert not set(project["config"]) & set(CONFIG)  # provider keys are the provider's


def test_plugin_manifest_runs_python_from_the_projects_virtualenv():
    manifest = yaml.safe_load((PLUGIN / "PulumiPlugin.yaml").read_text())
    assert manifest["runtime"]["name"] == "python"
    assert (PLUGIN / manifest["runtime"]["options"]["virtualenv"]).resolve() == ROOT / ".venv"
    assert (PLUGIN / "__main__.py").is_file()


def test_schema_marks_credentials_secret_and_types_every_rule_field():
    doc = schema()
    variables = doc["config"]["variables"]
    assert {k for k, v in variables.items() if v.get("secret")} == {
        "accessKeyId", "accessKeySecret", "securityToken"}  # fmt: skip
    rule_type = doc["types"]["sgplan:ecs:Rule"]["properties"]
    from sgplan.provider.inputs import INPUT_FIELDS

    assert set(rule_type) == set(INPUT_FIELDS)


def test_rule_names_come_from_identity_only():
    from sgplan.model.rule import Rule

    a = Rule.model_validate({"direction": "ingress", "protocol": "tcp", "ports": 443,
                             "peer": "10.0.0.0/8", "description": "one"})  # fmt: skip
    b = a.with_(description="two")
    c = a.with_(priority=2)
    assert rule_name(a) == rule_name(b) != rule_name(c)
    assert rule_name(a).startswith("in-tcp-443-")
    inputs, failures = parse_inputs({"groupId": "sg-1", "region": "cn-hangzhou",
                                     "rules": {rule_name(a): rule_input(a)}})  # fmt: skip
    assert failures == [] and inputs.rules[rule_name(a)] == a and inputs.mode == "sync"


def test_two_names_for_one_identity_are_one_problem():
    from sgplan.model.rule import Rule

    a = Rule.model_validate({"direction": "ingress", "protocol": "tcp", "ports": 22,
                             "peer": "10.0.0.0/8"})  # fmt: skip
    _, failures = parse_inputs({"groupId": "sg-1", "region": "cn-hangzhou",
                                "rules": {"x": rule_input(a), "y": rule_input(a)}})  # fmt: skip
    assert [f.property for f in failures] == ['rules["y"]']
    assert "would hold them as one rule" in failures[0].reason
