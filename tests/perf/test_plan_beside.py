"""A large plan answers the apply order in a forked child beside the semantic diff; what it
prints must not depend on that (same JSON as the serial run, the order's refusals included)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from sgplan.beside import can_fork
from sgplan.cli.plan import PARALLEL_FROM_RULES
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

from e2e_data import RULES_PER_GROUP, write_estate


@pytest.mark.skipif(not can_fork(), reason="needs os.fork and two cores")
def test_a_large_plan_prints_the_same_with_and_without_the_second_core(tmp_path):
    groups = PARALLEL_FROM_RULES // (2 * RULES_PER_GROUP) + 1  # just past the threshold
    stack, state = write_estate(tmp_path, groups)
    cmd = [sys.executable, "-m", "sgplan", "plan", "--stack", str(stack), "--current",
           str(state), "--format", "json", "--max-remove-share", "1"]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "SGPLAN_SERIAL"}
    forked = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path)
    serial = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path,
                            env={**env, "SGPLAN_SERIAL": "1"})  # fmt: skip
    assert forked.returncode == serial.returncode == 0, forked.stderr + serial.stderr
    assert any(g["effects"] for g in json.loads(forked.stdout)["groups"])
    assert forked.stdout == serial.stdout
