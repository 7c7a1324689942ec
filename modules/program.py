"""The steps ``__main__.py`` wires together, each small enough to read at a glance.

    stack name -> typed stack -> preflight (lint gate, plan, refusals, gates) -> resources

Everything a user can get wrong (an invalid stack, a missing file, the wrong region) is
turned by :func:`clean_failure` into ``pulumi.log.error`` lines and a :class:`pulumi.RunError`,
which fails ``pulumi preview`` with the collected messages and no Python traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pulumi
import pulumi_alicloud.config as alicloud_config

from sgplan.formats.current import load_current
from sgplan.formats.resource_ids import Adoption
from sgplan.lint import gate
from sgplan.load import load_stack
from sgplan.model.issues import InputError, Issue, StackInvalid
from sgplan.model.stack import Stack
from sgplan.plan import Mode, Plan, PlanOptions, plan_stack
from sgplan.plan.adopt import adoption_from_plan

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_NAMESPACE = "sgplan"


def _config() -> pulumi.Config:
    return pulumi.Config(CONFIG_NAMESPACE)


def stack_ref() -> str:
    """The stack to apply: ``sgplan:stackFile`` when set, else the Pulumi stack's name
    (``pulumi stack select prod`` applies ``stacks/prod.py``)."""
    return _config().get("stackFile") or pulumi.get_stack()


def protect_groups() -> bool:
    """``sgplan:protectGroups``: refuse to delete (or replace) any group of the stack."""
    return bool(_config().get_bool("protectGroups"))


def select_stack() -> Stack:
    """The validated stack this Pulumi stack applies, in the region it is configured for.

    Raises :class:`StackInvalid` (every problem of the stack) or :class:`InputError`.
    """
    stack = load_stack(stack_ref(), PROJECT_ROOT)
    region = alicloud_config.region  # alicloud:region, else ALICLOUD_REGION: the provider's
    if region != stack.region:
        found = f"is {region}" if region else "is not set"
        raise InputError(
            f"stack {stack.name} is in {stack.region} but this Pulumi stack's alicloud:region "
            f"{found}; run `pulumi config set alicloud:region {stack.region}`"
        )
    return stack


@dataclass(frozen=True)
class Settings:
    """The plan's knobs as Pulumi config, the same as ``sgplan plan``'s options."""

    mode: Mode = "sync"
    max_remove_share: float = 0.5
    allow_destroy: bool = False
    allow_no_ingress: bool = False

    def options(self) -> PlanOptions:
        return PlanOptions(mode=self.mode, max_remove_share=self.max_remove_share,
                           allow_destroy=self.allow_destroy,
                           allow_no_ingress=self.allow_no_ingress)  # fmt: skip


def settings() -> Settings:
    """``sgplan:mode``, ``sgplan:maxRemoveShare``, ``sgplan:allowDestroy``,
    ``sgplan:allowNoIngress``; a bad value is a clear error."""
    config = _config()
    mode = config.get("mode") or "sync"
    if mode not in ("sync", "additive"):
        raise InputError(f"sgplan:mode is {mode!r}; allowed: sync, additive")
    raw = config.get("maxRemoveShare")
    share = 0.5
    if raw:
        try:
            share = float(raw)
        except ValueError:
            share = -1.0
        if not 0.0 <= share <= 1.0:
            raise InputError(f"sgplan:maxRemoveShare is {raw!r}; allowed: a number from 0 to 1")
    return Settings(mode, share, _flag(config, "allowDestroy"), _flag(config, "allowNoIngress"))  # type: ignore[arg-type]


def _flag(config: pulumi.Config, key: str) -> bool:
    raw = (config.get(key) or "false").strip().lower()
    if raw not in ("true", "false"):
        raise InputError(f"sgplan:{key} is {raw!r}; allowed: true, false")
    return raw == "true"


def lint_issues(stack: Stack, today: date | None = None) -> list[Issue]:
    """Unwaived critical findings: the same checks as ``sgplan lint`` (and the CrossGuard
    pack); a finding is waived on its rule with ``waive(check, reason, expires)``."""
    return [f.issue(stack.name) for f in gate(stack, today or date.today())]


def lint_gate(stack: Stack, today: date | None = None) -> None:
    """Stop the run on unwaived critical findings, before any resource is registered."""
    issues = lint_issues(stack, today)
    if issues:
        raise StackInvalid(stack.name, issues)


def state_path(stack: Stack) -> Path:
    """``sgplan:state``, else ``state/<stack>.json``: the snapshot the plan compares with."""
    configured = _config().get("state")
    path = Path(configured) if configured else Path("state") / f"{stack.name}.json"
    return path if path.is_absolute() else PROJECT_ROOT / path


@dataclass
class Preflight:
    """What the program learned before registering anything: the plan (``None`` without a
    snapshot), the live groups and prefix lists to adopt, and their live tags."""

    plan: Plan | None
    adopt: Adoption
    live_tags: dict[str, dict[str, str]]


def preflight(stack: Stack, chosen: Settings, today: date | None = None) -> Preflight:
    """Everything ``sgplan plan`` enforces, all problems at once, before any resource.

    Lint gate (unwaived critical findings), then the plan against the snapshot in the
    configured mode: refusals (what the cloud would refuse) and blast-radius gates without
    consent (``sgplan:maxRemoveShare``, ``sgplan:allowDestroy``, ``sgplan:allowNoIngress``).
    Raises :class:`StackInvalid` listing every problem.
    """
    issues = lint_issues(stack, today)
    path = state_path(stack)
    plan: Plan | None = None
    if path.is_file():
        loaded = load_current([path])
        plan = plan_stack(stack, loaded.state, chosen.options(), [str(path)])
        for f in plan.findings:
            if f.blocks:
                issues.append(Issue(f"{f.message} (plan {f.kind} {f.name}; {CONSENT.get(f.name, 'nothing was applied')})",
                                    stack=stack.name, group=f.group))  # fmt: skip
    else:
        shown = path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path
        pulumi.log.warn(
            f"no snapshot {shown}: the gates and adoption need one; groups not pinned with id "
            f"are created; run `sgplan pull --stack {stack.name}` first"
        )
    if issues:
        raise StackInvalid(stack.name, issues)
    if plan is None:
        return Preflight(None, Adoption(), {})
    for g in plan.groups:
        if g.action == "delete":
            pulumi.log.warn(f"group {g.label}: the plan deletes it (declared nowhere in the "
                            "stack); Pulumi deletes it only if this stack manages it")  # fmt: skip
    tags = {g.name: dict(g.live.tags) for g in plan.groups if g.desired is not None and g.live}
    return Preflight(plan, adoption_from_plan(plan), tags)


CONSENT = {
    "remove-share": "raise sgplan:maxRemoveShare to allow",
    "destroy": "set sgplan:allowDestroy true to allow",
    "no-ingress": "set sgplan:allowNoIngress true to allow",
}


@contextmanager
def clean_failure() -> Iterator[None]:
    """Report a user's mistake as Pulumi errors and stop the run without a traceback."""
    try:
        yield
    except StackInvalid as exc:
        for issue in exc.issues:
            pulumi.log.error(str(issue))
        noun = "problem" if len(exc.issues) == 1 else "problems"
        raise pulumi.RunError(
            f"stack {exc.stack or '(unnamed)'} has {len(exc.issues)} {noun} (listed above); "
            "nothing was applied"
        ) from None
    except InputError as exc:
        pulumi.log.error(str(exc))
        raise pulumi.RunError(f"{exc}; nothing was applied") from None
