"""The CLI contract, part 1: exit codes and one vocabulary, for every command.

Walks the command tree itself, so a command added later is held to the same rules: ``-h``
works, help fits 80 columns, an unknown flag or bad value exits 1 (never click's 2, which
``--detailed-exitcode`` reserves for changes), a short flag means one thing everywhere.
"""

from __future__ import annotations

import json

import pytest
import typer.main

from sgplan import __version__
from sgplan.cli import app

from .contract_helpers import PROD_STATE, SHOP, flat, run, sgplan

ROOT_COMMAND = typer.main.get_command(app)
COMMANDS = sorted(ROOT_COMMAND.commands)  # type: ignore[attr-defined]


def params(name: str) -> dict[str, object]:
    cmd = ROOT_COMMAND.commands[name]  # type: ignore[attr-defined]
    return {p.name: p for p in cmd.params}


def option(name: str, flag: str):
    cmd = ROOT_COMMAND.commands[name]  # type: ignore[attr-defined]
    for p in cmd.params:
        if flag in getattr(p, "opts", ()):
            return p
    raise AssertionError(f"sgplan {name} has no {flag}")


def flags_of(name: str) -> set[str]:
    cmd = ROOT_COMMAND.commands[name]  # type: ignore[attr-defined]
    return {o for p in cmd.params for o in getattr(p, "opts", [])}


def test_the_commands_are_the_documented_ones():
    assert set(COMMANDS) >= {
        "check", "diff", "export", "import", "lint", "plan", "pull", "schema", "test",
        "validate",
    }  # fmt: skip


def test_version_and_short_help():
    version = run("--version")
    assert (version.exit_code, version.output) == (0, f"sgplan {__version__}\n")
    short = run("-h")
    assert short.exit_code == 0 and "Exit codes: 0" in short.output
    bare = run()
    assert bare.exit_code == 0 and "Usage: sgplan" in bare.output


@pytest.mark.parametrize("command", COMMANDS)
def test_help_works_with_h_and_fits_80_columns(command):
    result = run(command, "-h")
    assert result.exit_code == 0, result.output
    wide = [line for line in result.output.splitlines() if len(line) > 80]
    assert not wide, wide
    assert "<list[" not in result.output and "<str>" not in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_flag_exits_1_not_2(command):
    result = run(command, "--no-such-flag")
    assert result.exit_code == 1, result.output
    assert "No such option: --no-such-flag" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate"], "Missing option '--stack'"),
        (["plan"], "Missing option '--stack'"),
        (["test"], "Missing option '--stack'"),
        (["import"], "Missing option '--name'"),
        (["diff", str(SHOP / "state.json")], "Missing argument 'DESIRED'"),
        (["plan", "-s", "prod", "-m", "merge"], "'merge' is not one of 'sync', 'additive'"),
        (["plan", "-s", "prod", "-f", "html"], "'html' is not one of 'text', 'markdown', 'json'"),
        (["plan", "-s", "prod", "--max-remove-share", "2"], "should be less than or equal to 1"),
        (["check", "-s", "prod", "-d", "in"], "'in' is not one of 'ingress', 'egress'"),
        (["check", "-s", "prod", "-p", "sctp"], "'sctp' is not one of 'tcp', 'udp'"),
        (["check", "-s", "prod", "--nic-type", "public"], "'public' is not one of"),
        (["check", "-s", "prod", "--port", "http"], "'--port': Input should be a valid integer"),
        (["lint", "-s", "prod", "--min-severity", "high"], "'high' is not one of 'critical'"),
        (["export", "--out", "x", "-f", "xml"], "'xml' is not one of 'json', 'csv', 'both'"),
        (["pull", "--concurrency", "0"], "should be greater than or equal to 1"),
    ],
)
def test_usage_errors_exit_1_with_the_message(args, message):
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert message in flat(result.output)
    assert "Traceback" not in result.output


def test_no_short_flag_has_two_meanings():
    meanings: dict[str, set[str]] = {}
    for name in COMMANDS:
        for p in ROOT_COMMAND.commands[name].params:  # type: ignore[attr-defined]
            opts = getattr(p, "opts", [])
            longs = [o for o in opts if o.startswith("--")]
            for short in (o for o in opts if not o.startswith("--")):
                meanings.setdefault(short, set()).update(longs)
    clashes = {s: sorted(m) for s, m in meanings.items() if len(m) > 1}
    assert not clashes, clashes


def test_one_vocabulary():
    every = {name: params(name) for name in COMMANDS}
    # --vpc, never --vpc-id
    flags = {o for ps in every.values() for p in ps.values() for o in getattr(p, "opts", [])}
    assert "--vpc-id" not in flags and "--vpc" in flags
    # --current: the same option (file or folder, repeatable, same help) wherever it exists
    currents = {n: option(n, "--current") for n in COMMANDS if "--current" in flags_of(n)}
    assert set(currents) >= {"check", "export", "lint", "plan", "test"}
    assert all(p.multiple and "-c" in p.opts for p in currents.values())
    assert all("or a folder of them" in (p.help or "") for p in currents.values())
    # --stack takes a name or a path everywhere
    for n in COMMANDS:
        if "--stack" in flags_of(n):
            assert "stack file" in (option(n, "--stack").help or ""), n
    # the same live options where the cloud is read
    for n in ("plan", "import", "pull"):
        for flag in ("--endpoint", "--rate", "--concurrency"):
            assert option(n, flag).help == option("pull", flag).help, (n, flag)
    # one blast-radius default
    assert (
        option("plan", "--max-remove-share").default == option("diff", "--max-remove-share").default
    )


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        ("check", "-d, --direction <ingress|egress>"),
        ("check", "-p, --protocol <tcp|udp|icmp|icmpv6|gre>"),
        ("check", "--nic-type <intranet|internet>"),
        ("lint", "--min-severity <critical|warning|info>"),
        ("pull", "--type <normal|enterprise>"),
        ("plan", "-m, --mode <sync|additive>"),
    ],
)
def test_choices_are_real_choices(command, shown):
    assert shown in run(command, "-h").output


def test_a_subprocess_sees_the_same_exit_codes(tmp_path):
    """What a pipeline sees: 0 fine, 1 error (usage errors too), 2 changes."""
    ok = sgplan("validate", "-s", "prod")
    typo = sgplan("plan", "-s", "prod", "--detailed-exit-code")
    changes = sgplan(
        "plan", "-s", SHOP / "stack.json", "-c", SHOP / "state.json", "--detailed-exitcode"
    )
    same = sgplan("diff", PROD_STATE, PROD_STATE, "--detailed-exitcode")
    broken = sgplan("plan", "-s", "prod", "-c", tmp_path / "missing.json")
    assert ok.returncode == 0, ok.stderr
    assert typo.returncode == 1 and "No such option: --detailed-exit-code" in typo.stderr
    assert changes.returncode == 2, changes.stderr
    assert same.returncode == 0 and "No changes." in same.stdout
    assert broken.returncode == 1
    assert broken.stderr.startswith(f"error: {tmp_path / 'missing.json'}: no such file")
    for r in (ok, typo, changes, same, broken):
        assert "Traceback" not in r.stdout + r.stderr


def test_json_requested_means_json_on_stdout_even_for_a_usage_of_a_missing_stack():
    res = run("validate", "-s", "nosuch", "-f", "json")
    assert res.exit_code == 1
    doc = json.loads(res.stdout)
    assert doc["valid"] is False and "no stack 'nosuch'" in doc["problems"][0]["message"]
