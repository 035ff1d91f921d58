"""A fake Anthropic Messages API server for tests: a real HTTP server on 127.0.0.1.

The installed ``anthropic`` SDK (2.x) is built on ``httpx2``, so ``httpx.MockTransport``/``respx`` do not
reach it. This module instead runs a stdlib ``ThreadingHTTPServer`` on an ephemeral port, and a test points
the *real* SDK at it with ``base_url``; that also exercises the SDK's own request, retry and SSE code::

    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/ (there are no __init__.py files)
    from fakes.fake_anthropic import FakeAnthropic

    with FakeAnthropic(latency_s=0.0) as fake:
        fake.answer = lambda model, system, user: "yes" if "?" in user else "no"
        client = anthropic.Anthropic(api_key="test", base_url=fake.base_url, max_retries=2)
        client.messages.create(model="claude-x", max_tokens=64, messages=[{"role": "user", "content": "hi?"}])

``parents[N]`` must name the ``tests/`` directory: N is how deep the test file sits below it, e.g.
``parents[2]`` for ``tests/roi/evals/test_x.py``, ``parents[0]`` for ``tests/test_x.py``.

Endpoints
    ``POST /v1/messages``                       non-streaming Message JSON, or an SSE stream (``"stream": true``)
    ``POST /v1/messages/count_tokens``          ``{"input_tokens": N}``
    ``POST /v1/messages/batches``               create a Message Batch (answers are computed at creation)
    ``GET  /v1/messages/batches``               list batches
    ``GET  /v1/messages/batches/{id}``          ``in_progress`` until ``batch_delay_s`` elapsed, then ``ended``
    ``GET  /v1/messages/batches/{id}/results``  JSONL of ``MessageBatchIndividualResponse`` lines
    ``POST /v1/messages/batches/{id}/cancel``   ends the batch at once, unfinished requests ``canceled``

Token counts are a deterministic stand-in for a tokenizer: ``input_tokens = max(1, len(system + user) // 4)``
and ``output_tokens = max(1, len(answer) // 4)``. An answer longer than ``max_tokens * 4`` characters is cut
to that length and ends with ``stop_reason == "max_tokens"``.

Faults (``fail_next``, ``drop_next``, ``stream_error_next``) are queued and consumed in order by the next
``POST /v1/messages`` requests they match (any model, or the one given). ``fail_for_model`` fails every
``POST /v1/messages`` for one model until cleared, and makes that model's batch items ``errored``.
Error responses are immediate (no latency); successes and drops wait ``latency_s`` first.

Everything is thread-safe; each connection is served on its own daemon thread, so the sleeps of concurrent
requests overlap. ``answer`` is called on those threads (after the latency sleep), so it must be thread-safe;
if it raises, the request gets a 500 ``api_error`` (which the SDK retries) or, in a batch, an ``errored`` item.
Settings (``answer``, ``latency_s``, ``stream_gap_s``, ``batch_delay_s``) may be changed at any time.
"""

from __future__ import annotations

import json
import socket
import struct
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

AnswerFn = Callable[[str, str, str], str]
UsageFn = Callable[[str, str, str], Mapping[str, Any]]
Seconds = float | Mapping[str, float]

ERROR_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    408: "timeout_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    502: "api_error",
    503: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}

ERROR_MESSAGES: dict[str, str] = {
    "rate_limit_error": "Number of request tokens has exceeded your per-minute rate limit (fake)",
    "overloaded_error": "Overloaded",
    "api_error": "Internal server error",
    "authentication_error": "invalid x-api-key",
}


def error_type_for(status: int) -> str:
    """The API's ``error.type`` for an HTTP status (``api_error`` for unknown 5xx)."""
    if status in ERROR_TYPES:
        return ERROR_TYPES[status]
    return "api_error" if status >= 500 else "invalid_request_error"


def error_body(status: int, message: str | None = None, error_type: str | None = None) -> dict[str, Any]:
    etype = error_type or error_type_for(status)
    return {
        "type": "error",
        "error": {"type": etype, "message": message or ERROR_MESSAGES.get(etype, f"fake error {status}")},
        "request_id": _new_id("req_"),
    }


def _new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:24]


