"""``sgplan pull``: read a stack's live groups and write its snapshot under ``state/``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..formats import snapshot
from ..load import load_stack, project_root
from ..model.issues import InputError
from .app import EXIT_CHANGES, app, err, plural, user_errors

EndpointOpt = Annotated[
    str | None,
    typer.Option("--endpoint", help="ECS API host[:port] (default ecs.REGION.aliyuncs.com; "
                 "env SGPLAN_ECS_ENDPOINT)"),
]  # fmt: skip
RateOpt = Annotated[
    float | None,
    typer.Option("--rate", min=0.1, help="requests a second (default 50; env SGPLAN_ECS_RATE)"),
]
ConcurrencyOpt = Annotated[
    int | None,
    typer.Option("--concurrency", min=1, max=64, help="requests in flight (default 8)"),
]


@app.command()
@user_errors
def pull(
    stack: Annotated[
        str | None,
        typer.Option(
            "--stack",
            "-s",
            help="stack name (stacks/NAME.py) or a stack file: "
            "reads its region and VPC, writes state/STACK.json",
        ),
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="without --stack: the region to read")
    ] = None,
    vpc: Annotated[
        str | None, typer.Option("--vpc", help="without --stack: only groups of this VPC")
    ] = None,
    group_ids: Annotated[
        list[str] | None, typer.Option("--group-id", help="without --stack: only these groups")
    ] = None,
    tags: Annotated[
        list[str] | None,
        typer.Option("--tag", help="without --stack: only groups tagged KEY=VALUE (repeatable)"),
    ] = None,
    group_type: Annotated[
        str | None, typer.Option("--type", help="without --stack: normal or enterprise")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="snapshot path (default state/STACK.json)")
    ] = None,
    endpoint: EndpointOpt = None,
    rate: RateOpt = None,
    concurrency: ConcurrencyOpt = None,
    detailed_exitcode: Annotated[
        bool, typer.Option("--detailed-exitcode", help="exit 2 when the snapshot changed")
    ] = False,
) -> None:
    """Read live groups from the ECS API and write a snapshot (sorted, stable, diffable).

    Credentials come from the Alibaba Cloud default chain (environment, profile, ECS RAM
    role); nothing is written unless every call succeeded.
    """
    from ..live import Filters, LiveConfig, filters_for_stack, read_live  # the SDK: only here
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
        if group_type not in (None, "normal", "enterprise"):
            raise InputError(f"--type {group_type}: allowed: normal, enterprise")
        filters = Filters(vpc_id=vpc, group_ids=list(group_ids or ()), group_type=group_type,
                          tags=_tags(tags or []))  # fmt: skip
        path = out
    else:
        raise InputError("give --stack NAME, or --region REGION with --out FILE")
    config = LiveConfig.from_env(region, endpoint=endpoint, rate=rate, concurrency=concurrency)
    with live_progress(region) as progress:
        result = read_live(config, filters, progress=progress)
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
