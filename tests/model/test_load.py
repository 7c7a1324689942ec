"""Loading stacks by name or path, from Python, JSON or YAML; user mistakes read clearly."""

from __future__ import annotations

import json
import textwrap

import pytest
import yaml

from sgplan.load import load_stack, project_root, stack_names
from sgplan.model.issues import InputError, StackInvalid

GOOD = {
    "name": "demo",
    "region": "cn-hangzhou",
    "vpc_id": "vpc-1",
    "groups": [{"name": "demo-web-app-sg", "description": "web", "rules": [
        {"direction": "ingress", "service": ["http", "https"], "peer": "0.0.0.0/0"}]}],
}  # fmt: skip


def test_bundled_stacks_are_found_by_name():
    names = stack_names()
    assert "prod" in names
    assert load_stack("prod").name == "prod"
    assert (project_root() / "Pulumi.yaml").is_file()


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".yml"])
def test_data_files_load(tmp_path, suffix):
    path = tmp_path / f"demo{suffix}"
    path.write_text(json.dumps(GOOD) if suffix == ".json" else yaml.safe_dump(GOOD))
    st = load_stack(path)
    assert [r.text() for r in st.groups[0].rules] == [
        "ingress accept tcp 80 from 0.0.0.0/0 priority 1",
        "ingress accept tcp 443 from 0.0.0.0/0 priority 1",
    ]


def test_python_file_with_build(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(
        textwrap.dedent("""
        from sgplan import define_stack, security_group, ingress, svc
        def build():
            return define_stack("mine", "cn-hangzhou", vpc_id="vpc-1", groups=[
                security_group("mine-web-app-sg", "web", rules=[ingress(svc.SSH, from_="1.2.3.4")])])
    """)
    )
    assert (
        load_stack(path).groups[0].rules[0].text()
        == "ingress accept tcp 22 from 1.2.3.4/32 priority 1"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("def build(:\n", "the stack module failed: SyntaxError"),
        ("x = 1\n", "a stack module must define build() returning a Stack"),
        ("def build():\n    return 42\n", "build() returned int; allowed: a Stack"),
        (
            "def build():\n    return undefined_name\n",
            "the stack module failed: NameError: name 'undefined_name' is not defined (at broken.py:2)",
        ),
    ],
)
def test_python_mistakes_are_input_errors_with_a_line(tmp_path, body, message):
    path = tmp_path / "broken.py"
    path.write_text(body)
    with pytest.raises(InputError) as exc:
        load_stack(path)
    assert message in str(exc.value)


def test_models_built_directly_in_python_report_as_stack_problems(tmp_path):
    path = tmp_path / "direct.py"
    path.write_text(
        "from sgplan import Rule\ndef build():\n    return Rule(direction='ingress', protocol='tcp', ports=0, peer='1.2.3.4')\n"
    )
    with pytest.raises(StackInvalid) as exc:
        load_stack(path)
    assert "port range 0 is outside 1-65535" in str(exc.value)


def test_bad_yaml_and_unknown_names(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: [unclosed\n")
    with pytest.raises(InputError, match="not valid YAML at line 2"):
        load_stack(path)
    with pytest.raises(InputError, match=r"no stack 'nope'.*known stacks: .*prod"):
        load_stack("nope")
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]")
    with pytest.raises(InputError, match="must hold a mapping"):
        load_stack(listed)
