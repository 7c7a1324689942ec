"""The Pulumi program turns the CLI contract's file mistakes into ``log.error`` lines: a
snapshot that is not UTF-8, a stack file that is not UTF-8, a snapshot of another region."""

from __future__ import annotations

import codecs
import json

import pulumi
import pytest
from pulumi_runtime import ROOT, Run, run_program

PROD_STATE = ROOT / "state" / "prod.json"
CONFIG = {"alicloud:region": "cn-hangzhou"}


def fails(config: dict[str, str]) -> tuple[str, Run]:
    run = Run([])
    with pytest.raises(pulumi.RunError) as exc:
        run_program("prod", {**CONFIG, **config}, run_=run)
    return str(exc.value), run


def test_a_utf16_snapshot_is_a_log_error_not_a_traceback(tmp_path):
    state = tmp_path / "prod.json"
    state.write_bytes(codecs.BOM_UTF16_LE + PROD_STATE.read_text("utf-8").encode("utf-16-le"))
    error, run = fails({"sgplan:state": str(state)})
    message = f"{state}: not UTF-8 text (looks like UTF-16); save it as UTF-8 and try again"
    assert run.errors == [message] and run.resources == []
    assert error == f"{message}; nothing was applied"


def test_a_utf16_stack_file_is_a_log_error(tmp_path):
    stack = tmp_path / "prod.json"
    stack.write_bytes(codecs.BOM_UTF16_LE + '{"name": "prod"}'.encode("utf-16-le"))
    _, run = fails({"sgplan:stackFile": str(stack)})
    assert run.errors == [
        f"{stack}: not UTF-8 text (looks like UTF-16); save it as UTF-8 and try again"
    ]
    assert run.resources == []


def test_a_snapshot_of_another_region_is_refused(tmp_path):
    doc = json.loads(PROD_STATE.read_text("utf-8"))
    doc["region"] = "cn-shanghai"
    state = tmp_path / "prod.json"
    state.write_text(json.dumps(doc), encoding="utf-8")
    _, run = fails({"sgplan:state": str(state)})
    assert len(run.errors) == 1 and run.resources == []
    assert "is in cn-shanghai but stack prod is in cn-hangzhou" in run.errors[0]
