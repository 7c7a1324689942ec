"""Risk and hygiene checks on stacks and current states (``sgplan lint``, the CrossGuard pack,
the Pulumi gate)."""

from .checks import CHECKS, SEVERITIES, Check, Finding, Severity
from .run import LintInput, blocking, gate, lint, lint_input

__all__ = [
    "CHECKS",
    "SEVERITIES",
    "Check",
    "Finding",
    "LintInput",
    "Severity",
    "blocking",
    "gate",
    "lint",
    "lint_input",
]