def _rfc3339(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _text_of(content: Any) -> str:
    """Text of a ``system``/message ``content`` value: a string, or a list of blocks (text blocks only)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for block in content:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, dict) and block.get("type", "text") == "text":
                parts.append(str(block.get("text", "")))
        return "\n".join(parts)
    return str(content)


def system_and_user_text(params: Mapping[str, Any]) -> tuple[str, str]:
    """``(system_text, user_text)``: user text is every user turn's text, joined by a blank line."""
    system_text = _text_of(params.get("system"))
    users = [_text_of(m.get("content")) for m in params.get("messages") or [] if m.get("role") == "user"]
    return system_text, "\n\n".join(users)


def _seconds_for(value: Seconds, model: str) -> float:
    """A float, or a per-model mapping (``"*"`` or ``"default"`` keys are the fallback; else 0)."""
    if isinstance(value, Mapping):
        for key in (model, "*", "default"):
            if key in value:
                return float(value[key])
        return 0.0
    return float(value or 0.0)


def _batch_ended(batch: Mapping[str, Any]) -> bool:
    return bool(batch["canceled"]) or time.monotonic() - batch["t0"] >= batch["delay_s"]


@dataclass
class _Fault:
    kind: str  # "fail" | "drop" | "stream_error"
    remaining: int
    model: str | None = None
    status: int = 0
    retry_after: float | None = None
    message: str | None = None
    error_type: str | None = None
    how: str = "close"  # for drops: "close" (FIN) or "reset" (RST)


class _DropConnection(Exception):
    """Internal: abort the connection without (finishing) a response."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        """Quiet on client disconnects and deliberate drops; loud on real bugs in the fake."""
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | OSError | _DropConnection):
            return
        super().handle_error(request, client_address)


class FakeAnthropic:
    """A fake Anthropic API on ``http://127.0.0.1:<port>``; start/stop it with ``with`` (or start()/stop())."""

    def __init__(
        self,
        *,
        latency_s: Seconds = 0.0,
        stream_gap_s: Seconds = 0.0,
        answer: AnswerFn | None = None,
        batch_delay_s: float = 0.0,
        chunk_chars: int = 8,
        require_auth: bool = True,
        usage: UsageFn | None = None,
    ) -> None:
        self.latency_s: Seconds = latency_s
        self.stream_gap_s: Seconds = stream_gap_s
        self.answer: AnswerFn = answer or (lambda model, system, user: "OK")
        self.batch_delay_s = batch_delay_s
        self.chunk_chars = max(1, int(chunk_chars))
        self.require_auth = require_auth
        self.usage = usage  # (model, system, user) -> usage fields that replace the counted ones
        self._lock = threading.Lock()
        self._faults: list[_Fault] = []
        self._model_failures: dict[str, int] = {}
        self._records: list[dict[str, Any]] = []
        self._batches: dict[str, dict[str, Any]] = {}
        self._conns: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> FakeAnthropic:
        if self._server is not None:
            return self
        handler = type("_BoundHandler", (_Handler,), {"fake": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name="fake-anthropic",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with self._lock:
            conns = list(self._conns)
            self._conns.clear()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeAnthropic:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeAnthropic is not running")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # ------------------------------------------------------------------ faults
    def fail_next(
        self,
        status: int = 429,
        count: int = 1,
        retry_after: float | None = 1.0,
        *,
        model: str | None = None,
        message: str | None = None,
        error_type: str | None = None,
    ) -> None:
        """The next ``count`` matching ``POST /v1/messages`` get ``status`` with the API's error JSON.

        ``retry_after`` (seconds, may be fractional; None = no header) is sent as ``retry-after``.
        """
        with self._lock:
            self._faults.append(
                _Fault("fail", count, model, status, retry_after, message=message, error_type=error_type)
            )

    def drop_next(self, count: int = 1, *, model: str | None = None, how: str = "close") -> None:
        """The next ``count`` matching requests lose their connection.

        Streaming: after the ``200`` headers and the ``message_start`` event. Non-streaming: before any
        response byte. ``how="close"`` shuts the socket down (FIN), ``how="reset"`` aborts it (TCP RST).
        """
        if how not in ("close", "reset"):
            raise ValueError("how must be 'close' or 'reset'")
        with self._lock:
            self._faults.append(_Fault("drop", count, model, how=how))

    def stream_error_next(
        self, count: int = 1, *, model: str | None = None, error_type: str = "overloaded_error"
    ) -> None:
        """The next ``count`` matching *streaming* requests send ``message_start`` then an SSE ``error`` event
        (as the real API does when it overloads mid-stream) and end the stream cleanly."""
        with self._lock:
            self._faults.append(_Fault("stream_error", count, model, error_type=error_type))

    def fail_for_model(self, model: str, status: int = 500) -> None:
        """Every ``POST /v1/messages`` for ``model`` fails with ``status`` (no retry-after) until cleared."""
        with self._lock:
            self._model_failures[model] = status

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self._model_failures.clear()

    def _take_fault(self, model: str, stream: bool) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.model is not None and fault.model != model:
                    continue
                if fault.kind == "stream_error" and not stream:
                    continue
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
            return None

    # ------------------------------------------------------------------ records
    @property
    def requests(self) -> list[dict[str, Any]]:
        """A snapshot of every request served, in arrival order (fields fill in as it is answered).

        Keys: ``method, path, model, stream, status`` (HTTP status sent; None if dropped before a response),
        ``outcome`` (``ok|error|dropped|stream_error|client_gone``), ``time`` (``time.monotonic()`` at arrival),
        ``duration_s``, ``retry_count`` (the SDK's ``x-stainless-retry-count``), ``headers``, ``body``.
        """
        with self._lock:
            return list(self._records)

    def count(
        self,
        status: int | None = None,
        model: str | None = None,
        *,
        path: str | None = None,
        stream: bool | None = None,
        outcome: str | None = None,
    ) -> int:
        """How many recorded requests match every filter given."""
        with self._lock:
            return sum(
                1
                for r in self._records
                if (status is None or r["status"] == status)
                and (model is None or r["model"] == model)
                and (path is None or r["path"] == path)
                and (stream is None or r["stream"] == stream)
                and (outcome is None or r["outcome"] == outcome)
            )

    def _record(self, rec: dict[str, Any]) -> None:
        with self._lock:
            self._records.append(rec)

    # ------------------------------------------------------------------ answers
    def build_message(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The Message JSON the fake answers ``params`` with (``answer`` is called here)."""
        model = str(params.get("model", ""))
        system_text, user_text = system_and_user_text(params)
        text = str(self.answer(model, system_text, user_text))
        stop_reason = "end_turn"
        max_tokens = params.get("max_tokens")
        if isinstance(max_tokens, int) and max_tokens > 0 and len(text) > max_tokens * 4:
            text, stop_reason = text[: max_tokens * 4], "max_tokens"
        return {
            "id": _new_id("msg_"),
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [{"type": "text", "text": text}],
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": {
                "input_tokens": max(1, len(system_text + user_text) // 4),
                "output_tokens": max(1, len(text) // 4),
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
                "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
                "service_tier": "standard",
                **(self.usage(model, system_text, user_text) if self.usage else {}),
            },
        }

    # ------------------------------------------------------------------ batches
    def _batch_view(self, batch: dict[str, Any]) -> dict[str, Any]:
        """The public MessageBatch object (call with the lock held)."""
        n = len(batch["items"])
        ended = _batch_ended(batch)
        counts = {"processing": n, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
        view = {
            "id": batch["id"],
            "type": "message_batch",
            "processing_status": "in_progress",
            "request_counts": counts,
            "created_at": _rfc3339(batch["created_at"]),
            "expires_at": _rfc3339(batch["created_at"] + timedelta(hours=24)),
            "ended_at": None,
            "archived_at": None,
            "cancel_initiated_at": _rfc3339(batch["canceled"]) if batch["canceled"] else None,
            "results_url": None,
        }
        if ended:
            if batch["ended_at"] is None:
                batch["ended_at"] = datetime.now(UTC)
            counts["processing"] = 0
            for item in batch["items"]:
                counts[item["result"]["type"]] += 1
            view["processing_status"] = "ended"
            view["ended_at"] = _rfc3339(batch["ended_at"])
            view["results_url"] = f"{self.base_url}/v1/messages/batches/{batch['id']}/results"
        return view

    def _create_batch(self, body: Mapping[str, Any]) -> dict[str, Any]:
        items = []
        for req in body.get("requests") or []:
            params = req.get("params") or {}
            model = str(params.get("model", ""))
            with self._lock:
                failing = self._model_failures.get(model)
            if failing is not None:
                result = {"type": "errored", "error": error_body(failing)}
            else:
                try:
                    result = {"type": "succeeded", "message": self.build_message(params)}
                except Exception as exc:  # an answer function that raises → an errored item
                    result = {"type": "errored", "error": error_body(500, f"answer failed: {exc!r}")}
            items.append({"custom_id": req.get("custom_id"), "model": model, "result": result})
        batch = {
            "id": _new_id("msgbatch_"),
            "items": items,
            "t0": time.monotonic(),
            "delay_s": float(self.batch_delay_s),
            "created_at": datetime.now(UTC),
            "ended_at": None,
            "canceled": None,
        }
        with self._lock:
            self._batches[batch["id"]] = batch
            return self._batch_view(batch)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeAnthropic  # set on the bound subclass
    protocol_version = "HTTP/1.1"
    server_version = "FakeAnthropic/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def setup(self) -> None:
        super().setup()
        # small SSE writes must not wait for Nagle + delayed ACK (~40 ms each on loopback)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.fake._lock:
            self.fake._conns.add(self.connection)

    def finish(self) -> None:
        with self.fake._lock:
            self.fake._conns.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    # ---------------------------------------------------------------- plumbing
    def _read_body(self) -> bytes:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def _send_json(self, status: int, payload: Any, headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("request-id", _new_id("req_"))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _event(self, name: str, payload: Mapping[str, Any]) -> None:
        self._chunk(f"event: {name}\ndata: {json.dumps(payload)}\n\n".encode())

    def _abort(self, how: str) -> None:
        self.close_connection = True
        try:
            self.wfile.flush()
        except OSError:
            pass
        try:
            if how == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        raise _DropConnection()

    def _authorized(self) -> bool:
        if not self.fake.require_auth:
            return True
        auth = self.headers.get("authorization", "")
        if auth.lower().startswith("bearer ") and auth[7:].strip():
            return True
        return bool(self.headers.get("x-api-key", "").strip())

    # ---------------------------------------------------------------- dispatch
    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        fake = self.fake
        rec: dict[str, Any] = {
            "method": method,
            "path": self.path.split("?", 1)[0],
            "model": None,
            "stream": False,
            "status": None,
            "outcome": "ok",
            "time": time.monotonic(),
            "duration_s": None,
            "retry_count": None,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": None,
        }
        # recorded on arrival (filled in as it goes): a client may act on the response before
        # this handler returns, and a test counting requests right after must already see it
        fake._record(rec)
        try:
            rec["retry_count"] = int(self.headers.get("x-stainless-retry-count", ""))
        except ValueError:
            pass
        try:
            raw = self._read_body() if method == "POST" else b""
            body: Any = {}
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
            rec["body"] = body
            if isinstance(body, dict):
                rec["model"] = body.get("model")
                rec["stream"] = bool(body.get("stream", False))
            if not self._authorized():
                rec["status"], rec["outcome"] = 401, "error"
                self._send_json(401, error_body(401))
                return
            if body is None or not isinstance(body, dict):
                rec["status"], rec["outcome"] = 400, "error"
                self._send_json(400, error_body(400, "request body is not a JSON object"))
                return
            self._route(method, rec["path"], body, rec)
        except _DropConnection:
            rec["outcome"] = "dropped"
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            rec["outcome"] = "client_gone"
            self.close_connection = True
        finally:
            rec["duration_s"] = time.monotonic() - rec["time"]

    def _route(self, method: str, path: str, body: dict[str, Any], rec: dict[str, Any]) -> None:
        fake = self.fake
        parts = [p for p in path.split("/") if p]
        if method == "POST" and path == "/v1/messages":
            return self._messages(body, rec)
        if method == "POST" and path == "/v1/messages/count_tokens":
            system_text, user_text = system_and_user_text(body)
            rec["status"] = 200
            return self._send_json(200, {"input_tokens": max(1, len(system_text + user_text) // 4)})
        if parts[:3] == ["v1", "messages", "batches"]:
            if method == "POST" and len(parts) == 3:
                rec["status"] = 200
                return self._send_json(200, fake._create_batch(body))
            if method == "GET" and len(parts) == 3:
                with fake._lock:
                    data = [fake._batch_view(b) for b in reversed(list(fake._batches.values()))]
                rec["status"] = 200
                payload = {
                    "data": data,
                    "has_more": False,
                    "first_id": data[0]["id"] if data else None,
                    "last_id": data[-1]["id"] if data else None,
                }
                return self._send_json(200, payload)
            if len(parts) >= 4:
                with fake._lock:
                    batch = fake._batches.get(parts[3])
                    if batch is None:
                        view = None
                    else:
                        if method == "POST" and parts[4:] == ["cancel"] and not _batch_ended(batch):
                            batch["canceled"] = datetime.now(UTC)
                            for item in batch["items"]:
                                item["result"] = {"type": "canceled"}
                        view = fake._batch_view(batch)
                if view is None:
                    rec["status"], rec["outcome"] = 404, "error"
                    return self._send_json(404, error_body(404, f"batch {parts[3]} not found"))
                if (method == "GET" and len(parts) == 4) or (method == "POST" and parts[4:] == ["cancel"]):
                    rec["status"] = 200
                    return self._send_json(200, view)
                if method == "GET" and parts[4:] == ["results"]:
                    if view["processing_status"] != "ended":
                        rec["status"], rec["outcome"] = 400, "error"
                        return self._send_json(400, error_body(400, "batch is still processing"))
                    return self._batch_results(batch, rec)
        rec["status"], rec["outcome"] = 404, "error"
        self._send_json(404, error_body(404, f"no route for {method} {path}"))

    def _batch_results(self, batch: dict[str, Any], rec: dict[str, Any]) -> None:
        lines = []
        for item in batch["items"]:
            lines.append(json.dumps({"custom_id": item["custom_id"], "result": item["result"]}))
        data = ("\n".join(lines) + "\n").encode() if lines else b""
        self.send_response(200)
        self.send_header("Content-Type", "application/binary")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()
        rec["status"] = 200

    # ---------------------------------------------------------------- /v1/messages
    def _messages(self, body: dict[str, Any], rec: dict[str, Any]) -> None:
        fake = self.fake
        model = str(body.get("model") or "")
        stream = rec["stream"]
        missing = [k for k in ("model", "max_tokens", "messages") if k not in body]
        if missing:
            rec["status"], rec["outcome"] = 400, "error"
            return self._send_json(400, error_body(400, f"{missing[0]}: Field required"))

        with fake._lock:
            model_status = fake._model_failures.get(model)
        if model_status is not None:
            rec["status"], rec["outcome"] = model_status, "error"
            return self._send_json(model_status, error_body(model_status))

        fault = fake._take_fault(model, stream)
        if fault is not None and fault.kind == "fail":
            headers = {}
            if fault.retry_after is not None:
                headers["retry-after"] = f"{fault.retry_after:g}"
            rec["status"], rec["outcome"] = fault.status, "error"
            return self._send_json(
                fault.status, error_body(fault.status, fault.message, fault.error_type), headers
            )

        time.sleep(_seconds_for(fake.latency_s, model))  # time to first byte
        if fault is not None and fault.kind == "drop" and not stream:
            rec["outcome"] = "dropped"
            self._abort(fault.how)

        try:
            message = fake.build_message(body)
        except Exception as exc:  # the test's answer function raised: report it as the API would a 500
            rec["status"], rec["outcome"] = 500, "error"
            return self._send_json(500, error_body(500, f"answer failed: {exc!r}"))

        if not stream:
            rec["status"] = 200
            return self._send_json(200, message)

        # ---- SSE, chunked like the real API (so a cut-off stream is detectably incomplete)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("request-id", _new_id("req_"))
        self.end_headers()
        rec["status"] = 200

        usage = message["usage"]
        start_msg = {
            **message,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {**usage, "output_tokens": 1},
        }
        self._event("message_start", {"type": "message_start", "message": start_msg})
        if fault is not None and fault.kind == "drop":
            rec["outcome"] = "dropped"
            self._abort(fault.how)
        if fault is not None and fault.kind == "stream_error":
            etype = fault.error_type or "overloaded_error"
            rec["outcome"] = "stream_error"  # before the client can see it (requests are recorded on arrival)
            self._event(
                "error",
                {"type": "error", "error": {"type": etype, "message": ERROR_MESSAGES.get(etype, etype)}},
            )
            self._chunk(b"")
            return

        text = message["content"][0]["text"]
        self._event(
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        )
        self._event("ping", {"type": "ping"})
        gap = _seconds_for(fake.stream_gap_s, model)
        step = fake.chunk_chars
        for i in range(0, len(text), step):
            if i and gap:
                time.sleep(gap)
            self._event(
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": text[i : i + step]},
                },
            )
        self._event("content_block_stop", {"type": "content_block_stop", "index": 0})
        self._event(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                "usage": {
                    "input_tokens": usage["input_tokens"],
                    "cache_creation_input_tokens": usage["cache_creation_input_tokens"],
                    "cache_read_input_tokens": usage["cache_read_input_tokens"],
                    "output_tokens": usage["output_tokens"],
                },
            },
        )
        self._event("message_stop", {"type": "message_stop"})
        self._chunk(b"")  # the terminating zero-length chunk
