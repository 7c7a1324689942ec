"""Calls to the ECS API through the official SDK, paced and retried.

Every call takes a token from one shared :class:`TokenBucket` (the configured request
rate), and is retried with exponential backoff and full jitter when the API answers
``Throttling``, ``Rejected.Throttling``, ``ServiceUnavailable``, ``InternalError``, any 5xx,
or the connection fails. Anything else fails at once with a :class:`CallFailure`.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from alibabacloud_credentials.client import Client as CredentialClient
from alibabacloud_credentials.exceptions import CredentialException
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi import models as api_models
from darabonba.runtime import RuntimeOptions

from ..model.issues import InputError
from .errors import RETRYABLE_CODES, CallFailure
from .ratelimit import TokenBucket

ENDPOINT_ENV = "SGPLAN_ECS_ENDPOINT"
RATE_ENV = "SGPLAN_ECS_RATE"
CONCURRENCY_ENV = "SGPLAN_ECS_CONCURRENCY"


@dataclass
class LiveConfig:
    region: str
    endpoint: str | None = None
    """host[:port] of the ECS API; default ``ecs.<region>.aliyuncs.com`` over HTTPS, or
    ``$SGPLAN_ECS_ENDPOINT`` (a local endpoint is spoken to over plain HTTP)"""
    rate: float = 50.0
    """requests a second, across all threads"""
    burst: float = 1.0
    """requests sent at once before pacing starts (1: evenly spaced from the first)"""
    concurrency: int = 8
    max_attempts: int = 10
    backoff_base: float = 0.1
    backoff_cap: float = 5.0
    connect_timeout_ms: int = 5000
    read_timeout_ms: int = 10000
    page_size: int = 1000
    """rules per DescribeSecurityGroupAttribute page (10-1000)"""
    list_page_size: int = 100
    """groups per DescribeSecurityGroups page (1-100)"""
    seed: int | None = None

    @classmethod
    def from_env(cls, region: str, **overrides: Any) -> LiveConfig:
        """Defaults, then ``SGPLAN_ECS_RATE`` / ``SGPLAN_ECS_CONCURRENCY``, then overrides."""
        values: dict[str, Any] = {}
        for name, env, kind in (("rate", RATE_ENV, float), ("concurrency", CONCURRENCY_ENV, int)):
            raw = os.environ.get(env)
            if raw:
                try:
                    values[name] = kind(raw)
                except ValueError:
                    raise InputError(f"{env}={raw!r} is not a number") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(region=region, **values)

    @property
    def resolved_endpoint(self) -> str:
        return self.endpoint or os.environ.get(ENDPOINT_ENV) or f"ecs.{self.region}.aliyuncs.com"

    @property
    def protocol(self) -> str:
        host = self.resolved_endpoint.split(":")[0]
        return "http" if host in ("127.0.0.1", "localhost", "::1") else "https"


@dataclass
class CallStats:
    calls: int = 0
    """requests that succeeded (pages read)"""
    attempts: int = 0
    retries: Counter[str] = field(default_factory=Counter)
    waited: float = 0.0
    """seconds spent waiting for the rate limit"""

    @property
    def retry_count(self) -> int:
        return sum(self.retries.values())


class CallFailed(Exception):
    def __init__(self, failure: CallFailure) -> None:
        super().__init__(str(failure))
        self.failure = failure


def _code_of(exc: BaseException) -> tuple[str, int | None, str]:
    """(error code, HTTP status, API message) of an SDK exception."""
    status = getattr(exc, "status_code", None) or getattr(exc, "statusCode", None)
    code = getattr(exc, "code", None)
    data = getattr(exc, "data", None)
    message = ""
    if isinstance(data, dict):
        message = str(data.get("Message") or data.get("message") or "")
        status = status or data.get("statusCode")
    inner = getattr(exc, "inner_exception", None)
    if isinstance(exc, CredentialException) or isinstance(inner, CredentialException):
        return "CredentialException", None, ""
    if inner is not None and not code:
        return "ConnectionError", None, type(inner).__name__
    if not code or code == "None":
        return type(exc).__name__, status, ""
    return str(code), int(status) if status else None, message


def retryable(code: str, status: int | None) -> bool:
    return code in RETRYABLE_CODES or code == "ConnectionError" or (status or 0) >= 500


class EcsApi:
    """The read calls the live reader needs, each one paced, retried and counted."""

    def __init__(self, config: LiveConfig, credential: Any = None) -> None:
        self.config = config
        cred = credential if credential is not None else CredentialClient()
        _check_credentials(cred)
        sdk_config = api_models.Config(
            credential=cred,
            region_id=config.region,
            endpoint=config.resolved_endpoint,
            protocol=config.protocol,
            connect_timeout=config.connect_timeout_ms,
            read_timeout=config.read_timeout_ms,
            max_idle_conns=max(16, config.concurrency * 2),
        )
        self.client = EcsClient(sdk_config)
        self.runtime = RuntimeOptions(
            autoretry=False, max_idle_conns=max(16, config.concurrency * 2)
        )
        self.bucket = TokenBucket(config.rate, config.burst)
        self.stats = CallStats()
        self._lock = threading.Lock()
        self._rng = random.Random(config.seed)

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.config.backoff_cap, self.config.backoff_base * 2 ** (attempt - 1))
        with self._lock:
            return self._rng.uniform(ceiling / 2, ceiling)

    def call(self, action: str, target: str, fn: Callable[[], Any]) -> dict[str, Any]:
        """Run one SDK call with pacing and retries; returns the response body as a dict."""
        attempt = 0
        while True:
            attempt += 1
            waited = self.bucket.acquire()
            try:
                response = fn()
            except Exception as exc:  # the SDK raises many types; sorted out below
                code, status, message = _code_of(exc)
                if code == "CredentialException":
                    raise CallFailed(CallFailure(action, target, code, None,
                                                 _credential_help(), attempt)) from None  # fmt: skip
                with self._lock:
                    self.stats.attempts += 1
                    self.stats.waited += waited
                    if retryable(code, status):
                        self.stats.retries[code] += 1
                if not retryable(code, status) or attempt >= self.config.max_attempts:
                    failure = CallFailure(action, target, code, status, message or code, attempt)
                    raise CallFailed(failure) from None
                time.sleep(self._backoff(attempt))
                continue
            with self._lock:
                self.stats.attempts += 1
                self.stats.calls += 1
                self.stats.waited += waited
            return response.body.to_map()

    # -- the calls -----------------------------------------------------------------------------

    def _pages(self, action: str, target: str, make: Callable[[str | None], Any],
               send: Callable[[Any], Any]) -> Iterator[dict[str, Any]]:  # fmt: skip
        """Each page's body in turn, following NextToken until the API gives none."""
        token: str | None = None
        seen: set[str] = set()
        while True:
            body = self.call(action, target, functools.partial(send, make(token)))
            yield body
            token = body.get("NextToken") or None
            if not token:
                return
            if token in seen:  # a server that repeats itself would loop forever
                raise CallFailed(CallFailure(action, target, "PagingLoop", None,
                                             "the API returned the same NextToken twice", 1))  # fmt: skip
            seen.add(token)

    def _paged(self, action: str, target: str, make: Callable[[str | None], Any],
               send: Callable[[Any], Any], items: Callable[[dict[str, Any]], list[Any]]
               ) -> tuple[list[Any], list[dict[str, Any]]]:  # fmt: skip
        bodies = list(self._pages(action, target, make, send))
        return [x for b in bodies for x in items(b)], bodies

    def security_group_pages(
        self,
        vpc_id: str | None = None,
        group_ids: list[str] | None = None,
        group_type: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """The groups the filters select, a page at a time."""

        def make(token: str | None) -> Any:
            return ecs_models.DescribeSecurityGroupsRequest(
                region_id=self.config.region,
                vpc_id=vpc_id,
                security_group_ids=json.dumps(group_ids) if group_ids else None,
                security_group_type=group_type,
                tag=[
                    ecs_models.DescribeSecurityGroupsRequestTag(key=k, value=v)
                    for k, v in (tags or {}).items()
                ]
                or None,
                max_results=self.config.list_page_size,
                next_token=token,
            )

        for body in self._pages(
            "DescribeSecurityGroups", self.config.region, make,
            lambda r: self.client.describe_security_groups_with_options(r, self.runtime),
        ):  # fmt: skip
            yield list((body.get("SecurityGroups") or {}).get("SecurityGroup") or [])

    def describe_attribute(self, sg_id: str, nic_type: str | None = None) -> dict[str, Any]:
        """All rules of a group (both directions, every page) as one attribute body; with
        ``nic_type``, only that NIC type's rules (a classic group's API answer without it
        holds the internet side only)."""

        def make(token: str | None) -> Any:
            return ecs_models.DescribeSecurityGroupAttributeRequest(
                region_id=self.config.region, security_group_id=sg_id, direction="all",
                nic_type=nic_type, max_results=self.config.page_size, next_token=token,
            )  # fmt: skip

        target = f"{sg_id} ({nic_type})" if nic_type else sg_id
        perms, bodies = self._paged(
            "DescribeSecurityGroupAttribute", target, make,
            lambda r: self.client.describe_security_group_attribute_with_options(r, self.runtime),
            lambda b: list((b.get("Permissions") or {}).get("Permission") or []),
        )  # fmt: skip
        body = dict(bodies[0])
        body.pop("NextToken", None)
        body["Permissions"] = {"Permission": perms}
        return body

    def describe_network_interfaces(self, vpc_id: str | None = None) -> list[dict[str, Any]]:
        def make(token: str | None) -> Any:
            return ecs_models.DescribeNetworkInterfacesRequest(
                region_id=self.config.region, vpc_id=vpc_id, max_results=500, next_token=token
            )

        items, _ = self._paged(
            "DescribeNetworkInterfaces", vpc_id or self.config.region, make,
            lambda r: self.client.describe_network_interfaces_with_options(r, self.runtime),
            lambda b: list((b.get("NetworkInterfaceSets") or {}).get("NetworkInterfaceSet") or []),
        )  # fmt: skip
        return items

    def describe_prefix_lists(self) -> list[dict[str, Any]]:
        def make(token: str | None) -> Any:
            return ecs_models.DescribePrefixListsRequest(
                region_id=self.config.region, max_results=100, next_token=token
            )

        items, _ = self._paged(
            "DescribePrefixLists", self.config.region, make,
            lambda r: self.client.describe_prefix_lists_with_options(r, self.runtime),
            lambda b: list((b.get("PrefixLists") or {}).get("PrefixList") or []),
        )  # fmt: skip
        return items

    def describe_prefix_list(self, pl_id: str) -> dict[str, Any]:
        request = ecs_models.DescribePrefixListAttributesRequest(
            region_id=self.config.region, prefix_list_id=pl_id
        )
        return self.call(
            "DescribePrefixListAttributes", pl_id,
            lambda: self.client.describe_prefix_list_attributes_with_options(request, self.runtime),
        )  # fmt: skip

    def describe_port_range_lists(self) -> list[dict[str, Any]]:
        def make(token: str | None) -> Any:
            return ecs_models.DescribePortRangeListsRequest(
                region_id=self.config.region, max_results=100, next_token=token
            )

        items, _ = self._paged(
            "DescribePortRangeLists", self.config.region, make,
            lambda r: self.client.describe_port_range_lists_with_options(r, self.runtime),
            lambda b: list(b.get("PortRangeLists") or []),
        )  # fmt: skip
        return items

    def describe_port_range_list_entries(self, prl_id: str) -> list[dict[str, Any]]:
        request = ecs_models.DescribePortRangeListEntriesRequest(
            region_id=self.config.region, port_range_list_id=prl_id
        )
        body = self.call(
            "DescribePortRangeListEntries", prl_id,
            lambda: self.client.describe_port_range_list_entries_with_options(
                request, self.runtime),
        )  # fmt: skip
        return list(body.get("Entries") or [])

    def describe_references(self, sg_ids: list[str]) -> list[dict[str, Any]]:
        """``DescribeSecurityGroupReferences`` for up to 10 groups: who refers to them, from
        this account or another (the only way to see cross-account references)."""
        request = ecs_models.DescribeSecurityGroupReferencesRequest(
            region_id=self.config.region, security_group_id=sg_ids
        )
        body = self.call(
            "DescribeSecurityGroupReferences", ",".join(sg_ids),
            lambda: self.client.describe_security_group_references_with_options(
                request, self.runtime),
        )  # fmt: skip
        refs = body.get("SecurityGroupReferences") or {}
        return list(refs.get("SecurityGroupReference") or [])


def _check_credentials(cred: Any) -> None:
    """Resolve credentials once, up front: a missing key is one clear error, not N retries.

    The credentials library logs each failed provider with a traceback; that is kept quiet
    unless ``SGPLAN_DEBUG`` is set (the message below says what to do).
    """
    if not os.environ.get("SGPLAN_DEBUG"):
        logging.getLogger("credentials").setLevel(logging.CRITICAL)
    try:
        cred.get_credential()
    except CredentialException:
        raise CallFailed(CallFailure("credentials", "", "NoCredentials", None,
                                     _credential_help(), 1)) from None  # fmt: skip


def _credential_help() -> str:
    return (
        "no Alibaba Cloud credentials found; set ALIBABA_CLOUD_ACCESS_KEY_ID and "
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET, or a profile (ALIBABA_CLOUD_PROFILE with "
        "~/.aliyun/config.json), or run on ECS with a RAM role; never put keys in the project"
    )
