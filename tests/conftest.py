"""Shared test setup: the project root on sys.path so stacks/ and modules/ import."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The Alibaba credentials library reads its environment once, when first imported; set a
# test key before anything imports it, so live tests go through the real default chain and
# can check the secret never shows up. Never a real key: the local endpoint accepts any.
import os  # noqa: E402

TEST_ACCESS_KEY_ID = "sgplan-test-key-id"
TEST_ACCESS_KEY_SECRET = "sgplan-test-secret-never-print-7f3a"
os.environ["ALIBABA_CLOUD_ACCESS_KEY_ID"] = TEST_ACCESS_KEY_ID
os.environ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = TEST_ACCESS_KEY_SECRET
os.environ["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = "true"
os.environ.pop("SGPLAN_ECS_ENDPOINT", None)

# The machines tests run on are shared: wall-clock deadlines on hypothesis examples measure the
# neighbours, not the code. Correctness is checked, speed lives in bench/.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("sgplan", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("sgplan")
