"""A fake of Anthropic's Usage & Cost Analytics API for tests: a real HTTP server on 127.0.0.1 that
the real anthropic SDK talks to (`base_url`), so the SDK's own paging, retry and backoff code runs.

    with FakeAdmin(usage_rows, cost_rows, page_size=2) as fake:
        fake.fail_next(429, retry_after=0)   # then 500, then a dropped connection...
        pull(store, api_key=fake.KEY, since=..., base_url=fake.base_url)

GET /v1/organizations/analytics/usage and /cost answer the rows whose bucket starts in
[starting_at, ending_at), `page_size` a page, `next_page` an opaque cursor; the key must be sent as
`x-api-key` (or `Authorization: Bearer`) and the beta header must name the analytics beta.
Every request is recorded (path, the query, the outcome).
"""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

BETA = "analytics-usage-cost-2026-08-24"


class FakeAdmin:
    KEY = "sk-ant-admin01-test-key-for-the-fake"

    def __init__(self, usage: list[dict], cost: list[dict], *, page_size: int = 2) -> None:
        self.rows = {"usage": usage, "cost": cost}
        self.page_size = page_size
        self.requests: list[dict] = []
        self._faults: list[tuple[int, float | None]] = []
        self._lock = threading.Lock()
        self.fail_after: int | None = None  # answer this many requests, then refuse every one (an outage)

    def fail_next(self, status: int, retry_after: float | None = None, count: int = 1) -> None:
        with self._lock:
            self._faults += [(status, retry_after)] * count

    def __enter__(self) -> FakeAdmin:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def _send(self, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                rec = {"path": url.path, "query": query, "outcome": "ok"}
                with fake._lock:
                    fake.requests.append(rec)
                    answered = sum(1 for r in fake.requests if r["outcome"] == "ok")
                    fault = fake._faults.pop(0) if fake._faults else None
                    outage = fake.fail_after is not None and answered > fake.fail_after
                key = self.headers.get("x-api-key") or self.headers.get("authorization", "").removeprefix(
                    "Bearer "
                )
                if key != fake.KEY:
                    rec["outcome"] = "401"
                    return self._send(
                        401,
                        {
                            "type": "error",
                            "error": {"type": "authentication_error", "message": "invalid x-api-key"},
                        },
                    )
                if BETA not in self.headers.get("anthropic-beta", ""):
                    rec["outcome"] = "400"
                    return self._send(
                        400,
                        {
                            "type": "error",
                            "error": {"type": "invalid_request_error", "message": "beta header"},
                        },
                    )
                if outage:
                    fault = (503, None)
                if fault is not None:
                    status, retry = fault
                    rec["outcome"] = str(status)
                    kind = "rate_limit_error" if status == 429 else "api_error"
                    return self._send(
                        status,
                        {"type": "error", "error": {"type": kind, "message": "fault"}},
                        {"retry-after": str(retry)} if retry is not None else None,
                    )
                kind = url.path.rsplit("/", 1)[-1]
                if url.path not in ("/v1/organizations/analytics/usage", "/v1/organizations/analytics/cost"):
                    rec["outcome"] = "404"
                    return self._send(
                        404, {"type": "error", "error": {"type": "not_found_error", "message": url.path}}
                    )
                start, end = query["starting_at"][0], query["ending_at"][0]
                rows = [r for r in fake.rows[kind] if _iso(start) <= _iso(r["starting_at"]) < _iso(end)]
                offset = int(base64.b64decode(query["page"][0]).decode()) if "page" in query else 0
                page = rows[offset : offset + fake.page_size]
                more = offset + fake.page_size < len(rows)
                nxt = base64.b64encode(str(offset + fake.page_size).encode()).decode() if more else None
                rec["rows"] = len(page)
                self._send(200, {"data": page, "has_more": more, "next_page": nxt, "data_refreshed_at": None})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def count(self, outcome: str | None = None) -> int:
        return sum(1 for r in self.requests if outcome is None or r["outcome"] == outcome)


def _iso(text: str) -> str:
    """RFC 3339 as the SDK sends it (`2026-10-01T00:00:00+00:00`) or as rows write it (`…Z`): the
    same sortable text."""
    return text.replace("Z", "+00:00")[:19]
