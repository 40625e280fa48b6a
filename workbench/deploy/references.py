"""Registry addresses (``HOST[:PORT]/REPO``) and artifact references (``HOST[:PORT]/REPO/NAME:TAG``).

Names follow the OCI distribution spec: lowercase path components, tags of at most 128
characters. A registry endpoint in AIO points at ``HOST/REPO``; a graph names its modules and
the data flow graph resource names its graph artifact as ``NAME:TAG`` under that endpoint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import DeployError

_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")
_HOST = re.compile(r"(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:]+\])(?::[0-9]{1,5})?")
HOST_EXAMPLE = "myregistry.azurecr.io/workbench or 127.0.0.1:5000/workbench"


def valid_name(text: str) -> bool:
    """Is ``text`` a valid repository path (components separated by ``/``)?"""
    return bool(text) and all(_COMPONENT.fullmatch(part) for part in text.split("/"))


def valid_tag(text: str) -> bool:
    return bool(_TAG.fullmatch(text))


def slug(text: str, fallback: str = "graph") -> str:
    """A valid repository name component made of ``text``: ``"Simple graph"`` → ``simple-graph``."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:100].strip("-") or fallback


def split_artifact(text: str, what: str = "artifact") -> tuple[str, str]:
    """``NAME:TAG`` → ``(NAME, TAG)``; ``DeployError`` quoting ``text`` when it is not one."""
    name, colon, tag = text.rpartition(":")
    if not colon or not valid_name(name) or "/" in name or not valid_tag(tag):
        raise DeployError(f"{what} \"{text}\" must be NAME:TAG with a lowercase name "
                          "(letters, digits, . _ -) and a tag, e.g. my-graph:1.0.0")
    return name, tag


def _split_host(text: str, what: str) -> tuple[str, str]:
    host, _, rest = text.strip().removeprefix("oci://").partition("/")
    looks_like_host = "." in host or ":" in host or host == "localhost"
    if not looks_like_host or not _HOST.fullmatch(host):
        raise DeployError(f"{what} \"{text}\" does not start with a registry host; "
                          f"give HOST[:PORT]/REPO, e.g. {HOST_EXAMPLE}")
    return host, rest.strip("/")


@dataclass(frozen=True)
class RegistryAddress:
    """Where a bundle goes: a registry host and a repository prefix (possibly empty)."""

    host: str
    repository: str = ""

    @classmethod
    def parse(cls, text: str) -> RegistryAddress:
        host, repository = _split_host(text, "registry")
        if repository and not valid_name(repository):
            raise DeployError(f"registry \"{text}\": \"{repository}\" is not a valid repository "
                              "(lowercase letters, digits and . _ - separators)")
        return cls(host, repository)

    def artifact(self, name: str, tag: str) -> ArtifactReference:
        path = f"{self.repository}/{name}" if self.repository else name
        return ArtifactReference(self.host, path, tag)

    def __str__(self) -> str:
        return f"{self.host}/{self.repository}" if self.repository else self.host


@dataclass(frozen=True)
class ArtifactReference:
    """One artifact in a registry: ``HOST[:PORT]/PATH:TAG``."""

    host: str
    path: str
    tag: str

    @classmethod
    def parse(cls, text: str) -> ArtifactReference:
        host, rest = _split_host(text, "reference")
        if "@" in rest:
            raise DeployError(f"reference \"{text}\": pull by tag (NAME:TAG), not by digest")
        path, colon, tag = rest.rpartition(":")
        if not colon or not valid_name(path) or not valid_tag(tag):
            raise DeployError(f"reference \"{text}\" must be HOST[:PORT]/REPO/NAME:TAG, "
                              "e.g. 127.0.0.1:5000/workbench/my-graph:1.0.0")
        return cls(host, path, tag)

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]

    @property
    def address(self) -> RegistryAddress:
        """The registry address that holds this artifact (its repository prefix)."""
        return RegistryAddress(self.host, self.path.rpartition("/")[0])

    def __str__(self) -> str:
        return f"{self.host}/{self.path}:{self.tag}"
