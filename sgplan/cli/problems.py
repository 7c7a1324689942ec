"""Problems as JSON on stdout for commands run with ``--format json``.

A pipeline that asked for JSON gets JSON whatever happens: ``{"valid": false, "problems":
[...]}`` with one object per problem (stack, group, rule, field, message), exit code 1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import typer

from ..model.issues import InputError, Issue, StackInvalid
from .app import EXIT_ERROR


def problems_document(stack: str | None, issues: Sequence[Issue], **extra: Any) -> str:
    doc: dict[str, Any] = {
        "stack": stack,
        "valid": False,
        "problems": [i.as_dict() for i in issues],
        **extra,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


@contextmanager
def json_problems(enabled: bool) -> Iterator[None]:
    """With ``enabled``, a user's mistake is printed as a JSON document on stdout (exit 1)
    instead of an ``error:`` line on stderr."""
    if not enabled:
        yield
        return
    try:
        yield
    except StackInvalid as exc:
        typer.echo(problems_document(exc.stack, exc.issues))
        raise typer.Exit(EXIT_ERROR) from None
    except InputError as exc:
        typer.echo(problems_document(None, [Issue(str(exc))]))
        raise typer.Exit(EXIT_ERROR) from None
