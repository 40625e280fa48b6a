"""The only importer of ``oras`` (and of ``requests``): single-layer AIO artifacts in an OCI registry.

``OciClient`` pushes and pulls one graph definition or module at a time with the media types
of ``media_types``, lists tags, and turns every registry or network failure into a
``DeployError`` that names the registry and artifact, and never the password.

Two things differ from plain ``oras.provider.Registry`` use, on purpose:

- oras retries a failed request five times with a back-off of minutes; a command line or a
  notebook cell should fail at once with the reason, so requests are made once, with a timeout.
- oras picks its authentication scheme up front; we ask the registry (``GET /v2/``) and use
  basic authentication where it challenges with ``Basic`` (htpasswd registries) and tokens
  where it challenges with ``Bearer`` (ACR, GHCR, Docker Hub).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any

import oras.container
import oras.oci
import oras.provider
import requests

from ..errors import DeployError
from .credentials import PASSWORD_VARIABLE, USERNAME_VARIABLE, Credentials
from .media_types import CONFIGS, KINDS, LAYERS, OCI_MANIFEST, TITLE_ANNOTATION
from .references import ArtifactReference

TIMEOUT = 30.0
_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")
_PLAIN_REQUEST = getattr(oras.provider.Registry.do_request, "__wrapped__", None)


def _error(message: str, hint: str | None = None) -> DeployError:
    error = DeployError(message)
    error.hint = hint
    return error


@dataclass(frozen=True)
class Artifact:
    """One artifact as pushed or pulled: its single layer's file name and bytes, and the manifest digest."""

    reference: ArtifactReference
    kind: str
    filename: str
    content: bytes = field(repr=False)
    digest: str = ""

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def layer_digest(self) -> str:
        return "sha256:" + hashlib.sha256(self.content).hexdigest()


class _Session(requests.Session):
    """A session whose requests time out, and that keeps no cookies (as oras's own)."""

    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout
        self.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)


class _Registry(oras.provider.Registry):
    """oras's registry client, making each request once (see the module's docs).

    A bearer token is scoped to one repository, and oras keeps offering the first one it got:
    pushing a module and then a graph (two repositories) needs a new token for the second.
    """

    def do_request(self, *args: Any, **kwargs: Any) -> requests.Response:
        response = self._request_once(*args, **kwargs)
        if response.status_code == 401 and getattr(self.auth, "token", None):
            self.auth.token = None  # type: ignore[attr-defined]
            response = self._request_once(*args, **kwargs)
        return response

    def _request_once(self, *args: Any, **kwargs: Any) -> requests.Response:
        if _PLAIN_REQUEST is None:  # an oras without the retry decorator
            return super().do_request(*args, **kwargs)
        response: requests.Response = _PLAIN_REQUEST(self, *args, **kwargs)
        return response


