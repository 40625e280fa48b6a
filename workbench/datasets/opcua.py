"""OPC UA tag readings shaped like AIO's connector for OPC UA publishes them.

One message per asset sample, on ``azure-iot-operations/data/<asset>``: an object of data points,
each with ``SourceTimestamp`` and ``Value`` (as AIO's connector writes them), plus the OPC UA
``StatusCode`` (``{"Code": 0, "Symbol": "Good"}`` or an Uncertain/Bad code) and ``NodeId``::

    {"temperature": {"SourceTimestamp": "2025-01-01T00:00:00.125Z", "Value": 74.21,
                     "StatusCode": {"Code": 0, "Symbol": "Good"}, "NodeId": "ns=2;s=boiler-01/temperature"},
     "pressure": {...}, "flowRate": {...}, "running": {...}}

Outliers put one numeric tag 10–20 of its spreads away from its base.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from .stream import Event
from .timestamps import iso_millis


@dataclass(frozen=True)
class Tag:
    """A numeric data point: base range, walk step, outlier spread and decimals."""

    name: str
    low: float
    high: float
    step: float
    spread: float
    decimals: int


TAGS = (Tag("temperature", 60.0, 90.0, 0.3, 5.0, 2), Tag("pressure", 2.0, 6.0, 0.02, 0.5, 3),
        Tag("flowRate", 10.0, 40.0, 0.2, 3.0, 2))
GOOD = {"Code": 0, "Symbol": "Good"}
NOT_GOOD = ({"Code": 0x40900000, "Symbol": "UncertainLastUsableValue"},
            {"Code": 0x40930000, "Symbol": "UncertainSensorNotAccurate"},
            {"Code": 0x808C0000, "Symbol": "BadSensorFailure"},
            {"Code": 0x808D0000, "Symbol": "BadOutOfService"})


class OpcUaAssets:
    """``assets`` machines sampled in turn, each with temperature, pressure, flow rate and a running flag."""

    def __init__(self, rng: random.Random, assets: int, outliers: float, bad_status: float) -> None:
        self.rng, self.outliers, self.bad_status = rng, outliers, bad_status
        self.names = [f"boiler-{k + 1:02d}" for k in range(assets)]
        self.bases = [[rng.uniform(tag.low, tag.high) for tag in TAGS] for _ in range(assets)]
        self.drifts = [[0.0] * len(TAGS) for _ in range(assets)]
        self.running = [True] * assets
        self.count = 0

    def __call__(self, index: int, millis: int) -> Event:
        k = self.count % len(self.names)
        self.count += 1
        asset, rng, when = self.names[k], self.rng, iso_millis(millis)
        values: list[Any] = [self._value(k, t, tag) for t, tag in enumerate(TAGS)]
        if self.outliers and rng.random() < self.outliers:
            t = rng.randrange(len(TAGS))
            tag = TAGS[t]
            values[t] = round(self.bases[k][t] + rng.choice((-1, 1)) * rng.uniform(10, 20) * tag.spread, tag.decimals)
        if rng.random() < 0.002:
            self.running[k] = not self.running[k]
        values.append(self.running[k])
        names = [tag.name for tag in TAGS] + ["running"]
        statuses = [GOOD] * len(names)
        if self.bad_status and rng.random() < self.bad_status:
            statuses[rng.randrange(len(names))] = rng.choice(NOT_GOOD)
        payload = {name: {"SourceTimestamp": when, "Value": value, "StatusCode": status,
                          "NodeId": f"ns=2;s={asset}/{name}"}
                   for name, value, status in zip(names, values, statuses)}
        return f"azure-iot-operations/data/{asset}", payload

    def _value(self, k: int, t: int, tag: Tag) -> float:
        drift = self.drifts[k][t] * 0.95 + self.rng.gauss(0.0, tag.step)
        self.drifts[k][t] = drift
        return round(self.bases[k][t] + drift, tag.decimals)
