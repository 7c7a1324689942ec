"""Entry point of the sgplan provider plugin: ``python provider/ ENGINE_ADDRESS``."""

from sgplan.provider.server import main

if __name__ == "__main__":
    main()
