"""Run the Pulumi program, or a component, under Pulumi's own mock runtime and record it.

Each run is fresh: new settings, a new root stack, new config, new mocks. The mocks record
every registered resource (type, name, inputs, import ID) and answer with realistic IDs
(``sg-...`` for groups, ``pl-...`` for prefix lists) so wiring can be checked by ID.
"""

from __future__ import annotations

import hashlib
import logging
import runpy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.settings import get_root_resource, reset_options

ROOT = Path(__file__).resolve().parent.parent
MAIN = ROOT / "__main__.py"
PROJECT = "sgplan"

GROUP = "alicloud:ecs/securityGroup:SecurityGroup"
RULE = "alicloud:ecs/securityGroupRule:SecurityGroupRule"
PREFIX_LIST = "alicloud:ecs/ecsPrefixList:EcsPrefixList"
COMPONENT = "sgplan:index:SecurityGroupStack"
RULESET = "sgplan:ecs:RuleSet"

_ID_PREFIX = {GROUP: "sg-", PREFIX_LIST: "pl-"}
_LOGGER = logging.getLogger("sgplan.tests.pulumi")
_LOGGER.propagate = False


@dataclass(frozen=True)
class Registered:
    type: str
    name: str
    inputs: dict[str, Any]
    id: str
    import_id: str | None
    custom: bool


class RecordingMocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.registered: list[Registered] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        digest = hashlib.sha256(f"{args.typ}/{args.name}".encode()).hexdigest()[:17]
        rid = args.resource_id or f"{_ID_PREFIX.get(args.typ, 'id-')}{digest}"
        self.registered.append(
            Registered(args.typ, args.name, dict(args.inputs), rid, args.resource_id or None,
                       bool(args.custom))
        )  # fmt: skip
        return rid, dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass
class Run:
    """What one program run did: registered resources (with their URNs and the options the
    program gave them), stack outputs, and the ``pulumi.log.error`` messages."""

    resources: list[Registered]
    outputs: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    urns: list[str] = field(default_factory=list)
    options: dict[tuple[str, str], pulumi.ResourceOptions] = field(default_factory=dict)

    def of(self, type_: str) -> list[Registered]:
        return [r for r in self.resources if r.type == type_]

    def named(self, type_: str) -> dict[str, Registered]:
        return {r.name: r for r in self.of(type_)}


def stack_config(stack: str) -> dict[str, str]:
    """The committed ``Pulumi.<stack>.yaml`` config, as the engine hands it to a program."""
    data = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text()) or {}
    out = {}
    for key, value in (data.get("config") or {}).items():
        out[key] = str(value).lower() if isinstance(value, bool) else str(value)
    return out


def run(
    body: Callable[[], Any], *, stack: str, config: Mapping[str, str], run_: Run | None = None
) -> Run:
    """Run ``body`` as a Pulumi program of ``stack`` with ``config``; record what it does.

    Exceptions of the program propagate; what was registered before is kept in ``run_``.
    """
    mocks = RecordingMocks()
    handler = _Errors()
    _LOGGER.addHandler(handler)
    record = run_ if run_ is not None else Run([])
    record.resources = mocks.registered
    record.errors = handler.messages
    monitor = MockMonitor(mocks)
    reset_options(project=PROJECT, stack=stack, preview=False)
    pulumi.runtime.set_mocks(
        mocks, project=PROJECT, stack=stack, preview=False, logger=_LOGGER, monitor=monitor
    )
    pulumi.runtime.set_all_config(dict(config))

    def remember(args: pulumi.ResourceTransformationArgs) -> None:
        record.options[(args.type_, args.name)] = args.opts

    @pulumi.runtime.test
    def program() -> Any:
        pulumi.runtime.register_stack_transformation(remember)
        body()
        root = get_root_resource()
        exports = getattr(root, "outputs", {})
        return pulumi.Output.all(**exports).apply(record.outputs.update) if exports else None

    try:
        program()
    finally:
        record.urns = list(monitor.resources)
        _LOGGER.removeHandler(handler)
    return record


def run_program(
    stack: str, config: Mapping[str, str] | None = None, run_: Run | None = None
) -> Run:
    """Run ``__main__.py`` fresh for Pulumi stack ``stack`` (config: its committed file)."""
    return run(
        lambda: runpy.run_path(str(MAIN), run_name="sgplan_program"),
        stack=stack,
        config=stack_config(stack) if config is None else config,
        run_=run_,
    )
