"""The local endpoint itself, spoken to with plain HTTP: error bodies, paging, faults."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from sgplan.live.ratelimit import TokenBucket
from sgplan.localecs import Faults
from tests.live.helpers import estate, served

AUTH = {"Authorization": "ACS3-HMAC-SHA256 Credential=raw-test-id,SignedHeaders=host,Signature=x"}


def _call(endpoint: str, action: str, auth: bool = True, **params: str):
    query = urllib.parse.urlencode({"RegionId": "cn-hangzhou", **params})
    headers = {"x-acs-action": action, **(AUTH if auth else {})}
    req = urllib.request.Request(f"http://{endpoint}/?{query}", method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.parametrize(
    ("action", "params", "auth", "status", "code"),
    [
        ("DescribeSecurityGroups", {}, False, 400, "MissingParameter"),
        ("DescribeSecurityGroupAttribute", {"SecurityGroupId": "sg-nope"}, True, 404,
         "InvalidSecurityGroupId.NotFound"),
        ("DescribeSecurityGroups", {"NextToken": "garbage!"}, True, 400,
         "InvalidNextToken.Malformed"),
        ("DescribeSecurityGroups", {"MaxResults": "101"}, True, 400, "InvalidParameter"),
        ("DescribeSecurityGroupAttribute", {"SecurityGroupId": "x", "MaxResults": "5"}, True,
         404, "InvalidSecurityGroupId.NotFound"),
        ("RunInstances", {}, True, 404, "InvalidAction.NotFound"),
    ],
)  # fmt: skip
def test_errors_have_the_api_error_body(action, params, auth, status, code):
    with served(estate()) as ecs:
        got_status, body = _call(ecs.endpoint, action, auth, **params)
    assert got_status == status
    assert body["Code"] == code
    assert set(body) >= {"RequestId", "HostId", "Code", "Message"}


def test_paging_tokens_walk_every_group_once():
    with served(estate()) as ecs:
        seen, token = [], ""
        while True:
            _, body = _call(ecs.endpoint, "DescribeSecurityGroups", MaxResults="10",
                            **({"NextToken": token} if token else {}))  # fmt: skip
            seen += [g["SecurityGroupId"] for g in body["SecurityGroups"]["SecurityGroup"]]
            token = body["NextToken"]
            if not token:
                break
    assert len(seen) == len(set(seen)) == 52


def test_the_rate_limit_answers_throttling_over_it():
    with served(estate(), Faults(rate_limit=5, burst=3)) as ecs:
        statuses = [_call(ecs.endpoint, "DescribeSecurityGroups")[1].get("Code") for _ in range(8)]
    assert statuses.count("Throttling") >= 4
    assert statuses[:3] == [None, None, None]


def test_latency_is_added_to_every_answer():
    with served(estate(), Faults(latency_ms=60)) as ecs:
        started = time.perf_counter()
        _call(ecs.endpoint, "DescribeSecurityGroups")
        assert time.perf_counter() - started >= 0.06


def test_token_bucket_paces_evenly():
    bucket = TokenBucket(200, burst=1)
    started = time.perf_counter()
    for _ in range(21):
        bucket.acquire()
    assert time.perf_counter() - started >= 0.09  # 20 intervals of 5 ms
    assert TokenBucket(10, burst=2).try_take()
