"""Reading and writing a user's own files with clear errors, never a traceback.

Every command (and the Pulumi program) reads stacks, snapshots and exports through
:func:`read_text`, and checks every ``--out`` with :func:`check_out_file` or
:func:`check_out_folder` *before* doing any work, so a typo in a path costs nothing.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from .model.issues import InputError

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


def guess_encoding(data: bytes) -> str:
    """A short guess at what non-UTF-8 bytes are, for the error message."""
    head = data[:4096]
    if head.startswith(_UTF32_BOMS):
        return "UTF-32"
    if head.startswith(_UTF16_BOMS):
        return "UTF-16"
    if len(head) >= 4:
        even, odd = head[0::2], head[1::2]
        # ASCII text in UTF-16 without a BOM: every other byte is zero
        if odd.count(0) > len(odd) * 0.4 and even.count(0) < len(even) * 0.1:
            return "UTF-16"
        if even.count(0) > len(even) * 0.4 and odd.count(0) < len(odd) * 0.1:
            return "UTF-16"
    if b"\x00" in head:
        return "binary"
    return "another encoding such as GBK or Latin-1"


def decode_text(data: bytes, source: str | Path) -> str:
    """Bytes as UTF-8 text (a BOM is dropped), or an :class:`InputError` naming the file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(
            f"{source}: not UTF-8 text (looks like {guess_encoding(data)}); "
            "save it as UTF-8 and try again"
        ) from None
    if "\x00" in text[:4096]:
        raise InputError(f"{source}: not UTF-8 text (looks like {guess_encoding(data)})")
    return text


def read_text(path: Path, what: str = "") -> str:
    """A user's file as UTF-8 text; missing, unreadable, a folder or not UTF-8 is a clear
    :class:`InputError` naming the file."""
    label = f"{what} {path}" if what else str(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{label}: is a folder; expected a file") from None
    except FileNotFoundError:
        raise InputError(f"{label}: no such file") from None
    except OSError as exc:
        raise InputError(f"cannot read {label}: {exc.strerror or exc}") from None
    return decode_text(data, label)


def shown_path(path: Path) -> str:
    """A path as a user would write it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)


def check_out_file(path: Path, option: str = "--out") -> None:
    """Refuse, before any work, an output file that cannot be written: a folder, a path under
    a missing folder or a file, or a folder that is not writable."""
    if path.is_dir():
        raise InputError(f"{option} {path}: is a folder; give a file name")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise InputError(f"{option} {path}: folder {parent} does not exist; create it first")
    if not parent.is_dir():
        raise InputError(f"{option} {path}: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise InputError(f"{option} {path}: not writable")


def check_out_folder(path: Path, option: str = "--out") -> None:
    """Refuse, before any work, an output folder that is a file or sits under a missing
    folder (the folder itself is created)."""
    if path.exists() and not path.is_dir():
        raise InputError(f"{option} {path}: is a file; give a folder")
    parent = path.parent if str(path.parent) else Path(".")
    if not path.exists() and not parent.is_dir():
        raise InputError(f"{option} {path}: folder {parent} does not exist; create it first")
    target = path if path.exists() else parent
    if not os.access(target, os.W_OK):
        raise InputError(f"{option} {path}: not writable")


def write_text(path: Path, text: str, option: str = "--out") -> None:
    """Write ``text`` to ``path`` (checked first), atomically: a failure leaves the old file."""
    check_out_file(path, option)
    tmp = path.with_name(f".{path.name}.sgplan-tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
