"""``sgplan plan`` (a stack against its current state) and ``sgplan diff`` (two states)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..formats import FORMATS
from ..model.issues import InputError
from ..userfiles import check_out_file, write_text
from .app import EXIT_CHANGES, EXIT_ERROR, EXIT_OK, app, user_errors
from .options import (
    CURRENT_HELP,
    MAX_REMOVE_SHARE,
    ConcurrencyOpt,
    EndpointOpt,
    ModeChoice,
    PlanFormat,
    RateOpt,
    ShareOpt,
    StackOpt,
)

if TYPE_CHECKING:  # the planner is imported when a plan is made, not for --help
    from ..formats.current import LoadedState
    from ..model.stack import Stack
    from ..plan import Plan
    from ..plan.model import Finding

FormatOpt = Annotated[
    PlanFormat, typer.Option("--format", "-f", help="text, markdown (pull requests) or json")
]
ModeOpt = Annotated[
    ModeChoice,
    typer.Option("--mode", "-m", help="sync: groups end equal to the stack (full restore); "
                 "additive: never remove what the stack does not declare (partial restore)"),
]  # fmt: skip
DetailedOpt = Annotated[
    bool,
    typer.Option("--detailed-exitcode", help="exit 2 when there are changes (0 none, 1 error)"),
]
OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "-o",
        metavar="PATH",
        help="write the plan to this file; a .json file (or -f json) "
        "is a saved plan that `sgplan apply FILE` applies exactly as shown",
    ),
]
EffectsOpt = Annotated[
    bool,
    typer.Option(
        "--effects/--no-effects", help="show the flows each change newly allows or blocks"
    ),
]
AllowDestroyOpt = Annotated[
    bool, typer.Option("--allow-destroy", help="consent to deleting or replacing groups")
]
AllowNoIngressOpt = Annotated[
    bool,
    typer.Option("--allow-no-ingress", help="consent to leaving a group with no ingress it had"),
]
NONE = "none"
EMPTY = "(empty estate)"


def current_for_stack(desired: Stack, current: list[Path] | None) -> LoadedState:
    """The current state ``plan`` compares with: ``--current`` (``none`` for an empty
    estate), else ``state/STACK.json``, else an empty estate with a warning (a new
    environment, as the Pulumi program plans it)."""
    from ..formats.current import LoadedState, load_current
    from ..load import project_root
    from ..model.issues import Issue
    from ..model.stack import State

    if current and any(str(c) == NONE for c in current):
        if len(current) > 1:
            raise InputError("--current none means an empty estate; give it alone")
        return LoadedState(
            State(region=desired.region),
            [Issue("--current none: planning against an empty estate (every group is created)")],
            [f"{NONE} {EMPTY}"],
        )
    if current:
        return load_current(current)
    path = project_root() / "state" / f"{desired.name}.json"
    if path.is_file():
        return load_current([path])
    return LoadedState(
        State(region=desired.region),
        [
            Issue(
                f"no snapshot {_shown(path)}: planning against an empty estate (every group is "
                f"created); run `sgplan pull --stack {desired.name}` if the groups exist, or pass "
                "--current none to say the estate is empty"
            )
        ],
        [EMPTY],
    )


def default_snapshot(desired: Stack) -> Path:
    """``state/STACK.json`` of a stack; an error when missing."""
    from ..load import project_root

    name = desired.name
    path = project_root() / "state" / f"{name}.json"
    if not path.is_file():
        raise InputError(
            f"no snapshot {_shown(path)} for stack {name}; run `sgplan pull --stack {name}` "
            f"or pass --current with {FORMATS}"
        )
    return path


def emit(plan: Plan, fmt: PlanFormat, out: Path | None) -> None:
    """Print the plan, or write it to ``out`` (checked before planning with check_out_file)."""
    from ..render import render_json, render_markdown, render_text

    if fmt is PlanFormat.json:
        text = render_json(plan)
    elif fmt is PlanFormat.markdown:
        text = render_markdown(plan)
    else:
        text = render_text(plan, colour=out is None and sys.stdout.isatty())
    if out is not None:
        write_text(out, text)
        typer.echo(f"plan written to {out}", err=True)
    else:
        typer.echo(text, nl=False)


def finish(plan: Plan, detailed: bool) -> None:
    if plan.blocked:
        raise typer.Exit(EXIT_ERROR)
    if detailed and plan.has_changes:
        raise typer.Exit(EXIT_CHANGES)
    raise typer.Exit(EXIT_OK)


def _shown(path: Path) -> str:
    """A path as the user would write it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# Below this many rules (stack and state together) a fork costs more than it saves.
PARALLEL_FROM_RULES = 20_000


def _apply_order(plan: Plan, loaded: LoadedState) -> list[Finding]:
    """Refusals from the apply engine's schedule (no safe order, a used prefix list deleted)."""
    from ..apply.schedule import order_findings

    return order_findings(plan, loaded.state.members, loaded.state.prefix_lists)


def _warnings(loaded: LoadedState) -> list[str]:
    return [str(w) for w in loaded.warnings]


