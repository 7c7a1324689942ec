"""The steps ``__main__.py`` wires together, each small enough to read at a glance.

    stack name -> typed stack -> lint gate -> plan (adoption) -> resources

Two steps are seams that later work fills in: :func:`lint_gate` and :func:`adoption`.
Everything a user can get wrong (an invalid stack, a missing file, the wrong region) is
turned by :func:`clean_failure` into ``pulumi.log.error`` lines and a :class:`pulumi.RunError`,
which fails ``pulumi preview`` with the collected messages and no Python traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pulumi
import pulumi_alicloud.config as alicloud_config

from sgplan.formats.resource_ids import Adoption
from sgplan.load import load_stack
from sgplan.model.issues import InputError, StackInvalid
from sgplan.model.stack import Stack

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


def lint_gate(stack: Stack) -> None:
    """SEAM - the lint gate (added by the lint work, not here).

    Will fail the run on unwaived critical findings before any resource is registered, by
    raising :class:`StackInvalid` whose issues are the findings. Until then every valid
    stack passes.
    """


def adoption(stack: Stack) -> Adoption:
    """SEAM - the plan against the snapshot under ``state/`` (added by the planner work).

    Will compare ``stack`` with ``state/<stack>.json`` and return the live groups, prefix
    lists and rules to adopt (import) rather than create, keyed as :class:`Adoption`
    documents. Until then nothing is adopted, except groups and prefix lists the stack
    pins with ``id``.
    """
    return Adoption()


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
