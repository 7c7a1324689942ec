"""The steps ``__main__.py`` wires together, each small enough to read at a glance.

    stack name -> typed stack -> lint gate -> plan (adoption) -> resources

Everything a user can get wrong (an invalid stack, a missing file, the wrong region) is
turned by :func:`clean_failure` into ``pulumi.log.error`` lines and a :class:`pulumi.RunError`,
which fails ``pulumi preview`` with the collected messages and no Python traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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
from sgplan.plan import PlanOptions, plan_stack
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


def lint_gate(stack: Stack, today: date | None = None) -> None:
    """Stop the run on unwaived critical findings, before any resource is registered.

    The same checks as ``sgplan lint`` (and the CrossGuard pack); a finding is waived on its
    rule with ``waive(check, reason, expires)`` until the waiver expires.
    """
    findings = gate(stack, today or date.today())
    if findings:
        raise StackInvalid(stack.name, [f.issue(stack.name) for f in findings])


def state_path(stack: Stack) -> Path:
    """``sgplan:state``, else ``state/<stack>.json``: the snapshot the plan compares with."""
    configured = _config().get("state")
    path = Path(configured) if configured else Path("state") / f"{stack.name}.json"
    return path if path.is_absolute() else PROJECT_ROOT / path


def adoption(stack: Stack) -> Adoption:
    """Plan ``stack`` against its snapshot and adopt what already exists live.

    Live groups, prefix lists and rules that the stack declares are imported, never
    created. A plan the cloud would refuse (a service-managed group, a limit) stops the run.
    Live rules the stack does not declare are reported: Pulumi never removes what it did not
    create, so the sync plan's removals of them are listed for a person to carry out.
    """
    path = state_path(stack)
    if not path.is_file():
        pulumi.log.warn(
            f"no snapshot {path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path}: "
            f"nothing is adopted, every group is created; run `sgplan pull --stack {stack.name}` first"
        )
        return Adoption()
    loaded = load_current([path])
    plan = plan_stack(stack, loaded.state, PlanOptions(mode="additive"), [str(path)])
    refusals = [f for f in plan.findings if f.kind == "refusal"]
    if refusals:
        raise StackInvalid(
            stack.name, [Issue(f.message, stack=stack.name, group=f.group) for f in refusals]
        )
    for g in plan.groups:
        for r in g.drift:
            pulumi.log.warn(f"group {g.name}: live rule `{r.text()}` is not in the stack; "
                            "Pulumi leaves it (see `sgplan plan` for the sync plan)")  # fmt: skip
    return adoption_from_plan(plan)


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
