"""``sgplan comment``: wrap Markdown plans into one pull-request comment (hidden marker for
updating it in place, the forge's size limit respected, the summary always kept)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core

from ..model.issues import InputError
from ..render.comment import GITHUB_LIMIT
from .app import app, user_errors


class _Command(typer.core.TyperCommand):
    """Help shows the repeatable PLAN argument as ``PLAN... <path>``, not typer's
    ``PLAN <list[Path]>``."""

    def format_options(self, ctx: Any, formatter: Any) -> None:
        args, opts = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name != "argument":
                opts.append(record)
                continue
            name, text = record
            if param.nargs != 1:
                name = name.replace(" <list[Path]>", "... <path>")
            args.append((name, text))
        if args:
            with formatter.section("Arguments"):
                formatter.write_dl(args)
        if opts:
            with formatter.section("Options"):
                formatter.write_dl(opts)


@app.command(cls=_Command)
@user_errors
def comment(
    plans: Annotated[
        list[Path],
        typer.Argument(
            metavar="PLAN", help="Markdown plans (`sgplan plan --format markdown --out`)"
        ),
    ],
    key: Annotated[
        str,
        typer.Option(
            "--key", metavar="KEY", help="marker key: one comment per key on a pull request"
        ),
    ] = "plan",
    limit: Annotated[
        int,
        typer.Option(
            "--limit", metavar="N", min=2000, help="largest comment in characters (GitHub: 65536)"
        ),
    ] = GITHUB_LIMIT,
    heading: Annotated[
        str, typer.Option("--heading", metavar="TEXT", help="the comment's title")
    ] = "sgplan plan",
    footer: Annotated[
        str | None,
        typer.Option("--footer", metavar="TEXT", help="a last line, e.g. the commit planned"),
    ] = None,
    artifact: Annotated[
        str | None,
        typer.Option(
            "--artifact", metavar="URL", help="where the full plans are when the comment is cut"
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="PATH", help="write the comment here (else stdout)"),
    ] = None,
    print_marker: Annotated[
        bool, typer.Option("--print-marker", help="print only the marker (to find the comment)")
    ] = False,
) -> None:
    """One pull-request comment from Markdown plans, updated in place via a hidden marker."""
    from ..render.comment import marker, render_comment

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
