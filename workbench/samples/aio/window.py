"""Sample module "window": a delay that moves every message to the end of its time window.

In the style of AIO's samples (``delay_impl`` bindings, ``hybrid_logical_clock`` types). A
message stamped at ``t`` ms moves to the end of its window, ``(t // window_ms + 1) * window_ms``
(configuration ``window_ms``, default 1000), stamped by the node ``window``: every message of a
window then shares one timestamp, so an accumulate after it folds the whole window at once.
"""

from delay_impl import exports, imports
from delay_impl.imports import hybrid_logical_clock

WINDOW = {"ms": 1000}


class Delay(exports.Delay):
    def init(self, configuration) -> bool:
        for key, value in configuration.properties:
            if key == "window_ms":
                WINDOW["ms"] = int(value)
        imports.logger.log(imports.logger.Level.INFO, "module-window/delay", f"window of {WINDOW['ms']} ms")
        return True

    def process(self, data, timestamp):
        millis = timestamp.timestamp.secs * 1000 + timestamp.timestamp.nanos // 1_000_000
        end = (millis // WINDOW["ms"] + 1) * WINDOW["ms"]
        spec = hybrid_logical_clock.Timespec(end // 1000, (end % 1000) * 1_000_000)
        return hybrid_logical_clock.HybridLogicalClock(spec, 0, "window")
