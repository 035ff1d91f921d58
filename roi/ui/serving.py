"""What `roi serve` adds to Streamlit's server: security headers on every HTTP response.

The headers a reverse proxy would otherwise have to add: the app is never framed by another site
(clickjacking), the browser never guesses a file's type, no referrer leaves the site, and no page
may ask for the camera, microphone or location. Strict-Transport-Security belongs to whoever
terminates TLS (the proxy), so it is sent only when ROI_HSTS is set.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

APP = str(Path(__file__).resolve().parents[2] / "app.py")
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": "frame-ancestors 'self'",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeaders:
    """ASGI middleware: the HEADERS on every HTTP response (WebSocket frames are not HTTP)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = HEADERS | (
            {"Strict-Transport-Security": "max-age=31536000; includeSubDomains"}
            if os.environ.get("ROI_HSTS")
            else {}
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def security_headers() -> list[Middleware]:
    return [Middleware(SecurityHeaders)]
