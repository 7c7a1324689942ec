"""Run the local ECS endpoint: ``python -m sgplan.localecs [--state FILE | --apps N] ...``.

Prints ``listening on HOST:PORT`` on its first line, then serves until interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from ..formats import snapshot
from .estate import generate_estate
from .faults import Faults
from .server import LocalEcs
from .store import EcsStore


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m sgplan.localecs", description=__doc__)
    p.add_argument("--state", type=Path, help="serve this snapshot (default: a generated estate)")
    p.add_argument("--apps", type=int, default=5, help="apps per environment when generating")
    p.add_argument("--rules-per-group", type=int, default=None)
    p.add_argument("--no-managed", action="store_true", help="generate no service-managed group")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--latency-ms", type=float, default=0.0)
    p.add_argument("--rate-limit", type=float, default=None, help="requests a second")
    p.add_argument("--throttle-rate", type=float, default=0.0)
    p.add_argument("--unavailable-rate", type=float, default=0.0)
    p.add_argument("--drop-rate", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    if args.state:
        state = snapshot.read(args.state)
    else:
        state = generate_estate(args.apps, rules_per_group=args.rules_per_group,
                                managed=not args.no_managed)  # fmt: skip
    faults = Faults(
        latency_ms=args.latency_ms, rate_limit=args.rate_limit, throttle_rate=args.throttle_rate,
        unavailable_rate=args.unavailable_rate, drop_rate=args.drop_rate, seed=args.seed,
    )  # fmt: skip
    ecs = LocalEcs(EcsStore.from_state(state), faults, port=args.port)
    print(f"listening on {ecs.endpoint}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        ecs.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
