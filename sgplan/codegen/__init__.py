"""Python stack modules generated from a current state (``sgplan import``)."""

from .module import GeneratedModule, generate_stack_module, render_stack_module
from .verify import RoundTrip, round_trip, stack_from_text

__all__ = [
    "GeneratedModule",
    "RoundTrip",
    "generate_stack_module",
    "render_stack_module",
    "round_trip",
    "stack_from_text",
]
