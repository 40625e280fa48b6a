"""An operator whose module top-level raises while componentize-py pre-initialises it."""

from map_impl import exports

LIMITS = {"low": 0}


def threshold(name):
    return LIMITS[name]


HIGH = threshold("high")


class Map(exports.Map):
    def init(self, configuration) -> bool:
        return True

    def process(self, message):
        return message