class OciClient:
    """Push, pull and list AIO artifacts on one registry host."""

    def __init__(self, host: str, *, plain_http: bool = False, credentials: Credentials | None = None,
                 timeout: float = TIMEOUT):
        self.host = host
        self.plain_http = plain_http
        self.credentials = credentials
        self.timeout = timeout
        self._client: _Registry | None = None
        _quiet_oras()

    @property
    def _scheme(self) -> str:
        return "http" if self.plain_http else "https"

    # -- operations ------------------------------------------------------------------------
    def push(self, reference: ArtifactReference, filename: str, content: bytes, kind: str) -> Artifact:
        """Upload ``content`` as the single layer of a ``kind`` ("graph" or "module") artifact."""
        registry, container = self._registry(), _container(reference)
        with self._failures("push", reference), tempfile.TemporaryDirectory(prefix="workbench-push-") as tmp:
            blob, empty = Path(tmp) / "layer" / Path(filename).name, Path(tmp) / "config"
            blob.parent.mkdir()
            blob.write_bytes(content)
            empty.write_bytes(b"")
            layer = oras.oci.NewLayer(str(blob), media_type=LAYERS[kind])
            layer["annotations"] = {TITLE_ANNOTATION: blob.name}
            config = oras.oci.NewLayer(str(empty), media_type=CONFIGS[kind])
            for path, descriptor in ((blob, layer), (empty, config)):
                self._expect(registry.upload_blob(str(path), container, descriptor), "push", reference)
            manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "artifactType": CONFIGS[kind],
                        "config": config, "layers": [layer]}
            response = registry.upload_manifest(manifest, container)
            self._expect(response, "push", reference)
        digest = response.headers.get("Docker-Content-Digest") or _json_digest(manifest)
        return Artifact(reference, kind, blob.name, content, digest)

    def pull(self, reference: ArtifactReference) -> Artifact:
        """The graph definition or module at ``reference``, checked against its digests."""
        registry, container = self._registry(), _container(reference)
        with self._failures("pull", reference):
            url = f"{self._scheme}://{container.manifest_url()}"
            response = registry.do_request(url, "GET", headers={"Accept": OCI_MANIFEST})
            if response.status_code == 404:
                raise self._missing(reference)
            self._expect(response, "pull", reference)
            digest = _checked_digest(response, reference)
            kind, layer = _layer_of(response, reference)
            blob = registry.get_blob(container, layer["digest"])
            self._expect(blob, "pull", reference)
        content = _checked_blob(blob.content, layer, reference)
        title = Path(str((layer.get("annotations") or {}).get(TITLE_ANNOTATION) or "")).name
        filename = title if title not in ("", ".", "..") else _default_filename(reference, kind)
        return Artifact(reference, kind, filename, content, digest)

    def tags(self, reference: ArtifactReference) -> list[str]:
        """The tags of ``reference``'s repository (its own tag ignored); empty when it does not exist."""
        registry, container = self._registry(), _container(reference)
        with self._failures("list the tags of", reference):
            response = registry.do_request(f"{self._scheme}://{container.tags_url()}", "GET")
            if response.status_code == 404:
                return []
            self._expect(response, "list the tags of", reference)
            return sorted(registry.get_tags(container))

    # -- connecting ------------------------------------------------------------------------
    def _registry(self) -> _Registry:
        if self._client is None:
            challenge = self._ping()
            basic = challenge.lower().startswith("basic")
            client = _Registry(hostname=self.host, insecure=self.plain_http, auth_backend="basic" if basic else "token")
            client.session = client.auth.session = _Session(self.timeout)
            if self.credentials is not None:
                client.auth.set_basic_auth(self.credentials.username, self.credentials.password)
            if basic:
                self._check_basic_login(client)
            self._client = client
        return self._client

    def _ping(self) -> str:
        """The registry's authentication challenge ("" when it needs none)."""
        url = f"{self._scheme}://{self.host}/v2/"
        try:
            response = requests.get(url, timeout=self.timeout)
        except requests.RequestException as exc:
            raise self._unreachable(url, exc) from exc
        if response.status_code == 200:
            return ""
        if response.status_code == 401:
            return response.headers.get("Www-Authenticate", "")
        raise _error(f"registry {self.host} answered HTTP {response.status_code} at {url}; "
                     "it does not look like an OCI registry")

    def _check_basic_login(self, client: _Registry) -> None:
        if self.credentials is None:
            raise _error(f"registry {self.host} asks for a user name and password, and none are configured",
                         hint=f"set {USERNAME_VARIABLE} and {PASSWORD_VARIABLE}, or run `docker login {self.host}`")
        url = f"{self._scheme}://{self.host}/v2/"
        try:
            response = client.session.get(url, headers=client.auth.get_auth_header())
        except requests.RequestException as exc:
            raise self._unreachable(url, exc) from exc
        if response.status_code in (401, 403):
            raise self._refused(response.status_code, "log in to", self.host)

    # -- failures ------------------------------------------------------------------------
    @contextmanager
    def _failures(self, action: str, reference: ArtifactReference) -> Iterator[None]:
        try:
            yield
        except DeployError:
            raise
        except requests.RequestException as exc:
            raise self._unreachable(f"{self._scheme}://{self.host}", exc, f" while trying to {action} {reference}") \
                from exc
        except ValueError as exc:  # oras: "Cannot respond to request for authentication." and the like
            if "authentication" in str(exc).lower():
                raise self._refused(401, action, str(reference)) from exc
            raise _error(f"cannot {action} {reference}: {exc}") from exc

    def _expect(self, response: requests.Response, action: str, reference: ArtifactReference) -> None:
        if response.status_code in (200, 201, 202):
            return
        if response.status_code in (401, 403):
            raise self._refused(response.status_code, action, str(reference))
        raise _error(f"registry {self.host} answered HTTP {response.status_code} {response.reason} "
                     f"when asked to {action} {reference}{_registry_errors(response)}")

    def _refused(self, status: int, action: str, target: str) -> DeployError:
        who = str(self.credentials) if self.credentials else "anonymous access"
        reason = "authentication failed" if status == 401 else "access denied"
        return _error(f"registry {self.host} refused to let {who} {action} {target}: {reason} (HTTP {status})",
                      hint=f"check {USERNAME_VARIABLE}/{PASSWORD_VARIABLE} or your `docker login {self.host}`")

    def _unreachable(self, url: str, exc: Exception, during: str = "") -> DeployError:
        if isinstance(exc, requests.exceptions.SSLError):
            return _error(f"TLS handshake with registry {self.host} failed{during} ({_reason(exc)})",
                          hint="a registry serving plain HTTP (such as a local test registry) needs --plain-http")
        if isinstance(exc, requests.Timeout):
            return _error(f"registry {self.host} did not answer within {self.timeout:g} s at {url}{during}")
        return _error(f"cannot reach registry {self.host} at {url}{during}: {_reason(exc)}",
                      hint="is the registry running, and are the host and port right?")

    def _missing(self, reference: ArtifactReference) -> DeployError:
        tags = self.tags(reference)
        known = f"its tags are {', '.join(tags)}" if tags else "the repository has no tags (or does not exist)"
        return _error(f"registry {self.host} has no {reference.path}:{reference.tag}; {known}")


