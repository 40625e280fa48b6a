"""``LiveError``: a live MQTT source or publisher cannot go on."""

from __future__ import annotations

from ..errors import WorkbenchError


class LiveError(WorkbenchError):
    """The MQTT broker is unreachable or refused us, a topic is malformed, or a live stream was misused.

    Messages name the broker as ``host:port`` and quote the topic, filter or value at fault.
    """
