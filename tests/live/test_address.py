"""Broker addresses, topic names and filters, and argument checks: no broker needed."""

from __future__ import annotations

import pytest

from workbench.errors import WorkbenchError
from workbench.live import Broker, LiveError, mqtt_messages, mqtt_publisher
from workbench.live.address import check_filter, check_filters, check_topic


@pytest.mark.parametrize(("text", "host", "port"), [
    ("127.0.0.1:1883", "127.0.0.1", 1883),
    ("localhost", "localhost", 1883),
    ("mqtt://broker.local:8883/", "broker.local", 8883),
    ("[::1]:1884", "::1", 1884),
    ("::1", "::1", 1883),
])
def test_broker_addresses(text: str, host: str, port: int) -> None:
    assert Broker.parse(text) == Broker(host, port)


def test_broker_address_text_round_trips() -> None:
    assert str(Broker.parse("[::1]:1884")) == "[::1]:1884" and str(Broker.parse("h")) == "h:1883"


@pytest.mark.parametrize(("text", "problem"), [
    ("127.0.0.1:port", r"broker address '127\.0\.0\.1:port': port 'port' is not a number"),
    ("h:70000", r"port '70000' is not a number from 1 to 65535"),
    (":1883", r"broker address ':1883' has no host"),
    ("ws://h:80", r"scheme 'ws' is not supported"),
    ("[::1", r"expected '\[address\]:port'"),
])
def test_bad_broker_addresses_are_quoted(text: str, problem: str) -> None:
    with pytest.raises(LiveError, match=problem):
        Broker.parse(text)


def test_live_errors_are_workbench_errors() -> None:
    assert issubclass(LiveError, WorkbenchError)


@pytest.mark.parametrize("good", ["#", "+", "sensors/#", "a/+/c/#", "+/+", "$share/group/a/#", "a//b"])
def test_good_topic_filters(good: str) -> None:
    assert check_filter(good) == good


@pytest.mark.parametrize(("bad", "problem"), [
    ("a/#/b", r"topic filter 'a/#/b': '#' must be a level of its own, the last one"),
    ("sensors#", r"'#' must be a level of its own"),
    ("a+/b", r"topic filter 'a\+/b': '\+' must be a level of its own"),
    ("", r"topic filter '' is empty"),
    ("a\0b", r"contains a NUL character"),
    ("x" * 70_000, r"is 70000 bytes; MQTT allows at most 65535"),
])
def test_bad_topic_filters_are_quoted(bad: str, problem: str) -> None:
    with pytest.raises(LiveError, match=problem):
        check_filter(bad)


def test_filters_one_or_many() -> None:
    assert check_filters("a/#") == ("a/#",) and check_filters(["a", "b/+"]) == ("a", "b/+")
    with pytest.raises(LiveError, match="no topic filters"):
        check_filters([])


def test_topics_to_publish_to_have_no_wildcards() -> None:
    assert check_topic("out/x") == "out/x"
    with pytest.raises(LiveError, match=r"topic 'out/\+': cannot publish to a topic with wildcards"):
        check_topic("out/+")


@pytest.mark.parametrize(("options", "problem"), [
    ({"count": -1}, r"count must be a whole number of messages \(0 or more\), not -1"),
    ({"count": 1.5}, r"not 1\.5"),
    ({"seconds": 0}, r"seconds must be a positive number of seconds, not 0"),
    ({"idle": "1"}, r"idle must be a positive number of seconds, not '1'"),
    ({"topics": ["ok", "bad/#/x"]}, r"topic filter 'bad/#/x'"),
    ({"qos": 3}, r"qos must be 0, 1 or 2, not 3"),
    ({"reconnect_delay": (2, 1)}, r"reconnect_delay must be \(first, longest\) seconds .*not \(2, 1\)"),
    ({"connect_timeout": 0}, r"connect_timeout must be a positive number of seconds, not 0"),
])
def test_source_arguments_are_checked_before_connecting(options: dict[str, object], problem: str) -> None:
    with pytest.raises(LiveError, match=problem):
        mqtt_messages("127.0.0.1:1", **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(("topic", "problem"), [
    ("out/{node}", r"topic template 'out/\{node\}': only \{sink\} and \{topic\} can be filled in"),
    ("out/#", r"topic 'out/#': cannot publish to a topic with wildcards"),
    ("out/{", r"topic template 'out/\{'"),
])
def test_publisher_topic_templates_are_checked_before_connecting(topic: str, problem: str) -> None:
    with pytest.raises(LiveError, match=problem):
        mqtt_publisher("127.0.0.1:1", topic)