@app.command()
@user_errors
def plan(
    stack: StackOpt,
    current: Annotated[
        list[Path] | None,
        typer.Option(
            "--current",
            "-c",
            metavar="PATH",
            help=CURRENT_HELP + "; repeatable; `none` for an empty estate "
            "(default state/STACK.json, else an empty estate with a warning)",
        ),
    ] = None,
    live: Annotated[
        bool, typer.Option("--live", help="read the current state from the cloud now")
    ] = False,
    endpoint: EndpointOpt = None,
    rate: RateOpt = None,
    concurrency: ConcurrencyOpt = None,
    mode: ModeOpt = ModeChoice.sync,
    fmt: FormatOpt = PlanFormat.text,
    detailed_exitcode: DetailedOpt = False,
    out: OutOpt = None,
    effects: EffectsOpt = True,
    allow_destroy: AllowDestroyOpt = False,
    allow_no_ingress: AllowNoIngressOpt = False,
    max_remove_share: ShareOpt = MAX_REMOVE_SHARE,
    scope_prefix: Annotated[
        str | None,
        typer.Option(
            "--scope-prefix",
            metavar="PREFIX",
            help="live groups named with this prefix belong to the stack "
            "(default: the environment and a dash, e.g. prod-)",
        ),
    ] = None,
    allow_unpromoted: Annotated[
        bool,
        typer.Option(
            "--allow-unpromoted",
            help="plan a change that was not applied to the "
            "stack's rehearsal clone and verified first (the promotion gate)",
        ),
    ] = False,
    promotion_record: Annotated[
        Path | None,
        typer.Option(
            "--promotion-record", help="the promotion record (default state/promotion.json)"
        ),
    ] = None,
) -> None:
    """Plan a stack against its current state: rules to add, remove and re-describe."""
    from ..beside import beside
    from ..load import load_stack, resolve_stack_path
    from ..plan import PlanOptions, plan_stack
    from ..plan.effects import attach_effects
    from ..promotion import apply_gate, default_record

    if out is not None:
        check_out_file(out)
    desired = load_stack(stack)
    if live and current:
        raise InputError("give either --live or --current, not both")
    if not live and (endpoint or rate or concurrency):
        raise InputError("--endpoint, --rate and --concurrency go with --live")
    if live:
        from ..live import LiveConfig, read_live_for_stack
        from .live_progress import live_progress

        with live_progress(desired.region) as progress:
            config = LiveConfig.from_env(
                desired.region, endpoint=endpoint, rate=rate, concurrency=concurrency
            )
            loaded = read_live_for_stack(desired, config, progress=progress)
    else:
        loaded = current_for_stack(desired, current)
    options = PlanOptions(
        mode=mode.value, max_remove_share=max_remove_share, allow_destroy=allow_destroy,
        allow_no_ingress=allow_no_ingress, scope_prefix=scope_prefix,
    )  # fmt: skip
    shown = [s if s.endswith(EMPTY) else _shown(Path(s)) for s in loaded.sources]
    result = plan_stack(desired, loaded.state, options, shown)
    result.warnings.extend(_warnings(loaded))
    # the apply order (a child's work on a second core, for large estates) beside the effects
    big = desired.rule_count + loaded.state.rule_count >= PARALLEL_FROM_RULES
    order = beside(_apply_order, result, loaded, worth_it=effects and big)
    if effects:
        attach_effects(result, loaded.state)
    result.findings.extend(order())
    apply_gate(result, desired, promotion_record or default_record(), allow_unpromoted,
               resolve_stack_path(stack))  # fmt: skip
    if out is not None and (fmt is PlanFormat.json or out.suffix.lower() == ".json"):
        from ..apply.saved import write_saved

        write_saved(out, result, desired, stack, loaded.state.members)
        if fmt is not PlanFormat.json:
            emit(result, fmt, None)
        typer.echo(f"saved plan written to {out}; apply it with `sgplan apply {out}`", err=True)
    else:
        emit(result, fmt, out)
    finish(result, detailed_exitcode)


@app.command()
@user_errors
def diff(
    current: Annotated[
        Path,
        typer.Argument(metavar="CURRENT", help="the groups as they are (any current-state format)"),
    ],
    desired: Annotated[
        Path,
        typer.Argument(
            metavar="DESIRED", help="the groups as they should be (any current-state format)"
        ),
    ],
    mode: ModeOpt = ModeChoice.sync,
    fmt: FormatOpt = PlanFormat.text,
    detailed_exitcode: DetailedOpt = False,
    out: OutOpt = None,
    effects: EffectsOpt = True,
    allow_destroy: AllowDestroyOpt = False,
    allow_no_ingress: AllowNoIngressOpt = False,
    max_remove_share: ShareOpt = MAX_REMOVE_SHARE,
) -> None:
    """The console's "restore rules" preview between two groups or two exports."""
    from ..formats.current import load_current
    from ..plan import PlanOptions, diff_states
    from ..plan.effects import attach_effects

    if out is not None:
        check_out_file(out)
    before = load_current([current])
    after = load_current([desired])
    regions = {before.state.region, after.state.region} - {None}
    if len(regions) > 1:
        raise InputError(
            f"{current} is in {before.state.region} and {desired} in {after.state.region}; rules are "
            "restored between groups of one region only (clone the group across regions instead)"
        )
    options = PlanOptions(
        mode=mode.value, max_remove_share=max_remove_share, allow_destroy=allow_destroy,
        allow_no_ingress=allow_no_ingress,
    )  # fmt: skip
    result = diff_states(before.state, after.state, options, [str(current), str(desired)])
    result.warnings.extend(_warnings(before) + _warnings(after))
    if effects:
        attach_effects(result, before.state)
    emit(result, fmt, out)
    finish(result, detailed_exitcode)
