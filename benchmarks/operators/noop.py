"""A map that returns its input: the cost of crossing the boundary and nothing else."""

from map_impl import exports


class Map(exports.Map):
    def init(self, configuration) -> bool:
        return True

    def process(self, message):
        return message
