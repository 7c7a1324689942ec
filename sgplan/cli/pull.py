"""``sgplan pull``: read a stack's live groups and write its snapshot under ``state/``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..model.issues import InputError, StackInvalid
from ..userfiles import check_out_file
from .app import EXIT_CHANGES, app, err, plural, user_errors
from .options import ConcurrencyOpt, EndpointOpt, GroupType, OptionalStackOpt, RateOpt, VpcOpt

if TYPE_CHECKING:
    from ..model.stack import State


@app.command()
@user_errors
def pull(
    stack: OptionalStackOpt = None,
    region: Annotated[
        str | None,
        typer.Option("--region", metavar="REGION", help="without --stack: the region to read"),
    ] = None,
    vpc: VpcOpt = None,
    group_ids: Annotated[
        list[str] | None,
        typer.Option("--group-id", metavar="SG", help="without --stack: only these groups"),
    ] = None,
    tags: Annotated[
        list[str] | None,
        typer.Option(
            "--tag",
            metavar="KEY=VALUE",
            help="without --stack: only groups tagged KEY=VALUE (repeatable)",
        ),
    ] = None,
    group_type: Annotated[
        GroupType | None, typer.Option("--type", help="without --stack: only this group type")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", metavar="PATH", help="snapshot path (default state/STACK.json)"
        ),
    ] = None,
    endpoint: EndpointOpt = None,
    rate: RateOpt = None,
    concurrency: ConcurrencyOpt = None,
    detailed_exitcode: Annotated[
        bool, typer.Option("--detailed-exitcode", help="exit 2 when the snapshot changed")
    ] = False,
    allow_empty: Annotated[
        bool,
        typer.Option(
            "--allow-empty",
            help="write the snapshot even when the read finds none of the stack's groups "
            "or none of the previous snapshot's",
        ),
    ] = False,
) -> None:
    """Read live groups from the ECS API and write a snapshot (sorted, stable, diffable).

    Credentials come from the Alibaba Cloud default chain (environment, profile, ECS RAM
    role); nothing is written unless every call succeeded. With --stack, --vpc or no
    selector, the stack's (or VPC's) groups are read; --region reads every group.
    """
    from ..formats import snapshot
    from ..live import Filters, LiveConfig, filters_for_stack, read_live  # the SDK: only here
    from ..load import load_stack, project_root
    from .live_progress import live_progress

    if stack is not None:
        if region or vpc or group_ids or tags or group_type:
            raise InputError(
                "--region, --vpc, --group-id, --tag and --type select groups without a stack; "
                "with --stack the stack's region and VPC are read"
            )
        desired = load_stack(stack)
        region, filters = desired.region, filters_for_stack(desired)
        path = out or project_root() / "state" / f"{desired.name}.json"
    elif region and out:
        filters = Filters(vpc_id=vpc, group_ids=list(group_ids or ()),
                          group_type=group_type.value if group_type else None,
                          tags=_tags(tags or []))  # fmt: skip
        path = out
    else:
        raise InputError("give --stack NAME, or --region REGION with --out FILE")
    if out is None:
        path.parent.mkdir(parents=True, exist_ok=True)  # state/ of a fresh project
    check_out_file(path)
    config = LiveConfig.from_env(region, endpoint=endpoint, rate=rate, concurrency=concurrency)
    with live_progress(region) as progress:
        result = read_live(config, filters, progress=progress)
    if stack is not None and not allow_empty:
        _refuse_loss(result.state, path, region)
    changed = snapshot.write(result.state, path)
    state = result.state
    stats = result.stats
    console = err()
    for warning in result.loaded.warnings:
        console.print(f"warning: {warning}", markup=False)
    console.print(
        f"Read {plural(len(state.groups), 'group')}, {plural(state.rule_count, 'rule')}, "
        f"{plural(len(state.members), 'NIC')}, {plural(len(state.prefix_lists), 'prefix list')} "
        f"from {region} in {result.seconds:.1f} s "
        f"({plural(stats.calls, 'request')}, {stats.retry_count} {'retry' if stats.retry_count == 1 else 'retries'}).",
        markup=False,
    )
    console.print(f"{path}: {'written' if changed else 'unchanged'}", markup=False)
    if detailed_exitcode and changed:
        raise typer.Exit(EXIT_CHANGES)


def _tags(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError(f"--tag {item!r}: expected KEY=VALUE")
        out[key] = value
    return out


def _refuse_loss(state: State, path: Path, region: str) -> None:
    """Refuse to replace a snapshot with a read that found nothing of the stack (wrong
    account, VPC or credentials) or none of the groups the previous snapshot had."""
    if not state.groups:
        raise InputError(
            f"the read found none of the stack's groups in {region} (wrong account, VPC or "
            f"credentials?); {path} is left as it was; pass --allow-empty to write an empty "
            "snapshot"
        )
    if not path.is_file():
        return
    from ..formats import snapshot

    try:
        before = snapshot.read(path)
    except (InputError, StackInvalid):
        return  # an unreadable old snapshot is replaced: nothing in it could be used
    old = {g.id for g in before.groups if g.id}
    if old and not old & {g.id for g in state.groups if g.id}:
        raise InputError(
            f"the read found none of the {plural(len(old), 'group')} of {path} (wrong account "
            f"or credentials?); {path} is left as it was; pass --allow-empty to replace it"
        )
