"""Find and load stacks: by name from the project's ``stacks/``, or from a file.

A Python stack module defines ``build() -> Stack`` (or a module-level ``STACK``); a JSON or
YAML stack holds the same fields as the Python DSL (``sgplan schema`` prints them). A user's
mistake in a stack file becomes :class:`StackInvalid` or :class:`InputError`, never a
traceback.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import ValidationError

from . import jsonload
from .model.build import build_stack, issues_from_validation
from .model.issues import InputError, StackInvalid
from .model.stack import Stack
from .userfiles import read_text, shown_path

STACK_SUFFIXES = (".py", ".yaml", ".yml", ".json")


def project_root(start: Path | None = None) -> Path:
    """The nearest directory at or above ``start`` holding ``Pulumi.yaml`` (else ``start``)."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / "Pulumi.yaml").is_file():
            return d
    return here


def stack_names(root: Path | None = None) -> list[str]:
    folder = project_root(root) / "stacks"
    if not folder.is_dir():
        return []
    return sorted(
        p.stem
        for p in folder.iterdir()
        if p.suffix in STACK_SUFFIXES and not p.stem.startswith("_") and p.stem != "catalog"
    )


def resolve_stack_path(ref: str, root: Path | None = None) -> Path:
    """A stack file from a path, or from a name looked up in ``<project>/stacks/``."""
    path = Path(ref)
    if path.suffix in STACK_SUFFIXES and path.is_file():
        return path
    base = project_root(root)
    for suffix in STACK_SUFFIXES:
        candidate = base / "stacks" / f"{ref}{suffix}"
        if candidate.is_file():
            return candidate
    known = stack_names(base)
    hint = f"; known stacks: {', '.join(known)}" if known else ""
    where = shown_path(base / "stacks")
    raise InputError(f"no stack {ref!r}: not a stack file and not in {where}{hint}")


def read_data_file(path: Path) -> Any:
    """Parse a JSON or YAML file, with a clear error naming the file and line."""
    text = read_text(path)
    if path.suffix == ".json":
        try:
            return jsonload.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    import yaml  # YAML stacks only

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(f"{path}: not valid YAML{line}") from None


def load_stack(ref: str | Path, root: Path | None = None) -> Stack:
    """Load and validate a stack by name or path; raises StackInvalid or InputError."""
    path = resolve_stack_path(str(ref), root)
    if path.suffix == ".py":
        return _from_python(path, root)
    data = read_data_file(path)
    if not isinstance(data, dict):
        raise InputError(f"{path}: a stack file must hold a mapping of fields at its top level")
    return build_stack(data)


def _import_module(path: Path, root: Path | None) -> ModuleType:
    base = project_root(root if root is not None else path.parent)
    if str(base) not in sys.path:
        sys.path.insert(0, str(base))
    if path.parent.resolve() == (base / "stacks").resolve():
        name = f"stacks.{path.stem}"
        if name in sys.modules:
            return importlib.reload(sys.modules[name])
        return importlib.import_module(name)
    spec = importlib.util.spec_from_file_location(f"_sgplan_stack_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise InputError(f"{path}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _from_python(path: Path, root: Path | None) -> Stack:
    read_text(path)  # a file that is not UTF-8 text is named as such, not as a SyntaxError
    try:
        module = _import_module(path, root)
        builder = getattr(module, "build", None)
        if callable(builder):
            result = builder()
        elif hasattr(module, "STACK"):
            result = module.STACK
        else:
            raise InputError(f"{path}: a stack module must define build() returning a Stack")
    except (StackInvalid, InputError):
        raise
    except ValidationError as exc:
        raise StackInvalid(path.stem, issues_from_validation(exc, stack=path.stem)) from None
    except Exception as exc:
        raise InputError(_user_code_error(path, exc)) from None
    if isinstance(result, Stack):
        return result
    if isinstance(result, dict):
        return build_stack(result)
    raise InputError(f"{path}: build() returned {type(result).__name__}; allowed: a Stack")


def _user_code_error(path: Path, exc: BaseException) -> str:
    """Where in the user's own file the error happened, without a traceback."""
    line = ""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.startswith(str(path.parent.resolve())) or frame.filename == str(path):
            line = f" (at {Path(frame.filename).name}:{frame.lineno})"
            break
    if isinstance(exc, SyntaxError):
        line = f" (at {Path(exc.filename or path).name}:{exc.lineno})"
    return f"{path}: the stack module failed: {type(exc).__name__}: {exc}{line}"
