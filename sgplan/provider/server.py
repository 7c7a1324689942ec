"""Run the provider as a Pulumi plugin: a gRPC server on a free port, printed on stdout."""

from __future__ import annotations

import sys

from pulumi.provider.experimental.server import main as serve

from .provider import SgplanProvider
from .schema import VERSION


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    serve(args, VERSION, SgplanProvider())


if __name__ == "__main__":
    main()
