"""``python -m sgplan.provider ENGINE_ADDRESS``: the same plugin as ``python provider/``."""

from .server import main

main()
