"""Run the provider as a Pulumi plugin: a gRPC server on a free port, printed on stdout.

The SDK's servicer turns every exception into a message with a Python stack appended; a
user's mistake (:class:`~sgplan.provider.ruleset.RuleSetError`) is answered with its clear
message alone, so ``pulumi preview`` shows what to do, not a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
import grpc.aio
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import provider_pb2_grpc

from .provider import SgplanProvider
from .ruleset import RuleSetError
from .schema import VERSION

Handler = Callable[[Any, Any], Awaitable[Any]]


def _clean(name: str) -> Callable[[Any, Any, Any], Awaitable[Any]]:
    async def method(self: Any, request: Any, context: Any) -> Any:
        parent: Handler = getattr(super(CleanServicer, self), name)
        try:
            return await parent(request, context)
        except Exception as exc:
            cause = exc if isinstance(exc, RuleSetError) else exc.__context__
            if isinstance(cause, RuleSetError):
                await context.abort(grpc.StatusCode.UNKNOWN, str(cause))
            raise

    method.__name__ = name
    return method


class CleanServicer(ProviderServicer):
    """The SDK's servicer, with user errors answered as plain messages."""

    CheckConfig = _clean("CheckConfig")
    Configure = _clean("Configure")
    Check = _clean("Check")
    Diff = _clean("Diff")
    Create = _clean("Create")
    Read = _clean("Read")
    Update = _clean("Update")
    Delete = _clean("Delete")


async def serve(args: list[str], engine: str) -> None:
    server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)
    servicer = CleanServicer(args, VERSION, SgplanProvider(), engine_address=engine)
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
    port = server.add_insecure_port(address="127.0.0.1:0")
    await server.start()
    sys.stdout.buffer.write(f"{port}\n".encode())
    sys.stdout.buffer.flush()
    await server.wait_for_termination()


def main(argv: list[str] | None = None) -> None:
    """``python provider/ ENGINE_ADDRESS [--logtostderr] [-v=N]``, as the engine starts it."""
    args = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description="sgplan Pulumi provider plugin")
    parser.add_argument("engine", nargs="?", default="", help="Pulumi engine address")
    known, _ = parser.parse_known_args(args)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args, known.engine))


if __name__ == "__main__":
    main()
