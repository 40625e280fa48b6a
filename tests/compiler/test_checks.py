"""Tests of the fast source checks that run before componentize-py."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.compiler.checks import (
    CLASS_NAMES,
    KINDS,
    PROCESS_PARAMS,
    OperatorClass,
    SourceSummary,
    check_source,
)
from workbench.errors import CompileError

SAMPLES = {
    "map": """
        from map_impl import exports, imports
        from map_impl.imports import types

        class Map(exports.Map):
            def init(self, configuration) -> bool:
                return True

            def process(self, message):
                return message
        """,
    "filter": """
        from filter_impl import exports
        from filter_impl.imports import types

        class Filter(exports.Filter):
            def init(self, configuration) -> bool:
                return True

            def process(self, message) -> bool:
                return True
        """,
    "branch": """
        from branch_impl import exports, imports

        class Branch(exports.Branch):
            def init(self, configuration) -> bool:
                return True

            def process(self, timestamp, input) -> bool:
                return False
        """,
    "accumulate": """
        from accumulate_impl import exports

        class Accumulate(exports.Accumulate):
            def init(self, configuration) -> bool:
                return True

            def process(self, staged, messages):
                return staged
        """,
    "delay": """
        from delay_impl import exports

        class Delay(exports.Delay):
            def init(self, configuration) -> bool:
                return True

            def process(self, data, timestamp):
                return timestamp
        """,
}


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def fail(text: str, kind: str | None = None) -> CompileError:
    with pytest.raises(CompileError) as info:
        check_source(src(text), "op.py", kind)
    return info.value


def map_class(process: str = "def process(self, message):", init: str = "def init(self, configuration):",
              header: str = "class Map(exports.Map):") -> str:
    return (f"from map_impl import exports\n\n{header}\n    {init}\n        return True\n\n"
            f"    {process}\n        return message\n")


# -- constants ---------------------------------------------------------------------------
def test_public_tables() -> None:
    assert KINDS == ("map", "filter", "branch", "accumulate", "delay")
    assert CLASS_NAMES == {"map": "Map", "filter": "Filter", "branch": "Branch",
                           "accumulate": "Accumulate", "delay": "Delay"}
    assert PROCESS_PARAMS["branch"] == ("timestamp", "message")
    assert PROCESS_PARAMS["accumulate"] == ("staged", "message")
    assert PROCESS_PARAMS["delay"] == ("data", "timestamp")
    assert PROCESS_PARAMS["map"] == PROCESS_PARAMS["filter"] == ("message",)


# -- valid sources -----------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_aio_style_sample_is_accepted(kind: str) -> None:
    summary = check_source(src(SAMPLES[kind]), "op.py")
    assert summary.operators == (OperatorClass(kind, CLASS_NAMES[kind], summary.operators[0].line),)
    assert summary.kinds == (kind,)
    assert f"{kind}_impl" in summary.imported_modules
    assert src(SAMPLES[kind]).splitlines()[summary.operators[0].line - 1].startswith(f"class {CLASS_NAMES[kind]}")


@pytest.mark.parametrize("kind", KINDS)
def test_sample_checked_with_its_kind(kind: str) -> None:
    assert check_source(src(SAMPLES[kind]), kind=kind).kinds == (kind,)


def test_bundled_sample_is_accepted() -> None:
    sample = Path(__file__).parents[2] / "workbench" / "samples" / "temperature.py"
    summary = check_source(sample.read_text(), str(sample))
    assert summary.kinds == ("map",)
    assert summary.imported_modules == ("json", "map_impl")


def test_plain_class_and_any_base_are_accepted() -> None:
    summary = check_source(map_class(header="class Map:"))
    assert summary.operators == (OperatorClass("map", "Map", 3),)
    assert check_source(map_class(header="class Map(SomethingElse):")).kinds == ("map",)


def test_multi_operator_source() -> None:
    text = src("""
        import json
        from map_impl import exports
        from filter_impl import exports as filter_exports

        class Filter(filter_exports.Filter):
            def init(self, configuration):
                return True
            def process(self, message):
                return True

        class Map(exports.Map):
            def init(self, configuration):
                return True
            def process(self, message):
                return message
        """)
    summary = check_source(text)
    assert summary == SourceSummary((OperatorClass("filter", "Filter", 5), OperatorClass("map", "Map", 11)),
                                    ("json", "map_impl", "filter_impl"))
    assert summary.kinds == ("filter", "map")
    assert check_source(text, kind="map").operators == summary.operators


def test_kind_only_requires_that_class_but_checks_others() -> None:
    text = src("""
        class Map:
            def init(self, configuration): ...
            def process(self, message): ...

        class Filter:
            def init(self, configuration): ...
            def process(self, message, extra): ...
        """)
    error = fail(text, kind="map")
    assert error.location.line == 7
    assert "Filter.process takes (self, message), found (self, message, extra)" in error.message


def test_imported_modules_in_source_order_deduplicated() -> None:
    text = src("""
        import os.path, json
        from map_impl import exports
        from . import sibling
        from payload import decode
        import json

        class Map(exports.Map):
            def init(self, configuration):
                import math
                return True
            def process(self, message):
                return message
        """)
    assert check_source(text).imported_modules == ("os", "json", "map_impl", "payload", "math")


def test_parameter_names_are_free_and_extras_with_defaults_or_star_args_accepted() -> None:
    for process in ("def process(this, msg):", "def process(self, message, extra=None):",
                    "def process(self, *args):", "def process(*args):",
                    "def process(self, message, *, flag=False, **options):",
                    "def process(self, message, /):"):
        assert check_source(map_class(process)).kinds == ("map",), process


def test_methods_inherited_from_a_local_base_or_assigned() -> None:
    text = src("""
        from map_impl import exports

        class Base:
            def init(self, configuration):
                return True

        def _process(self, message):
            return message

        class Map(Base, exports.Map):
            process = _process
        """)
    assert check_source(text).kinds == ("map",)


def test_unknown_base_may_supply_the_methods() -> None:
    text = src("""
        from helpers import Operator

        class Map(Operator):
            def preprocess(self, message):
                return message
        """)
    assert check_source(text).kinds == ("map",)


def test_crlf_source_lines() -> None:
    text = map_class("def process(self):").replace("\n", "\r\n")
    error = fail(text)
    assert (error.location.line, error.location.text) == (7, "    def process(self):")


# -- errors ------------------------------------------------------------------------------
def test_syntax_error() -> None:
    error = fail("""
        class Map:
            def process(self, message)
                return message
        """)
    assert error.message.startswith("syntax error: ")
    assert error.location.file == "op.py"
    assert error.location.line == 2
    assert error.location.column is not None
    assert error.location.text == "    def process(self, message)"
    assert "op.py, line 2" in str(error)


def test_indentation_error() -> None:
    error = fail("x = 1\n    y = 2\n")
    assert error.message == "syntax error: unexpected indent"
    assert (error.location.line, error.location.text.strip()) == (2, "y = 2")


def test_null_bytes_are_a_compile_error() -> None:
    with pytest.raises(CompileError):
        check_source("class Map:\0\n")


def test_no_operator_class() -> None:
    error = fail("""
        import json

        def process(message):
            return message
        """)
    for name in CLASS_NAMES.values():
        assert name in error.message
    assert error.location.line is None
    assert "class Map(exports.Map):" in error.hint
    assert "def process(self, message):" in error.hint


def test_misnamed_operator_class_is_located() -> None:
    error = fail("""
        from map_impl import exports

        class Converter(exports.Map):
            def process(self, message):
                return message
        """)
    assert (error.location.line, error.location.text) == (3, "class Converter(exports.Map):")
    assert "'Converter'" in error.message
    assert error.hint == "rename 'Converter' to 'Map'"


def test_missing_class_for_requested_kind() -> None:
    error = fail(SAMPLES["map"], kind="filter")
    assert "'Filter'" in error.message and "'filter'" in error.message
    assert "found Map" in error.message
    assert "class Filter(exports.Filter):" in error.hint


def test_unknown_kind_argument() -> None:
    error = fail(SAMPLES["map"], kind="Mapp")
    assert "'Mapp'" in error.message
    assert error.hint == "did you mean 'map'?"


@pytest.mark.parametrize("method", ["init", "process"])
def test_missing_method_is_located_at_class(method: str) -> None:
    other = "def process(self, message):" if method == "init" else "def init(self, configuration):"
    error = fail(f"from map_impl import exports\n\nclass Map(exports.Map):\n    {other}\n        pass\n")
    assert error.location.line == 3
    assert error.location.text == "class Map(exports.Map):"
    assert error.message == f"class 'Map' has no {method!r} method"


def test_wrong_process_arity_quotes_signature() -> None:
    error = fail("""
        from branch_impl import exports

        class Branch(exports.Branch):
            def init(self, configuration):
                return True

            def process(self, message):
                return True
        """)
    assert error.message == "Branch.process takes (self, timestamp, message), found (self, message)"
    assert (error.location.line, error.location.column) == (7, 5)
    assert error.location.text == "    def process(self, message):"


@pytest.mark.parametrize("kind", ["accumulate", "delay"])
def test_wrong_arity_for_two_argument_kinds(kind: str) -> None:
    name = CLASS_NAMES[kind]
    error = fail(f"""
        class {name}:
            def init(self, configuration): ...
            def process(self, only): ...
        """)
    expected = ", ".join(("self", *PROCESS_PARAMS[kind]))
    assert error.message == f"{name}.process takes ({expected}), found (self, only)"
    assert error.location.line == 3


def test_wrong_init_arity() -> None:
    error = fail(map_class(init="def init(self):"))
    assert error.message == "Map.init takes (self, configuration), found (self)"
    assert (error.location.line, error.location.text) == (4, "    def init(self):")


@pytest.mark.parametrize("process, found", [
    ("def process(self, message, extra):", "(self, message, extra)"),
    ("def process(self, message, *, flag):", "(self, message, *, flag)"),
    ("def process(self, a, b, *rest):", "(self, a, b, *rest)"),
])
def test_too_many_required_parameters(process: str, found: str) -> None:
    error = fail(map_class(process))
    assert error.message == f"Map.process takes (self, message), found {found}"
    assert error.location.line == 7


def test_missing_self_gets_a_hint() -> None:
    error = fail(map_class("def process(message):"))
    assert error.message == "Map.process takes (self, message), found (message)"
    assert error.hint == "add self as the first parameter"


def test_async_process() -> None:
    error = fail(map_class("async def process(self, message):"))
    assert "Map.process" in error.message and "async def" in error.message
    assert (error.location.line, error.location.text) == (7, "    async def process(self, message):")


def test_staticmethod_process() -> None:
    text = map_class("@staticmethod\n    def process(message):")
    error = fail(text)
    assert "Map.process" in error.message and "staticmethod" in error.message
    assert (error.location.line, error.location.text) == (8, "    def process(message):")


@pytest.mark.parametrize("method, typo", [
    ("process", "proces"), ("process", "Process"), ("process", "processs"),
    ("init", "Init"), ("init", "int"),
])
def test_misspelled_method(method: str, typo: str) -> None:
    text = map_class().replace(f"def {method}(", f"def {typo}(")
    error = fail(text)
    assert f"'{typo}'" in error.message and f"{method!r}" in error.message
    assert error.hint.startswith(f"did you mean {method}?")
    line = 4 if method == "init" else 7
    assert error.location.line == line
    assert error.location.text.strip().startswith(f"def {typo}(")


def test_dunder_init_is_not_taken_for_init() -> None:
    error = fail(map_class(init="def __init__(self):"))
    assert error.message == "class 'Map' has no 'init' method"
    assert error.location.line == 3


def test_wrong_bindings_module() -> None:
    error = fail("""
        import json
        from map_impl import exports

        class Filter(exports.Filter):
            def init(self, configuration):
                return True
            def process(self, message):
                return True
        """)
    assert (error.location.line, error.location.column) == (2, 1)
    assert error.location.text == "from map_impl import exports"
    assert "'map_impl'" in error.message and "Filter" in error.message
    assert "filter_impl" in error.hint


def test_wrong_bindings_module_plain_import() -> None:
    error = fail(SAMPLES["delay"].replace("from delay_impl import exports", "import branch_impl.exports"))
    assert error.location.line == 1
    assert "'branch_impl'" in error.message
    assert "delay_impl" in error.hint


def test_duplicate_operator_class() -> None:
    text = map_class() + "\n\n" + map_class().split("\n\n", 1)[1]
    error = fail(text)
    assert error.message == "duplicate operator class 'Map' (first defined at line 3)"
    assert (error.location.line, error.location.text) == (11, "class Map(exports.Map):")


def test_wrong_arity_in_local_base_is_located_there() -> None:
    error = fail("""
        class Base:
            def process(self):
                return None

        class Map(Base):
            def init(self, configuration):
                return True
        """)
    assert error.message == "Map.process takes (self, message), found (self)"
    assert error.location.line == 2


# -- robustness --------------------------------------------------------------------------
def _outcome(text: str, kind: str | None = None) -> None:
    try:
        summary = check_source(text, kind=kind)
    except CompileError as error:
        assert error.message
        return
    assert isinstance(summary, SourceSummary)
    assert summary.operators


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_only_raises_compile_error(text: str) -> None:
    _outcome(text)


FRAGMENTS = ["class Map", "class Filter", "class Branch(exports.Branch)", ":", "\n", "    ", "def ",
             "async ", "process", "init", "proces", "(self", ", message", ", *args", "=None", ")",
             "from map_impl import exports", "import filter_impl", " ...", "@staticmethod", "(", "#"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40), st.sampled_from([None, *KINDS, "bogus"]))
def test_operator_like_text_only_raises_compile_error(parts: list[str], kind: str | None) -> None:
    _outcome("".join(parts), kind)
