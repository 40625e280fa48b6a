"""Broker addresses and MQTT topic names and filters, checked before anything goes on the wire.

A broker is ``host``, ``host:port``, ``mqtt://host[:port]`` or ``[v6 address]:port``; the port
defaults to 1883 (plain MQTT: TLS is not supported). Topic names (to publish to) and topic filters
(to subscribe to) follow MQTT 5.0 §4.7: UTF-8, not empty, at most 65,535 bytes, no NUL; names have
no wildcards; in filters ``#`` is alone in the last level and ``+`` alone in its level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .errors import LiveError

DEFAULT_PORT = 1883
_MAX_TOPIC_BYTES = 65_535


@dataclass(frozen=True)
class Broker:
    """Where an MQTT broker listens."""

    host: str
    port: int = DEFAULT_PORT

    @classmethod
    def parse(cls, value: str | Broker) -> Broker:
        if isinstance(value, Broker):
            return value
        if not isinstance(value, str):
            raise LiveError(f"broker address must be text like '127.0.0.1:1883', got {value!r}")
        text = value.strip()
        scheme, sep, rest = text.partition("://")
        if sep:
            if scheme.lower() not in ("mqtt", "tcp"):
                raise LiveError(f"broker address {value!r}: scheme {scheme!r} is not supported; use mqtt://host:port")
            text = rest.rstrip("/")
        host, port = _split(text, value)
        if not host:
            raise LiveError(f"broker address {value!r} has no host; expected 'host:port', e.g. '127.0.0.1:1883'")
        return cls(host, port)

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def _split(text: str, original: str) -> tuple[str, int]:
    if text.startswith("["):
        host, bracket, rest = text[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise LiveError(f"broker address {original!r}: expected '[address]:port'")
        return host, _port(rest[1:] if rest else "", original)
    if text.count(":") > 1:  # a bare IPv6 address
        return text, DEFAULT_PORT
    host, _, port = text.partition(":")
    return host, _port(port, original)


def _port(text: str, original: str) -> int:
    if not text:
        return DEFAULT_PORT
    if not text.isdigit() or not 0 < int(text) < 65_536:
        raise LiveError(f"broker address {original!r}: port {text!r} is not a number from 1 to 65535")
    return int(text)


def check_filters(filters: str | Iterable[str]) -> tuple[str, ...]:
    """The topic filters to subscribe to, each checked; one filter may be given as a string."""
    chosen = (filters,) if isinstance(filters, str) else tuple(filters)
    if not chosen:
        raise LiveError("no topic filters to subscribe to; give at least one, e.g. ['sensors/#']")
    for topic_filter in chosen:
        check_filter(topic_filter)
    return chosen


def check_filter(topic_filter: str) -> str:
    _check_text(topic_filter, "topic filter")
    levels = topic_filter.split("/")
    for position, level in enumerate(levels):
        if "#" in level and (level != "#" or position != len(levels) - 1):
            raise LiveError(f"topic filter {topic_filter!r}: '#' must be a level of its own, the last one "
                            f"(e.g. 'sensors/#')")
        if "+" in level and level != "+":
            raise LiveError(f"topic filter {topic_filter!r}: '+' must be a level of its own (e.g. 'sensors/+/temp')")
    return topic_filter


def check_topic(topic: str) -> str:
    """A topic name to publish to: no wildcards."""
    _check_text(topic, "topic")
    if "+" in topic or "#" in topic:
        raise LiveError(f"topic {topic!r}: cannot publish to a topic with wildcards ('+', '#')")
    return topic


def _check_text(value: object, what: str) -> None:
    if not isinstance(value, str):
        raise LiveError(f"{what} must be text, got {type(value).__name__} {value!r}")
    if not value:
        raise LiveError(f"{what} {value!r} is empty")
    if "\0" in value:
        raise LiveError(f"{what} {value!r} contains a NUL character")
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise LiveError(f"{what} {value!r} is not valid UTF-8 text") from exc
    if size > _MAX_TOPIC_BYTES:
        raise LiveError(f"{what} {value[:60]!r}… is {size} bytes; MQTT allows at most {_MAX_TOPIC_BYTES}")