@cache
def _quiet_oras() -> None:
    """oras logs registry errors itself; ours say more, so its go nowhere."""
    logging.getLogger("oras.logger").addHandler(logging.NullHandler())


def _container(reference: ArtifactReference) -> oras.container.Container:
    container = oras.container.Container(f"{reference.name}:{reference.tag}", registry=reference.host)
    container.namespace = reference.path.rpartition("/")[0] or None
    return container


def _reason(exc: Exception) -> str:
    found = _ERRNO.search(str(exc))
    return found.group(1).strip() if found else type(exc).__name__


def _registry_errors(response: requests.Response) -> str:
    try:
        errors = response.json().get("errors") or []
    except (ValueError, AttributeError):
        return ""
    text = "; ".join(f"{e.get('code', '')}: {e.get('message', '')}" for e in errors if isinstance(e, dict))
    return f" ({text})" if text else ""


def _json_digest(manifest: dict[str, Any]) -> str:
    return "sha256:" + hashlib.sha256(json.dumps(manifest, allow_nan=False).encode()).hexdigest()


def _checked_digest(response: requests.Response, reference: ArtifactReference) -> str:
    digest = "sha256:" + hashlib.sha256(response.content).hexdigest()
    announced = response.headers.get("Docker-Content-Digest")
    if announced and announced != digest:
        raise _error(f"the manifest of {reference} does not match its digest {announced} (got {digest})")
    return digest


def _layer_of(response: requests.Response, reference: ArtifactReference) -> tuple[str, dict[str, Any]]:
    try:
        manifest = response.json()
        config_type = manifest["config"]["mediaType"]
        layers = manifest["layers"]
    except (ValueError, KeyError, TypeError) as exc:
        raise _error(f"{reference} has no OCI image manifest (media type "
                     f"{response.headers.get('Content-Type')!r})") from exc
    kind = KINDS.get(config_type)
    if kind is None:
        known = " or ".join(KINDS)
        raise _error(f"{reference} is not an AIO graph definition or module: its config media type is "
                     f"{config_type!r}, not {known}")
    wanted = [layer for layer in layers if isinstance(layer, dict) and layer.get("mediaType") == LAYERS[kind]]
    if len(wanted) != 1:
        raise _error(f"{reference} is an AIO {kind} but has {len(wanted)} {LAYERS[kind]} layers, not 1")
    return kind, wanted[0]


def _checked_blob(content: bytes, layer: dict[str, Any], reference: ArtifactReference) -> bytes:
    digest = "sha256:" + hashlib.sha256(content).hexdigest()
    if digest != layer.get("digest") or len(content) != layer.get("size"):
        raise _error(f"the layer of {reference} does not match its digest {layer.get('digest')} "
                     f"and size {layer.get('size')} (got {digest}, {len(content)} bytes)")
    return content


def _default_filename(reference: ArtifactReference, kind: str) -> str:
    return f"{reference.name}-{reference.tag}.wasm" if kind == "module" else f"{reference.name}.yaml"
