"""A sibling package, reached only through ``payload`` (transitive bundling)."""


def fahrenheit_to_celsius(value: float) -> float:
    return round((value - 32) * 5 / 9, 2)
