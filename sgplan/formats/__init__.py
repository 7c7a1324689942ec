"""Readers and writers of every current-state format (snapshot, API JSON, exports...)."""
