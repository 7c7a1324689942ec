"""``sgplan comment``: wrap Markdown plans into one pull-request comment (hidden marker for
updating it in place, the forge's size limit respected, the summary always kept)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..model.issues import InputError
from ..render.comment import GITHUB_LIMIT, marker, render_comment
from .app import app, user_errors


@app.command()
@user_errors
def comment(
    plans: Annotated[
        list[Path], typer.Argument(help="Markdown plans (`sgplan plan --format markdown --out`)")
    ],
    key: Annotated[
        str, typer.Option("--key", help="marker key: one comment per key on a pull request")
    ] = "plan",
    limit: Annotated[
        int,
        typer.Option("--limit", min=2000, help="largest comment in characters (GitHub: 65536)"),
    ] = GITHUB_LIMIT,
    heading: Annotated[str, typer.Option("--heading", help="the comment's title")] = "sgplan plan",
    footer: Annotated[
        str | None, typer.Option("--footer", help="a last line, e.g. the commit planned")
    ] = None,
    artifact: Annotated[
        str | None,
        typer.Option("--artifact", help="where the full plans are when the comment is cut"),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="write the comment here (else stdout)")
    ] = None,
    print_marker: Annotated[
        bool, typer.Option("--print-marker", help="print only the marker (to find the comment)")
    ] = False,
) -> None:
    """One pull-request comment from Markdown plans, updated in place via a hidden marker."""
    try:
        mark = marker(key)
    except ValueError as exc:
        raise InputError(f"--key: {exc}") from None
    if print_marker:
        typer.echo(mark)
        return
    parts = []
    for path in plans:
        try:
            parts.append((path.stem, path.read_text(encoding="utf-8")))
        except OSError as exc:
            raise InputError(f"cannot read plan {path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise InputError(f"{path} is not UTF-8 text (a Markdown plan)") from None
    try:
        text = render_comment(parts, key=key, limit=limit, heading=heading, footer=footer,
                              artifact=artifact)  # fmt: skip
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror}") from None
    typer.echo(f"comment written to {out} ({len(text):,} characters)", err=True)
