"""A local ECS endpoint for tests and benchmarks: real HTTP, the RPC-style API the official SDK
speaks, the paging and error bodies of SPEC section 6, and injectable faults.

    with LocalEcs(EcsStore.from_state(state)) as ecs:
        reader = LiveReader(LiveConfig(region="cn-hangzhou", endpoint=ecs.endpoint))
"""

from .faults import Faults
from .server import LocalEcs
from .store import EcsStore

__all__ = ["EcsStore", "Faults", "LocalEcs"]
