"""``tap``: a peek at a live topic from a notebook, as a DataFrame."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..datasets.tables import messages_frame
from .address import Broker
from .source import MqttSource

DEFAULT_SECONDS = 5.0


def tap(broker: str | Broker = "127.0.0.1:1883", topics: str | Iterable[str] = ("sensors/#",), *,
        count: int | None = None, seconds: float | None = None, idle: float | None = None, **options: Any) -> Any:
    """The messages arriving on ``topics`` as a DataFrame (``workbench.datasets.messages_frame``'s columns).

    Listens until ``count`` messages arrived, ``seconds`` passed or nothing came for ``idle``
    seconds; with none of them, for 5 seconds. ``options`` go to ``mqtt_messages`` (``qos``,
    ``username``, ...). ``read_input(frame)`` turns the rows back into messages, so a tapped frame can
    be saved (``frame.to_parquet``) and replayed through a graph. ``frame.attrs`` holds the broker,
    the topics and how many ``__ts`` were malformed.
    """
    if count is None and seconds is None and idle is None:
        seconds = DEFAULT_SECONDS
    with MqttSource(broker, topics, count=count, seconds=seconds, idle=idle, **options) as source:
        frame = messages_frame(source)
    frame.attrs.update(broker=str(source.broker), topics=list(source.topics), malformed=source.malformed)
    return frame
