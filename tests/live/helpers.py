"""Shared setup for live tests: a served estate and a fast reader configuration."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sgplan.formats import snapshot
from sgplan.live import LiveConfig
from sgplan.localecs import EcsStore, Faults, LocalEcs
from sgplan.localecs.estate import generate_estate
from sgplan.model.stack import State

ROOT = Path(__file__).resolve().parents[2]
REGION = "cn-hangzhou"


@cache
def estate() -> State:
    """52 groups (5 apps x 2 environments x 5 tiers, plus 2 managed), 100 NICs."""
    return generate_estate(5)


@cache
def prod_state() -> State:
    return snapshot.read(ROOT / "state" / "prod.json")


@contextmanager
def served(state: State, faults: Faults | None = None, **store: object) -> Iterator[LocalEcs]:
    ecs_store = EcsStore.from_state(state)
    for key, value in store.items():
        setattr(ecs_store, key, value)
    with LocalEcs(ecs_store, faults) as ecs:
        yield ecs


def config(endpoint: str, **overrides: object) -> LiveConfig:
    """Fast: no real pacing, tiny backoffs, fixed jitter seed."""
    values: dict[str, object] = {"rate": 2000.0, "burst": 50.0, "backoff_base": 0.002,
                                 "backoff_cap": 0.02, "seed": 1, "concurrency": 4}  # fmt: skip
    values.update(overrides)
    return LiveConfig(region=REGION, endpoint=endpoint, **values)  # type: ignore[arg-type]
