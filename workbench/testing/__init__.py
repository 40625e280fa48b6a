"""Testing graphs and operators: AIO's local test files, and the pytest plugin that runs them."""

from .aio_tests import TestOutcome, run_test
from .compare import compare
from .testfile import AioTest, load_test

__all__ = ["AioTest", "TestOutcome", "compare", "load_test", "run_test"]
