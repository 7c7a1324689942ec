"""Commands are imported when first used: the table that lists them without importing them
(``COMMANDS`` in sgplan/cli/app.py) must say what the commands themselves say."""

from __future__ import annotations

import inspect

import pytest
import typer.main

from sgplan.cli import app
from sgplan.cli.app import COMMANDS, load_command

from .contract_helpers import run


def _first_paragraph(text: str | None) -> str:
    return " ".join(inspect.cleandoc(text or "").split("\n\n")[0].split())


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_table_says_what_the_command_says(name):
    command = load_command(name)
    assert command.name == name
    assert _first_paragraph(command.help) == COMMANDS[name][1]


def test_every_registered_command_is_in_the_table():
    for name in COMMANDS:  # imports every command module
        load_command(name)
    registered = {info.name or typer.main.get_command_name(info.callback.__name__)
                  for info in app.registered_commands}  # fmt: skip
    assert registered == set(COMMANDS)


def test_the_help_lists_the_commands_in_the_table_order_with_their_summaries():
    # the same lines whether the commands were built or not (this test's module built them)
    listed = run("--help").output.split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listed] == list(COMMANDS)
    group = typer.main.get_command(app)
    width = 80 - 6 - max(map(len, COMMANDS))
    for line, name in zip(listed, COMMANDS, strict=True):
        short = group.commands[name].get_short_help_str(width)  # type: ignore[attr-defined]
        assert line.split(None, 1)[1] == short


def test_lint_check_names_are_the_lints():
    from sgplan.cli.lint import CHECK_NAMES
    from sgplan.lint import CHECKS

    assert tuple(CHECKS) == CHECK_NAMES


def test_an_unknown_command_is_a_usage_error():
    result = run("nosuch")
    assert result.exit_code == 1
    assert "No such command 'nosuch'" in result.output
