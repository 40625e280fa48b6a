"""The parts of a graph definition: operations, connections, module references, configurations.

Frozen data. Locations (file and line) ride along so errors can point into the file, but never
take part in equality: a graph loaded from a file equals the same graph built in code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import GraphError

__all__ = [
    "MODULE_OPERATIONS",
    "OPERATION_TYPES",
    "SCHEMA_URL",
    "Connection",
    "Location",
    "ModuleConfiguration",
    "ModuleReference",
    "Operation",
    "Parameter",
]

OPERATION_TYPES = ("source", "map", "filter", "branch", "accumulate", "delay", "concatenate", "sink")
MODULE_OPERATIONS = ("map", "filter", "branch", "accumulate", "delay")
SCHEMA_URL = "https://www.schemastore.org/aio-wasm-graph-config-1.0.0.json"

@dataclass(frozen=True)
class Location:
    """Where something is defined: a file (``None`` for text or code) and a 1-based line."""

    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file or "<graph>"
        return where if self.line is None else f"{where}, line {self.line}"


@dataclass(frozen=True)
class Parameter:
    """One entry of a module configuration's ``parameters`` map.

    ``key`` is the map key; ``name`` is the property name the operator's ``init`` receives.
    """

    key: str
    name: str
    description: str | None = None
    default: str | None = None
    required: bool = False


@dataclass(frozen=True)
class ModuleConfiguration:
    """The ``moduleConfigurations`` entry of the operation called ``name``."""

    name: str
    parameters: tuple[Parameter, ...] = ()
    location: Location | None = field(default=None, compare=False)


# OCI reference grammar (distribution spec), trimmed to what a graph's ``module`` may hold.
_PATH_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_REGISTRY_HOST = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::[0-9]+)?")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")
_DIGEST = re.compile(r"[a-z0-9]+(?:[+._-][a-z0-9]+)*:[A-Fa-f0-9]{32,}")


@dataclass(frozen=True)
class ModuleReference:
    """A module reference such as ``azure-samples/explore-iot-operations/temperature:1.0.0``.

    ``repository`` and ``version`` may be empty: AIO's samples also use bare names (``filter``),
    resolved against the registry endpoint configured on the data flow graph resource. A digest
    (``name@sha256:...``) is kept as the version and written back with ``@``.
    """

    repository: str
    name: str
    version: str

    @classmethod
    def parse(cls, text: str) -> ModuleReference:
        """Split reference text; ``ValueError`` saying what is wrong when it is not one."""
        if not isinstance(text, str) or not text:
            raise ValueError(f"module reference {_q(text)} is empty")
        path, version = _split_version(text)
        repository, _, name = path.rpartition("/")
        if not _PATH_COMPONENT.fullmatch(name):
            raise ValueError(f"module reference {_q(text)}: {_q(name)} is not a valid module name "
                             "(lowercase letters, digits and . _ - separators)")
        if repository and not _valid_repository(repository):
            raise ValueError(f"module reference {_q(text)}: {_q(repository)} is not a valid repository")
        return cls(repository, name, version)

    def __str__(self) -> str:
        text = f"{self.repository}/{self.name}" if self.repository else self.name
        if not self.version:
            return text
        return f"{text}@{self.version}" if ":" in self.version else f"{text}:{self.version}"


def _q(text: object) -> str:
    return f'"{text}"'


def _split_version(text: str) -> tuple[str, str]:
    path, at, digest = text.partition("@")
    if at:
        if not _DIGEST.fullmatch(digest):
            raise ValueError(f"module reference {_q(text)}: {_q(digest)} is not a valid digest")
        if ":" in path.rpartition("/")[2]:
            raise ValueError(f"module reference {_q(text)} has both a tag and a digest")
        return path, digest
    slash, colon = path.rfind("/"), path.rfind(":")
    if colon <= slash:
        return path, ""
    tag = path[colon + 1:]
    if not _TAG.fullmatch(tag):
        raise ValueError(f"module reference {_q(text)}: {_q(tag)} is not a valid version tag")
    return path[:colon], tag


def _valid_repository(repository: str) -> bool:
    first, *rest = repository.split("/")
    if not (_PATH_COMPONENT.fullmatch(first) or _REGISTRY_HOST.fullmatch(first)):
        return False
    return all(_PATH_COMPONENT.fullmatch(part) for part in rest)


@dataclass(frozen=True)
class Operation:
    """One entry of ``operations``: a named step of a given ``operationType``."""

    name: str
    operation_type: str
    module: str | None = None
    location: Location | None = field(default=None, compare=False)

    @property
    def reference(self) -> ModuleReference | None:
        """The parsed ``module``, or ``None`` for an operation without one."""
        if self.module is None:
            return None
        try:
            return ModuleReference.parse(self.module)
        except ValueError as exc:
            where = f"{self.location}: " if self.location else ""
            raise GraphError(f"{where}operation {_q(self.name)}: {exc}") from exc


@dataclass(frozen=True)
class Connection:
    """One entry of ``connections``; ``arm`` is set on outputs of a branch (True/False)."""

    source: str
    target: str
    arm: bool | None = None
    schema_name: str | None = None
    location: Location | None = field(default=None, compare=False)

    def __str__(self) -> str:
        arm = "" if self.arm is None else f"[{self.arm}]"
        return f"{self.source}{arm} -> {self.target}"
