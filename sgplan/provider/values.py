"""Pulumi property values <-> plain Python values (dicts, lists, str, float, bool, None).

On the wire a value Pulumi does not know yet is the string :data:`pulumi.runtime.rpc.UNKNOWN`
(the SDK's property values neither recognise it when reading nor can write their own
``Computed``); both directions map it to :data:`UNKNOWN` here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.runtime.rpc import UNKNOWN as WIRE_UNKNOWN


class Unknown:
    """A value Pulumi does not know yet (a new group's ID during preview)."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN = Unknown()


def to_plain(value: PropertyValue) -> Any:
    inner = value.value
    if isinstance(inner, Computed) or inner == WIRE_UNKNOWN:
        return UNKNOWN
    if isinstance(inner, Mapping):
        return {k: to_plain(v) for k, v in inner.items()}
    if isinstance(inner, (list, tuple)):
        return [to_plain(v) for v in inner]
    return inner


def plain_map(values: Mapping[str, PropertyValue]) -> dict[str, Any]:
    return {k: to_plain(v) for k, v in values.items()}


def has_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, Mapping):
        return any(has_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(has_unknown(v) for v in value)
    return False


def from_plain(value: Any) -> PropertyValue:
    if value is UNKNOWN:
        return PropertyValue(WIRE_UNKNOWN)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return PropertyValue(value)
    if isinstance(value, (int, float)):
        return PropertyValue(float(value))
    if isinstance(value, Mapping):
        return PropertyValue({str(k): from_plain(v) for k, v in value.items()})
    if isinstance(value, Sequence):
        return PropertyValue([from_plain(v) for v in value])
    raise TypeError(f"cannot pass {type(value).__name__} to Pulumi")


def value_map(values: Mapping[str, Any]) -> dict[str, PropertyValue]:
    return {k: from_plain(v) for k, v in values.items()}
