"""The CLI contract, part 2: a user's files and paths. Never a traceback, always the file's
name and what is wrong, and nothing written when a command fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .contract_helpers import PROD_STATE, ROOT, SHOP, binary, flat, run, tree, utf16


def bad_inputs(tmp_path: Path) -> dict[str, Path]:
    text = PROD_STATE.read_text(encoding="utf-8")
    stack = (SHOP / "stack.json").read_text(encoding="utf-8")
    return {
        "utf16-state": utf16(tmp_path / "state16.json", text),
        "utf16-stack": utf16(tmp_path / "stack16.json", stack),
        "utf16-module": utf16(tmp_path / "stack16.py", "def build():\n    return None\n"),
        "utf16-console": utf16(
            tmp_path / "ecs_cn-hangzhou_sg-bp1c3x8jfk2a0web01.json", '{"Permissions": {}}'
        ),
        "binary-state": binary(tmp_path / "blob.json"),
    }


# every command that reads a user's file, with {f} where the file goes
READERS = [
    ("validate", ["validate", "-s", "{f}"]),
    ("plan", ["plan", "-s", "prod", "-c", "{f}"]),
    ("plan-stack", ["plan", "-s", "{f}", "-c", str(PROD_STATE)]),
    ("diff", ["diff", "{f}", str(PROD_STATE)]),
    ("check", ["check", "-c", "{f}", "-g", "prod-shop-web-sg", "--peer", "1.1.1.1"]),
    ("lint", ["lint", "-c", "{f}"]),
    ("lint-stack", ["lint", "-s", "{f}"]),
    ("test", ["test", "-s", "prod", "-c", "{f}"]),
    ("export", ["export", "-c", "{f}", "--out", "{tmp}/exported"]),
    ("import", ["import", "--from", "{f}", "--name", "x", "--out", "{tmp}/x.py"]),
]
STACK_READERS = {"validate", "plan-stack", "lint-stack"}


@pytest.mark.parametrize(("label", "args"), READERS, ids=[r[0] for r in READERS])
@pytest.mark.parametrize("kind", ["utf16", "binary"])
def test_a_file_that_is_not_utf8_is_named_never_a_traceback(tmp_path, label, args, kind):
    files = bad_inputs(tmp_path)
    if kind == "binary":
        f, looks = files["binary-state"], "binary"
    elif label in STACK_READERS:
        f, looks = files["utf16-stack"], "UTF-16"
    else:
        f, looks = files["utf16-state"], "UTF-16"
    before = tree(tmp_path)
    result = run(*[a.format(f=f, tmp=tmp_path) for a in args])
    assert result.exit_code == 1, result.output
    assert f"{f}: not UTF-8 text (looks like {looks})" in flat(result.output), result.output
    assert "Traceback" not in result.output
    assert tree(tmp_path) == before


@pytest.mark.parametrize("name", ["utf16-module", "utf16-console"])
def test_utf16_stack_modules_and_console_files_too(tmp_path, name):
    f = bad_inputs(tmp_path)[name]
    args = ["validate", "-s", f] if f.suffix == ".py" else ["plan", "-s", "prod", "-c", f]
    result = run(*args)
    assert result.exit_code == 1
    assert f"{f}: not UTF-8 text (looks like UTF-16)" in flat(result.output)


# every command that writes, with {out} where the output path goes
WRITERS = [
    ("plan", ["plan", "-s", "prod", "--out", "{out}"], "file"),
    ("diff", ["diff", str(PROD_STATE), str(PROD_STATE), "--out", "{out}"], "file"),
    ("import", ["import", "--from", str(PROD_STATE), "--name", "p", "--out", "{out}"], "file"),
    ("export", ["export", "-c", str(PROD_STATE), "--out", "{out}"], "folder"),
    # pull must fail before reading: the endpoint is a closed port, never contacted
    ("pull", ["pull", "-s", "prod", "--endpoint", "127.0.0.1:9", "--out", "{out}"], "file"),
]


@pytest.mark.parametrize(("label", "args", "kind"), WRITERS, ids=[w[0] for w in WRITERS])
def test_out_into_a_missing_folder_is_refused_before_any_work(tmp_path, label, args, kind):
    out = tmp_path / "no" / "such" / ("x" if kind == "folder" else "x.out")
    result = run(*[a.format(out=out) for a in args])
    assert result.exit_code == 1, result.output
    assert f"--out {out}: folder {out.parent} does not exist" in flat(result.output)
    assert "Read " not in result.output and "Traceback" not in result.output
    assert tree(tmp_path) == {}


@pytest.mark.parametrize(("label", "args", "kind"), WRITERS, ids=[w[0] for w in WRITERS])
def test_out_onto_the_wrong_kind_of_path_is_refused(tmp_path, label, args, kind):
    if kind == "folder":
        out = tmp_path / "a-file"
        out.write_text("keep me\n")
        message = f"--out {out}: is a file; give a folder"
    else:
        out = tmp_path / "a-folder"
        out.mkdir()
        (out / "inside.txt").write_text("keep me\n")
        message = f"--out {out}: is a folder"
    before = tree(tmp_path)
    result = run(*[a.format(out=out) for a in args])
    assert result.exit_code == 1, result.output
    assert message in flat(result.output)
    assert tree(tmp_path) == before


def test_a_snapshot_with_groups_null_is_an_error_not_an_empty_estate(tmp_path):
    doc = json.loads(PROD_STATE.read_text(encoding="utf-8"))
    doc["groups"] = None
    damaged = tmp_path / "prod.json"
    damaged.write_text(json.dumps(doc))
    for args in (["plan", "-s", "prod", "-c", damaged], ["lint", "-c", damaged]):
        result = run(*args)
        assert result.exit_code == 1
        assert f"{damaged}: 'groups' is null; allowed: a list" in flat(result.output)


def test_plan_refuses_a_current_state_of_another_region(tmp_path):
    doc = json.loads(PROD_STATE.read_text(encoding="utf-8"))
    doc["region"] = "cn-shanghai"
    other = tmp_path / "shanghai.json"
    other.write_text(json.dumps(doc))
    out = tmp_path / "plan.txt"
    result = run("plan", "-s", "prod", "-c", other, "--out", out)
    assert result.exit_code == 1
    assert (
        "is in cn-shanghai but stack prod is in cn-hangzhou; plan against a state read from "
        "cn-hangzhou" in flat(result.output)
    )
    assert not out.exists()


def test_a_new_environment_plans_against_an_empty_estate_with_a_warning():
    assert not (ROOT / "state" / "staging.json").exists()
    result = run("plan", "-s", "staging", "--detailed-exitcode")
    assert result.exit_code == 2, result.output
    assert "warning: no snapshot state/staging.json: planning against an empty estate" in flat(
        result.output
    )
    assert "+ group staging-shop-web-sg (known after apply)" in result.output
    explicit = run("plan", "-s", "staging", "-c", "none", "-f", "json")
    assert explicit.exit_code == 0
    doc = json.loads(explicit.stdout)
    assert "--current none: planning against an empty estate" in " ".join(doc["warnings"])
    mixed = run("plan", "-s", "staging", "-c", "none", "-c", PROD_STATE)
    assert mixed.exit_code == 1 and "--current none means an empty estate" in mixed.output


@pytest.mark.parametrize("command", ["check", "lint", "test", "plan", "export"])
def test_current_takes_a_folder_everywhere(tmp_path, command):
    folder = tmp_path / "state"
    folder.mkdir()
    (folder / "prod.json").write_text(PROD_STATE.read_text(encoding="utf-8"), encoding="utf-8")
    args = {
        "check": ["check", "-c", folder, "-g", "prod-shop-web-sg", "--peer", "8.8.8.8",
                  "--port", "443"],
        "lint": ["lint", "-c", folder, "--check", "missing-description"],
        "test": ["test", "-s", "prod", "-c", folder],
        "plan": ["plan", "-s", "prod", "-c", folder, "--allow-unpromoted"],  # gate: not here
        "export": ["export", "-c", folder, "--out", tmp_path / "out"],
    }[command]  # fmt: skip
    result = run(*args)
    assert "Traceback" not in result.output
    assert "not understood" not in result.output and "no such file" not in result.output
    assert result.exit_code in (0, 1), result.output  # test and lint fail on prod's findings
    if command in ("check", "plan", "export"):
        assert result.exit_code == 0, result.output
