"""Options shared by several commands: one name, one meaning, one default everywhere.

* ``--stack/-s``  a stack name (``stacks/NAME.py``) or a stack file path
* ``--current/-c`` current state: a file in any format the planner reads, or a folder of them
* ``--format/-f``, ``--out/-o``, ``--group/-g``
* ``--endpoint``, ``--rate``, ``--concurrency``: live reads (``pull``, ``plan --live``,
  ``import --live``)
* ``--vpc``: a VPC ID
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..formats import FORMATS
from ..model.issues import InputError

STACK_HELP = "stack name (stacks/NAME.py) or a stack file path"
CURRENT_HELP = f"current state: {FORMATS}, or a folder of them"

StackOpt = Annotated[str, typer.Option("--stack", "-s", metavar="NAME|FILE", help=STACK_HELP)]
OptionalStackOpt = Annotated[
    str | None, typer.Option("--stack", "-s", metavar="NAME|FILE", help=STACK_HELP)
]
CurrentOpt = Annotated[
    Path | None, typer.Option("--current", "-c", metavar="PATH", help=CURRENT_HELP)
]
CurrentListOpt = Annotated[
    list[Path] | None,
    typer.Option("--current", "-c", metavar="PATH", help=CURRENT_HELP + "; repeatable"),
]
VpcOpt = Annotated[str | None, typer.Option("--vpc", metavar="VPC", help="VPC ID (vpc-...)")]

EndpointOpt = Annotated[
    str | None,
    typer.Option(
        "--endpoint",
        metavar="HOST[:PORT]",
        help="ECS API host[:port] (default ecs.REGION.aliyuncs.com; env SGPLAN_ECS_ENDPOINT)",
    ),
]
RateOpt = Annotated[
    float | None,
    typer.Option(
        "--rate", metavar="N", min=0.1, help="requests a second (default 50; env SGPLAN_ECS_RATE)"
    ),
]
ConcurrencyOpt = Annotated[
    int | None,
    typer.Option(
        "--concurrency",
        metavar="N",
        min=1,
        max=64,
        help="requests in flight (default 8; env SGPLAN_ECS_CONCURRENCY)",
    ),
]

MAX_REMOVE_SHARE = 0.5
ShareOpt = Annotated[
    float,
    typer.Option(
        "--max-remove-share",
        metavar="SHARE",
        min=0.0,
        max=1.0,
        help="largest share of a group's rules a plan may remove without failing",
    ),
]


class Direction(StrEnum):
    ingress = "ingress"
    egress = "egress"


class Protocol(StrEnum):
    tcp = "tcp"
    udp = "udp"
    icmp = "icmp"
    icmpv6 = "icmpv6"
    gre = "gre"


class NicType(StrEnum):
    intranet = "intranet"
    internet = "internet"


class Severity(StrEnum):
    critical = "critical"
    warning = "warning"
    info = "info"


class GroupType(StrEnum):
    normal = "normal"
    enterprise = "enterprise"


class PlanFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


class ModeChoice(StrEnum):
    sync = "sync"
    additive = "additive"


def parse_today(value: str | None) -> date:
    """``--today``: the day waivers are judged on (default today)."""
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--today {value!r} is not a date; allowed: YYYY-MM-DD") from None
