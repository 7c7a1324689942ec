"""The HTTP side of the local endpoint: parses the SDK's RPC requests (action in the
``x-acs-action`` header or the ``Action`` parameter, parameters in the query string or a form
body), applies faults, and answers JSON bodies or the API's error body."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..live.ratelimit import TokenBucket
from .faults import Faults
from .store import ApiError, EcsStore, error

CREDENTIAL = re.compile(r"Credential=([^,\s]+)")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256
    ecs: LocalEcs


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return  # quiet: tests and benchmarks read the counters instead

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _params(self) -> dict[str, str]:
        params = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        length = int(self.headers.get("content-length") or 0)
        if length:
            body = self.rfile.read(length).decode("utf-8")
            if "form" in (self.headers.get("content-type") or "") or "=" in body:
                params.update(parse_qsl(body, keep_blank_values=True))
        return params

    def _serve(self) -> None:
        ecs = self.server.ecs
        params = self._params()
        action = self.headers.get("x-acs-action") or params.get("Action") or ""
        arrived = time.monotonic()
        outcome: dict[str, Any] | str | ApiError
        try:
            outcome = ecs.decide(action, params, self.headers.get("authorization") or "")
        except ApiError as exc:
            outcome = exc
        wait = ecs.faults.latency_ms / 1000 - (time.monotonic() - arrived)
        if wait > 0:
            time.sleep(wait)
        if outcome == "drop":
            ecs.count(action, "dropped")
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        request_id = str(uuid.uuid4()).upper()
        if isinstance(outcome, ApiError):
            ecs.count(action, outcome.code)
            status = outcome.status
            body: dict[str, Any] = {
                "RequestId": request_id,
                "HostId": "ecs.local",
                "Code": outcome.code,
                "Message": outcome.message,
                "Recommend": f"https://api.aliyun.com/troubleshoot?q={outcome.code}",
            }
        elif isinstance(outcome, dict):
            ecs.count(action, "ok")
            status = 200
            body = {"RequestId": request_id, **outcome}
        else:
            raise AssertionError(outcome)
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-acs-request-id", request_id)
        self.end_headers()
        self.wfile.write(data)


class LocalEcs:
    """A running local endpoint; use as a context manager, or ``start()`` / ``stop()``."""

    def __init__(self, store: EcsStore, faults: Faults | None = None, port: int = 0) -> None:
        self.store = store
        self.faults = faults or Faults()
        self._limit = (
            TokenBucket(self.faults.rate_limit, self.faults.burst)
            if self.faults.rate_limit
            else None
        )
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.ecs = self
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.calls: Counter[tuple[str, str]] = Counter()
        self.auth_seen: list[str] = []

    @property
    def endpoint(self) -> str:
        address = self._server.server_address
        return f"{address[0]!s}:{address[1]}"

    def count(self, action: str, outcome: str) -> None:
        with self._lock:
            self.calls[(action, outcome)] += 1

    def total(self, outcome: str | None = None) -> int:
        with self._lock:
            return sum(n for (_, o), n in self.calls.items() if outcome is None or o == outcome)

    def decide(self, action: str, params: dict[str, str], auth: str) -> dict[str, Any] | str:
        """The answer to one request: a body, ``"drop"``, or raises :class:`ApiError`."""
        if self._limit is not None and not self._limit.try_take():
            raise error("Throttling")
        fault = self.faults.draw()
        if fault == "drop":
            return "drop"
        if fault is not None:
            raise error(fault)
        found = CREDENTIAL.search(auth)
        if not found:
            raise error("MissingParameter", "The request is not signed (no Authorization).")
        key = found.group(1).split("/")[0]
        with self._lock:
            self.auth_seen.append(key)
        if self.store.access_keys is not None and key not in self.store.access_keys:
            raise error("InvalidAccessKeyId.NotFound")
        scripted = self.faults.scripted(action)
        if scripted == "drop":
            return "drop"
        if scripted is not None:
            raise error(scripted)
        sg = self.store.group_of(params)
        if sg and sg in self.faults.group_errors:
            raise error(self.faults.group_errors[sg])
        answer = self.store.call(action, params)
        if action in self.store.writes.HANDLERS and self.faults.lose_answer():
            return "drop"  # the write took effect; its answer never arrives
        return answer

    def start(self) -> LocalEcs:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="local-ecs", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def __enter__(self) -> LocalEcs:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
