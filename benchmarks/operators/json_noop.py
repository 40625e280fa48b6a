"""The no-op map after the temperature map's JSON work, done on a constant: the guest parses,
changes and writes JSON, then returns its input unchanged, with no host callbacks. Its host-side
work is the no-op map's; the difference in its "convert" figure is what the guest's own work
costs the host afterwards, by evicting the host's code and data from the CPU caches."""

import json

from map_impl import exports

READING = '{"temperature": {"value": 1209, "unit": "F"}, "humidity": {"value": 52}}'


class Map(exports.Map):
    def init(self, configuration) -> bool:
        return True

    def process(self, message):
        data = json.loads(READING)
        data["temperature"]["value"] = round((data["temperature"]["value"] - 32) * 5.0 / 9.0)
        json.dumps(data)
        return message
