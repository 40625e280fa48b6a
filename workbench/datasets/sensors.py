"""Temperature and humidity sensors shaped like AIO's sample payloads.

AIO's samples parse payloads into an externally tagged enum (``{"temperature": {...}}`` or
``{"humidity": {...}}``), which rejects any other top-level key; so the device id travels inside
the measurement (serde ignores unknown fields there) and in the topic, never beside it::

    {"temperature": {"value": 72.5, "unit": "F", "deviceId": "thermostat-01"}}
    {"humidity": {"value": 45, "deviceId": "hygrometer-01"}}

Each device drifts around its own base (a mean-reverting random walk). An outlier is far outside
any normal reading: temperatures 40–120 °C away from the base (normal readings stay within 10–35 °C),
humidities below 0 or above 100 %.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from .stream import Event

NORMAL_CELSIUS = (10.0, 35.0)
NORMAL_HUMIDITY = (0, 100)


@dataclass
class _Device:
    """One sensor's running state (mutable: a generator's private bookkeeping)."""

    name: str
    unit: str
    base: float
    drift: float = 0.0


def _rounded(value: float, decimals: int) -> float | int:
    return round(value) if decimals == 0 else round(value, decimals)


class TemperatureSensors:
    """``devices`` thermostats reporting in turn, alternately in °F and °C."""

    def __init__(self, rng: random.Random, devices: int, outliers: float, decimals: int) -> None:
        self.rng, self.outliers, self.decimals = rng, outliers, decimals
        self.devices = [_Device(f"thermostat-{k + 1:02d}", "F" if k % 2 == 0 else "C", rng.uniform(18.0, 26.0))
                        for k in range(devices)]
        self.count = 0

    def __call__(self, index: int, millis: int) -> Event:
        device = self.devices[self.count % len(self.devices)]
        self.count += 1
        rng = self.rng
        device.drift = device.drift * 0.95 + rng.gauss(0.0, 0.2)
        celsius = device.base + device.drift
        if self.outliers and rng.random() < self.outliers:
            celsius = device.base + rng.choice((-1, 1)) * rng.uniform(40.0, 120.0)
        value = celsius * 9.0 / 5.0 + 32.0 if device.unit == "F" else celsius
        reading: dict[str, Any] = {"value": _rounded(value, self.decimals), "unit": device.unit,
                                   "deviceId": device.name}
        return f"sensors/temperature/{device.name}", {"temperature": reading}


class HumiditySensors:
    """``devices`` hygrometers reporting relative humidity (%) in turn."""

    def __init__(self, rng: random.Random, devices: int, outliers: float, decimals: int) -> None:
        self.rng, self.outliers, self.decimals = rng, outliers, decimals
        self.devices = [_Device(f"hygrometer-{k + 1:02d}", "%", rng.uniform(35.0, 65.0)) for k in range(devices)]
        self.count = 0

    def __call__(self, index: int, millis: int) -> Event:
        device = self.devices[self.count % len(self.devices)]
        self.count += 1
        rng = self.rng
        device.drift = device.drift * 0.95 + rng.gauss(0.0, 0.5)
        value = min(max(device.base + device.drift, 1.0), 99.0)
        if self.outliers and rng.random() < self.outliers:
            value = rng.uniform(101.0, 150.0) if rng.random() < 0.5 else -rng.uniform(1.0, 30.0)
        reading = {"value": _rounded(value, self.decimals), "deviceId": device.name}
        return f"sensors/humidity/{device.name}", {"humidity": reading}


class MixedSensors:
    """Temperature and humidity interleaved at random: a share ``humidity_share`` of humidity."""

    def __init__(self, rng: random.Random, devices: int, outliers: float, humidity_share: float) -> None:
        self.rng, self.humidity_share = rng, humidity_share
        self.temperature = TemperatureSensors(rng, devices, outliers, 1)
        self.humidity = HumiditySensors(rng, devices, outliers, 0)

    def __call__(self, index: int, millis: int) -> Event:
        sensors = self.humidity if self.rng.random() < self.humidity_share else self.temperature
        return sensors(index, millis)
