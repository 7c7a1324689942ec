"""Talk to the sgplan provider plugin as the Pulumi engine does: start ``python provider/``
(it prints its port), then call it over gRPC with the SDK's own ``ResourceProviderStub``.

The local ECS endpoint runs in the test process; the plugin reaches it through
``SGPLAN_ECS_ENDPOINT`` and signs with the test key of tests/conftest.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import struct_pb2
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from sgplan.provider.values import plain_map, value_map

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "provider"
TYPE = "sgplan:ecs:RuleSet"


def urn(name: str, stack: str = "test") -> str:
    return f"urn:pulumi:{stack}::sgplan::{TYPE}::{name}"


def struct(values: dict[str, Any]) -> struct_pb2.Struct:
    return PropertyValue.marshal_map(value_map(values))


def plain(values: struct_pb2.Struct) -> dict[str, Any]:
    return plain_map(PropertyValue.unmarshal_map(values))


KIND = {0: "add", 1: "add-replace", 2: "delete", 3: "delete-replace", 4: "update",
        5: "update-replace"}  # fmt: skip


@dataclass
class Diff:
    changes: bool
    replaces: list[str]
    detailed: dict[str, str]


class Plugin:
    """A running plugin and a stub to call it; methods take and return plain values."""

    def __init__(self, process: subprocess.Popen[bytes], port: int) -> None:
        self.process = process
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)

    def get_schema(self) -> str:
        return str(self.stub.GetSchema(provider_pb2.GetSchemaRequest(version=0)).schema)

    def configure(self, **args: Any) -> Any:
        return self.stub.Configure(provider_pb2.ConfigureRequest(
            args=struct(args), acceptSecrets=True, acceptResources=True))  # fmt: skip

    def check(self, name: str, news: dict[str, Any], olds: dict[str, Any] | None = None
              ) -> tuple[dict[str, Any], list[tuple[str, str]]]:  # fmt: skip
        resp = self.stub.Check(provider_pb2.CheckRequest(
            urn=urn(name), olds=struct(olds or {}), news=struct(news)))  # fmt: skip
        return plain(resp.inputs), [(f.property, f.reason) for f in resp.failures]

    def diff(self, name: str, rid: str, olds: dict[str, Any], news: dict[str, Any]) -> Diff:
        resp = self.stub.Diff(provider_pb2.DiffRequest(
            urn=urn(name), id=rid, olds=struct(olds), news=struct(news)))  # fmt: skip
        detailed = {k: KIND[v.kind] for k, v in resp.detailedDiff.items()}
        return Diff(resp.changes == provider_pb2.DiffResponse.DIFF_SOME, list(resp.replaces),
                    detailed)  # fmt: skip

    def create(self, name: str, props: dict[str, Any], preview: bool = False
               ) -> tuple[str, dict[str, Any]]:  # fmt: skip
        resp = self.stub.Create(provider_pb2.CreateRequest(
            urn=urn(name), properties=struct(props), preview=preview))  # fmt: skip
        return resp.id, plain(resp.properties)

    def update(self, name: str, rid: str, olds: dict[str, Any], news: dict[str, Any],
               preview: bool = False) -> dict[str, Any]:  # fmt: skip
        resp = self.stub.Update(provider_pb2.UpdateRequest(
            urn=urn(name), id=rid, olds=struct(olds), news=struct(news), preview=preview))  # fmt: skip
        return plain(resp.properties)

    def read(self, name: str, rid: str, props: dict[str, Any] | None = None,
             inputs: dict[str, Any] | None = None) -> tuple[str, dict[str, Any], dict[str, Any]]:  # fmt: skip
        resp = self.stub.Read(provider_pb2.ReadRequest(
            urn=urn(name), id=rid, properties=struct(props or {}), inputs=struct(inputs or {})))  # fmt: skip
        return resp.id, plain(resp.properties), plain(resp.inputs)

    def delete(self, name: str, rid: str, props: dict[str, Any]) -> None:
        self.stub.Delete(provider_pb2.DeleteRequest(urn=urn(name), id=rid,
                                                    properties=struct(props)))  # fmt: skip


@contextmanager
def plugin(endpoint: str, **env: str) -> Iterator[Plugin]:
    """Start the plugin as the engine would (``python provider/ ENGINE``) and connect."""
    environ = {**os.environ, "SGPLAN_ECS_ENDPOINT": endpoint, "SGPLAN_ECS_RATE": "2000",
               "PYTHONUNBUFFERED": "1", **env}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, str(PLUGIN), "127.0.0.1:1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environ, cwd=str(ROOT),
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline().decode().strip()
        if not line.isdigit():
            err = process.stderr.read().decode() if process.stderr else ""
            raise AssertionError(f"the plugin printed {line!r} instead of a port: {err}")
        p = Plugin(process, int(line))
        try:
            yield p
        finally:
            p.channel.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
