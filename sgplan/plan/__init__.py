"""The diff planner: desired vs current state, as rule sets to add, remove and re-describe."""

from .apply import apply_plan
from .model import (
    KNOWN_AFTER_APPLY,
    AttrChange,
    DescriptionChange,
    Finding,
    GroupPlan,
    Mode,
    Plan,
    PrefixListPlan,
    Step,
)
from .planner import PlanOptions, Resolver, diff_states, plan_stack

__all__ = [
    "KNOWN_AFTER_APPLY", "AttrChange", "DescriptionChange", "Finding", "GroupPlan", "Mode",
    "Plan", "PlanOptions", "PrefixListPlan", "Resolver", "Step", "apply_plan", "diff_states",
    "plan_stack",
]  # fmt: skip
