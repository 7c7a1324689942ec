"""The provider's configuration: region (for imports; else ``ALIBABA_CLOUD_REGION_ID`` or
``ALICLOUD_REGION``), credentials, endpoint, request rate.

Credentials come from provider config marked secret (``sgplan:accessKeyId`` /
``sgplan:accessKeySecret`` / ``sgplan:securityToken``) or, when those are unset, from the
Alibaba Cloud default credentials chain (environment, profile, ECS RAM role). They are used
to sign requests and nothing else: never stored in state, never in inputs, never logged.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from alibabacloud_credentials.client import Client as CredentialClient
from alibabacloud_credentials.models import Config as CredentialConfig

from ..apply import EcsWriter, connect
from ..live.client import LiveConfig

KEYS = ("region", "accessKeyId", "accessKeySecret", "securityToken", "endpoint", "rate")
SECRET_KEYS = frozenset({"accessKeyId", "accessKeySecret", "securityToken"})


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _env_region() -> str | None:
    return os.environ.get("ALIBABA_CLOUD_REGION_ID") or os.environ.get("ALICLOUD_REGION") or None


@dataclass
class ProviderConfig:
    region: str | None = None
    endpoint: str | None = None
    rate: float | None = None
    _secrets: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def from_request(cls, variables: Mapping[str, str], args: Mapping[str, Any]) -> ProviderConfig:
        """From Configure: ``args`` (schema names) win over ``variables`` (``pkg:config:key``)."""
        values: dict[str, Any] = {}
        for full, value in variables.items():
            values[full.rsplit(":", 1)[-1]] = value
        values.update({k: v for k, v in args.items() if v is not None and v != ""})
        secrets = {k: str(values[k]) for k in SECRET_KEYS if values.get(k)}
        return cls(
            region=str(values.get("region") or "") or _env_region(),
            endpoint=str(values.get("endpoint") or "") or None,
            rate=_number(values.get("rate")),
            _secrets=secrets,
        )

    @staticmethod
    def problems(args: Mapping[str, Any]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if args.get("rate") not in (None, "") and (_number(args["rate"]) or 0) <= 0:
            out.append(("rate", "rate must be a positive number of requests a second"))
        has_id, has_secret = bool(args.get("accessKeyId")), bool(args.get("accessKeySecret"))
        if has_id != has_secret:
            out.append(("accessKeySecret" if has_id else "accessKeyId",
                        "set both accessKeyId and accessKeySecret (as secrets), or neither to "
                        "use the default credentials chain"))  # fmt: skip
        return out

    def credential(self) -> Any:
        """A credentials client: the configured key, else ``None`` (the default chain)."""
        key, secret = self._secrets.get("accessKeyId"), self._secrets.get("accessKeySecret")
        if not (key and secret):
            return None
        token = self._secrets.get("securityToken")
        return CredentialClient(CredentialConfig(
            type="sts" if token else "access_key",
            access_key_id=key, access_key_secret=secret, security_token=token,
        ))  # fmt: skip

    def writer(self, region: str) -> EcsWriter:
        config = LiveConfig.from_env(region, endpoint=self.endpoint, rate=self.rate)
        return connect(config, self.credential())
