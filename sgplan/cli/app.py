"""The typer app every command registers on, and what all commands share.

Commands are imported when first used: ``sgplan --help`` lists them from :data:`COMMANDS`
without importing one, and ``sgplan validate`` imports ``sgplan.cli.validate`` only. A command
module imports the engine inside its function, so ``sgplan NAME --help`` stays cheap too.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator, MutableMapping
from enum import StrEnum
from importlib import import_module
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer
import typer.core

from ..model.issues import InputError, StackInvalid

if TYPE_CHECKING:
    from rich.console import Console

try:  # typer >= 0.20 vendors click
    from typer._click import Command, Context, HelpFormatter
    from typer._click.exceptions import NoArgsIsHelpError, UsageError
    from typer._click.utils import make_default_short_help
except ImportError:  # pragma: no cover
    from click import Command, Context, HelpFormatter  # type: ignore[assignment]
    from click.exceptions import NoArgsIsHelpError, UsageError  # type: ignore[assignment]
    from click.utils import make_default_short_help  # type: ignore[no-redef]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2


# Every command, in the order ``sgplan --help`` lists them: the module of sgplan.cli that
# registers it, and the first paragraph of its help (tests/cli/test_lazy_commands.py holds
# each equal to the command's own).
COMMANDS: dict[str, tuple[str, str]] = {
    "apply": (
        "apply",
        "Apply a saved plan: re-read the groups it touches, refuse if any changed since the "
        "plan, show it, ask (unless --yes), then make the calls in an order that never lets "
        "access lapse.",
    ),
    "check": (
        "check",
        "Judge packets against a NIC's groups (or one group) and say which rule decides.",
    ),
    "comment": (
        "comment",
        "One pull-request comment from Markdown plans, updated in place via a hidden marker.",
    ),
    "plan": (
        "plan",
        "Plan a stack against its current state: rules to add, remove and re-describe.",
    ),
    "diff": (
        "plan",
        'The console\'s "restore rules" preview between two groups or two exports.',
    ),
    "export": (
        "export",
        "Write console-style export files: ecs_REGION_SG.json and ecs_sgRule_SG_REGION_DATE.csv.",
    ),
    "import": (
        "import_stack",
        "Generate a Python stack module from a current state, pinned to the live IDs.",
    ),
    "lint": (
        "lint",
        "Risk and hygiene checks on a stack or a current state (exit 1 on unwaived critical, "
        "or when part of the input could not be read: the rest is judged all the same).",
    ),
    "pull": (
        "pull",
        "Read live groups from the ECS API and write a snapshot (sorted, stable, diffable).",
    ),
    "report": (
        "report",
        "Who can reach what: an access matrix, a group graph, rules and findings per group.",
    ),
    "test": ("test", "Check the stack's intents (on its desired groups, or on --current)."),
    "validate": (
        "validate",
        "Validate a stack against every rule and limit, and what the apply path refuses "
        "(unwaived critical findings); print a summary (exit 1 on problems).",
    ),
    "schema": ("validate", "Print the JSON Schema of a stack file (JSON or YAML)."),
    "verify": (
        "verify",
        "Prove a change landed: live equals the stack, its intents hold, no critical finding.",
    ),
}


def _command_name(info: typer.models.CommandInfo) -> str:
    assert info.callback is not None
    return info.name or typer.main.get_command_name(info.callback.__name__)


def load_command(name: str) -> Command:
    """Import the module of command ``name`` and build its click command."""
    import_module(f"{__package__}.{COMMANDS[name][0]}")
    for info in app.registered_commands:
        if _command_name(info) == name:
            return typer.main.get_command_from_info(
                info,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
            )
    raise LookupError(f"sgplan.cli.{COMMANDS[name][0]} registers no command {name!r}")


class _Commands(MutableMapping[str, Command]):
    """The group's commands: every name of :data:`COMMANDS`, each built when first looked up.
    Commands already registered when the group is made (their module was imported) are
    there from the start."""

    def __init__(self, built: dict[str, Command]) -> None:
        self.built = dict(built)

    def __getitem__(self, name: str) -> Command:
        if name not in self.built:
            if name not in COMMANDS:
                raise KeyError(name)
            self.built[name] = load_command(name)
        return self.built[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self.built[name] = command

    def __delitem__(self, name: str) -> None:
        del self.built[name]

    def __iter__(self) -> Iterator[str]:
        yield from COMMANDS
        yield from (name for name in self.built if name not in COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS.keys() | self.built.keys())


class _Group(typer.core.TyperGroup):
    """Exit codes a pipeline can trust: usage errors (unknown flag, missing option, bad
    value) exit 1 like every other error, not click's 2, which is reserved for changes and
    drift under ``--detailed-exitcode``. ``sgplan`` alone prints the help and exits 0.

    Commands are built when first looked up (:class:`_Commands`); the list in the help comes
    from :data:`COMMANDS`, so printing it imports none."""

    def __init__(self, *, commands: dict[str, Command] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lazy = _Commands(commands or {})
        self.commands = self.lazy

    def list_commands(self, ctx: Context) -> list[str]:
        return list(self.commands)  # the names only: typer's own builds every command

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        built = self.lazy.built
        names = [n for n in self.list_commands(ctx) if n not in built or not built[n].hidden]
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)  # as click lays it out
        rows = [
            (
                n,
                built[n].get_short_help_str(limit)
                if n in built
                else make_default_short_help(COMMANDS[n][1], limit),
            )
            for n in names
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def get_help_option(self, ctx: Context) -> Any:
        # ``--help`` absent is None, which typer coerces to a bool through a pydantic
        # TypeAdapter: pydantic imported (0.1 s) for `sgplan NAME --help`. False needs none.
        option = super().get_help_option(ctx)
        if option is not None and option.default is None:
            option.default = False
        return option

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except UsageError as exc:
            raise _one(exc) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            raise _one(exc) from None


def _one(exc: UsageError) -> UsageError:
    exc.exit_code = EXIT_OK if isinstance(exc, NoArgsIsHelpError) else EXIT_ERROR
    return exc


app = typer.Typer(
    name="sgplan",
    cls=_Group,
    rich_markup_mode=None,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 80},
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("sgplan")
        except PackageNotFoundError:  # pragma: no cover - run from a source tree
            from .. import __version__ as number
        typer.echo(f"sgplan {number}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    show_version: bool = typer.Option(
        False, "--version", is_eager=True, callback=_version, help="print the version and exit"
    ),
) -> None:
    """Alibaba Cloud ECS security groups as typed Python stacks: validate, plan, check.

    Exit codes: 0 success or no changes, 1 any error, 2 changes or drift (only with
    --detailed-exitcode).
    """


class OutputFormat(StrEnum):
    """Machine or human output, for commands that offer both."""

    text = "text"
    json = "json"


F = TypeVar("F", bound=Callable[..., Any])


def out() -> Console:
    """Console for results (stdout); wide and plain when piped so nothing is truncated."""
    from rich.console import Console  # imported by the commands that print with it only

    tty = sys.stdout.isatty()
    return Console(highlight=False, soft_wrap=True, width=None if tty else 160)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def err() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _error_label() -> str:
    """``error:``, bold red on a terminal (click drops the colour elsewhere; so does NO_COLOR).
    The message itself is printed as it is: no markup, so ``[...]`` in a user's value stays."""
    if os.environ.get("NO_COLOR"):
        return "error:"
    return typer.style("error:", fg="red", bold=True)


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    typer.echo(f"{_error_label()} {message}", err=True)
    raise typer.Exit(code)


def report_invalid(exc: StackInvalid) -> NoReturn:
    name = exc.stack or "(unnamed)"
    noun = "problem" if len(exc.issues) == 1 else "problems"
    lines = [f"{_error_label()} stack {name} has {len(exc.issues)} {noun}:"]
    lines.extend(f"  - {issue}" for issue in exc.issues)
    typer.echo("\n".join(lines), err=True)
    raise typer.Exit(EXIT_ERROR)


def user_errors(fn: F) -> F:
    """Turn a user's own mistakes into a clear message and exit code 1, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StackInvalid as exc:
            report_invalid(exc)
        except InputError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(EXIT_OK) from None

    return wrapper  # type: ignore[return-value]
