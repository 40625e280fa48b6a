"""A bearer-token front for the loopback registry, as ACR, GHCR and Docker Hub authenticate.

``GET /v2/...`` without a token for that repository answers 401 with a ``Bearer`` challenge
naming the repository's scope; ``GET /token`` with the right basic credentials hands out a token
valid for that one repository; requests with it are forwarded to the real registry. Tokens are
per repository, as in real registries, so a client must ask again for each repository.
"""

from __future__ import annotations

import base64
import http.client
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

_REPOSITORY = re.compile(r"^/v2/(?P<name>.+?)/(?:blobs|manifests|tags)/")
_HOP_HEADERS = {"host", "authorization", "connection", "transfer-encoding"}


class TokenProxy(ThreadingHTTPServer):
    def __init__(self, upstream: str, users: dict[str, str]):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream, self.users = upstream, users
        self.tokens: dict[str, str] = {}  # token → repository
        self.token_requests = 0

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: TokenProxy

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/token"):
            self._token()
        else:
            self._forward()

    def do_HEAD(self) -> None:
        self._forward()

    def do_POST(self) -> None:
        self._forward()

    def do_PUT(self) -> None:
        self._forward()

    def do_PATCH(self) -> None:
        self._forward()

    def _token(self) -> None:
        self.server.token_requests += 1
        scope = parse_qs(urlparse(self.path).query).get("scope", [""])[0]
        user, _, password = base64.b64decode(self.headers.get("Authorization", "Basic ")[6:]).decode().partition(":")
        if self.server.users.get(user) != password or not scope.startswith("repository:"):
            self._answer(401, b'{"errors": [{"code": "UNAUTHORIZED"}]}')
            return
        token = secrets.token_hex(8)
        self.server.tokens[token] = scope.split(":")[1]
        self._answer(200, f'{{"token": "{token}"}}'.encode())

    def _allowed(self, repository: str) -> bool:
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        return token in self.server.tokens and (not repository or self.server.tokens[token] == repository)

    def _forward(self) -> None:
        found = _REPOSITORY.match(urlparse(self.path).path)
        repository = found["name"] if found else ""
        if not self._allowed(repository):
            scope = f',scope="repository:{repository}:pull,push"' if repository else ""
            challenge = f'Bearer realm="http://{self.server.host}/token",service="proxy"{scope}'
            self._answer(401, b'{"errors": [{"code": "UNAUTHORIZED"}]}', {"Www-Authenticate": challenge})
            return
        body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
        connection = http.client.HTTPConnection(self.server.upstream, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_HEADERS}
        connection.request(self.command, self.path, body=body or None, headers=headers)
        response = connection.getresponse()
        data = response.read()
        out = {k: v.replace(self.server.upstream, self.server.host) for k, v in response.getheaders()
               if k.lower() not in ("content-length", "connection", "transfer-encoding")}
        self._answer(response.status, data, out)

    def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def token_proxy(upstream: str, users: dict[str, str]) -> Iterator[TokenProxy]:
    server = TokenProxy(upstream, users)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
