"""The typer app every command registers on, and what all commands share."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer
import typer.core

from ..model.issues import InputError, StackInvalid

if TYPE_CHECKING:
    from rich.console import Console

try:  # typer >= 0.20 vendors click
    from typer._click.exceptions import NoArgsIsHelpError, UsageError
except ImportError:  # pragma: no cover
    from click.exceptions import NoArgsIsHelpError, UsageError  # type: ignore[assignment]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2


class _Group(typer.core.TyperGroup):
    """Exit codes a pipeline can trust: usage errors (unknown flag, missing option, bad
    value) exit 1 like every other error, not click's 2, which is reserved for changes and
    drift under ``--detailed-exitcode``. ``sgplan`` alone prints the help and exits 0."""

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


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    err().print(f"[bold red]error:[/] {message}", markup=True)
    raise typer.Exit(code)


def report_invalid(exc: StackInvalid) -> NoReturn:
    console = err()
    name = exc.stack or "(unnamed)"
    noun = "problem" if len(exc.issues) == 1 else "problems"
    console.print(f"[bold red]error:[/] stack {name} has {len(exc.issues)} {noun}:", markup=True)
    for issue in exc.issues:
        console.print(f"  - {issue}", markup=False)
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
