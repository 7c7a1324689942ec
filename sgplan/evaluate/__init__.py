"""Reachability: judge packets, compute effective access and its changes (SPEC section 3)."""
