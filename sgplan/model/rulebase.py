"""What makes :class:`sgplan.model.rule.Rule` a validated model without pydantic's per-object
cost.

A pydantic model keeps a dict and a fields-set per instance: about 1.5 KB per rule, and
estates hold millions. A rule is instead a frozen dataclass with slots (no ``__dict__``),
and its identity is computed once, when it is built. Validation is the one canonical path,
:func:`sgplan.model.rule.normalize_rule`; every way to a rule goes through it:
``Rule(**fields)``, ``Rule.model_validate(data)``, and pydantic itself when a rule is a
field of a group or a stack (this class gives pydantic its schema). ``from_normalized``
admits a dict that ``normalize_rule`` has just returned (the builders call it first, to
report problems with their positions), so nothing is validated twice.

The pydantic methods the code base uses (``model_validate``, ``model_dump``, ``model_copy``,
``model_fields``) keep their meaning.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, cast

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler, TypeAdapter, ValidationInfo
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, ValidationError, core_schema

if TYPE_CHECKING:
    from typing import Self

_DERIVED = ("key",)


class RuleModel:
    """Base of :class:`Rule`: validation, pydantic integration, dumps and copies."""

    __slots__ = ()

    model_fields: ClassVar[dict[str, dataclasses.Field[Any]]]
    _names: ClassVar[tuple[str, ...]]
    _fieldset: ClassVar[frozenset[str]]
    _slots_defaults: ClassVar[tuple[tuple[str, Any], ...]]
    _defaults: ClassVar[dict[str, Any]]
    _waivers: ClassVar[TypeAdapter[Any] | None] = None
    _waiver_type: ClassVar[type]

    # -- set up once, after the dataclass is made ----------------------------------------------
    @classmethod
    def _setup(cls) -> None:
        fields = [f for f in dataclasses.fields(cls) if f.name not in _DERIVED]  # type: ignore[arg-type]
        cls.model_fields = {f.name: f for f in fields}
        cls._names = tuple(f.name for f in fields)
        cls._fieldset = frozenset(cls._names)
        cls._slots_defaults = tuple((f.name, f.default) for f in fields)
        cls._defaults = {f.name: f.default for f in fields if f.default is not dataclasses.MISSING}
        _fillers[cls] = _filler(cls)
        from .rule import Waiver  # defined beside Rule

        cls._waiver_type = Waiver

    # -- hooks the rule module provides ----------------------------------------------------------
    @staticmethod
    def _identity(rule: Any) -> Any:  # pragma: no cover - replaced by Rule
        raise NotImplementedError

    @staticmethod
    def _normalize(
        data: dict[str, Any], live: bool
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:  # pragma: no cover - replaced by Rule
        raise NotImplementedError

    # -- construction ----------------------------------------------------------------------------
    def __init__(self, **data: Any) -> None:
        clean = _clean_or_raise(type(self), data, live=False)
        _fill(self, clean)

    @classmethod
    def _checked(cls, data: Any, context: Mapping[str, Any] | None) -> dict[str, Any]:
        """The canonical fields of ``data``, or PydanticCustomError naming every problem."""
        if not isinstance(data, Mapping):
            raise PydanticCustomError(
                "rule",
                "a rule must be a mapping of fields, got {kind}",
                {"kind": type(data).__name__},
            )
        ctx = context or {}
        clean, problems = cls._normalize(dict(data), bool(ctx.get("live")))
        if problems:
            raise PydanticCustomError("rule", "; ".join(msg for _, msg in problems))
        return _typed(cls, clean)

    @classmethod
    def model_validate(cls, data: Any, *, context: Mapping[str, Any] | None = None) -> Self:
        if isinstance(data, cls):
            return data
        try:
            clean = cls._checked(data, context)
        except PydanticCustomError as exc:
            raise _validation_error(cls, exc, data) from None
        obj = object.__new__(cls)
        _fill(obj, clean)
        return obj

    @classmethod
    def from_normalized(cls, clean: dict[str, Any]) -> Self:
        """A rule from what ``normalize_rule`` has just returned without problems (the
        builders' path: they normalise first, to report problems with their positions)."""
        try:
            typed = _typed(cls, clean)
        except PydanticCustomError as exc:
            raise _validation_error(cls, exc, clean) from None
        obj = object.__new__(cls)
        _fill(obj, typed)
        return obj

    @classmethod
    def _pydantic_validate(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, cls):
            return value
        clean = cls._checked(value, info.context)
        obj = object.__new__(cls)
        _fill(obj, clean)
        return obj

    # -- copies and dumps -----------------------------------------------------------------------
    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy (the very object when nothing changes: rules are immutable); ``update``
        replaces fields as given, without validation (as pydantic's ``model_copy`` does), and
        the identity is computed afresh."""
        if not update:
            return self
        values = {name: getattr(self, name) for name in self._names}
        values.update(update)
        obj = object.__new__(type(self))
        _fill(obj, values)
        return obj

    def model_dump(
        self,
        *,
        mode: str = "python",
        exclude_none: bool = False,
        exclude_defaults: bool = False,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
    ) -> dict[str, Any]:
        """The fields as plain data: peer and port ranges as canonical text, waivers as dicts."""
        keep = set(include) if include is not None else None
        drop = set(exclude or ())
        out: dict[str, Any] = {}
        defaults = self._defaults
        for name in self._names:
            if name in drop or (keep is not None and name not in keep):
                continue
            value = getattr(self, name)
            if value is None and exclude_none:
                continue
            if exclude_defaults and name in defaults and value == defaults[name]:
                continue
            out[name] = _plain(name, value, mode)
        return out

    @classmethod
    def _pydantic_serialize(cls, value: Any, info: core_schema.SerializationInfo) -> Any:
        if not isinstance(value, cls):
            return value
        return value.model_dump(
            mode=info.mode,
            exclude_none=info.exclude_none,
            exclude_defaults=info.exclude_defaults,
        )

    # -- pydantic integration ---------------------------------------------------------------------
    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.with_info_plain_validator_function(
            cls._pydantic_validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                cls._pydantic_serialize, info_arg=True
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "object", "title": cls.__name__, "description": "one rule (see RuleSpec)"}

    # -- Python protocols ------------------------------------------------------------------------
    def __repr__(self) -> str:
        body = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._names)
        return f"{type(self).__name__}({body})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), tuple(getattr(self, n) for n in self._names)))

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: object) -> Self:
        return self


def _rebuild(cls: type[RuleModel], values: tuple[Any, ...]) -> RuleModel:
    obj = object.__new__(cls)
    _fill(obj, dict(zip(cls._names, values, strict=True)))
    return obj


_fillers: dict[type, Callable[[Any, Mapping[str, Any]], None]] = {}


def _fill(obj: RuleModel, values: Mapping[str, Any]) -> None:
    _fillers[type(obj)](obj, values)


def _filler(cls: type[RuleModel]) -> Callable[[Any, Mapping[str, Any]], None]:
    """A function setting every slot of a ``cls`` object from a mapping (defaults for what
    it lacks), then the identity: straight-line code, as dataclasses writes ``__init__``, for
    a loop over the fields costs more than the stores themselves (millions of rules)."""
    env: dict[str, Any] = {"identity": cls._identity}
    lines = ["def fill(obj, values):", "    get = values.get"]
    for i, (name, default) in enumerate(cls._slots_defaults):
        env[f"set{i}"] = cls.__dict__[name].__set__  # the slot's own descriptor
        env[f"default{i}"] = default
        lines.append(f"    set{i}(obj, get({name!r}, default{i}))")
    env["set_key"] = cls.__dict__["key"].__set__
    lines.append("    set_key(obj, identity(obj))")
    exec("\n".join(lines), env)  # code built from the class's own field names only
    return cast(Callable[[Any, Mapping[str, Any]], None], env["fill"])


def _typed(cls: type[RuleModel], clean: Mapping[str, Any]) -> dict[str, Any]:
    """What pydantic checked after normalisation: the fields' types, and waivers as models."""
    out = clean if type(clean) is dict else dict(clean)
    if not cls._fieldset.issuperset(out):
        unknown = set(out) - cls._fieldset
        raise PydanticCustomError(
            "rule", "unknown field(s) {names}", {"names": ", ".join(sorted(unknown))}
        )
    if "direction" not in out or "protocol" not in out or "peer" not in out:
        missing = next(n for n in ("direction", "protocol", "peer") if n not in out)
        raise PydanticCustomError("rule", "{name} is required", {"name": missing})
    for name in ("rule_id", "description", "local_cidr"):
        value = out.get(name)
        if value is not None and type(value) is not str and not isinstance(value, str):
            raise PydanticCustomError(
                "rule", "{name} must be text, got {value!r}", {"name": name, "value": value}
            )
    waivers = out.get("waivers")
    if waivers:
        out = dict(out)
        if not all(type(w) is cls._waiver_type for w in waivers):
            if cls._waivers is None:  # built on first use: start-up stays fast
                cls._waivers = TypeAdapter(tuple[cls._waiver_type, ...])  # type: ignore[name-defined]
            try:
                out["waivers"] = cls._waivers.validate_python(waivers)
            except ValidationError as exc:
                first = exc.errors(include_url=False)[0]
                where = ".".join(str(x) for x in first["loc"])
                raise PydanticCustomError(
                    "rule", "waivers.{where}: {msg}", {"where": where, "msg": first["msg"]}
                ) from None
        else:
            out["waivers"] = tuple(waivers)
    elif waivers is not None and waivers != ():
        out = dict(out)
        out["waivers"] = ()
    return out


def _clean_or_raise(cls: type[RuleModel], data: dict[str, Any], live: bool) -> dict[str, Any]:
    try:
        return cls._checked(data, {"live": live})
    except PydanticCustomError as exc:
        raise _validation_error(cls, exc, data) from None


def _validation_error(cls: type[RuleModel], exc: PydanticCustomError, data: Any) -> ValidationError:
    return ValidationError.from_exception_data(
        cls.__name__, [{"type": exc, "loc": (), "input": data}]
    )


def _plain(name: str, value: Any, mode: str) -> Any:
    if name == "waivers":
        items = [w.model_dump(mode=mode) for w in value]
        return items if mode == "json" else tuple(items)
    if name in ("peer", "ports", "source_ports"):
        return None if value is None else str(value)
    return value
