"""Clone, test, then apply: the promotion record and the gate a prod plan passes through."""

from .path import (
    CONFIG_KEY,
    GATE,
    Standing,
    apply_gate,
    clone_differences,
    default_record,
    rehearsal_of,
    stack_setting,
    standing,
    targets_of,
)
from .record import Entry, change_digest, current_commit, now_utc, read_record, write_record

__all__ = [
    "CONFIG_KEY",
    "GATE",
    "Entry",
    "Standing",
    "apply_gate",
    "change_digest",
    "clone_differences",
    "current_commit",
    "default_record",
    "now_utc",
    "read_record",
    "rehearsal_of",
    "stack_setting",
    "standing",
    "targets_of",
    "write_record",
]
