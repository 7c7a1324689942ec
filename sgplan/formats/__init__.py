"""Readers and writers of every current-state format (snapshot, API JSON, exports...)."""

FORMATS = "an sgplan snapshot, ECS API JSON, a console export file or `pulumi stack export` output"
