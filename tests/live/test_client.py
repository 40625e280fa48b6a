"""How the client reads the broker's refusals (callbacks fed directly: Mosquitto cannot be made to refuse a SUBSCRIBE)."""

from __future__ import annotations

from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.reasoncodes import ReasonCode

from workbench.live import Broker, LiveError
from workbench.live.client import MqttClient

SUCCESS, NOT_AUTHORIZED = ReasonCode(PacketTypes.SUBACK, identifier=0), ReasonCode(PacketTypes.SUBACK, identifier=0x87)


def client(failures: list[LiveError]) -> MqttClient:
    return MqttClient(Broker("h", 1), filters=("public/#", "secret/#"), on_failure=failures.append)


def test_a_refused_subscription_at_connect_becomes_the_connect_error() -> None:
    failures: list[LiveError] = []
    mqtt = client(failures)
    mqtt._subscribed(mqtt._client, None, 1, [SUCCESS, NOT_AUTHORIZED], None)
    assert mqtt._failure == "the MQTT broker at h:1 refused the subscription to 'secret/#': Not authorized"
    assert failures == [] and list(mqtt.events.frame()["event"]) == ["subscribe_failed"]


def test_a_refusal_after_a_reconnect_goes_to_the_consumer() -> None:
    failures: list[LiveError] = []
    mqtt = client(failures)
    mqtt._subscribed(mqtt._client, None, 1, [SUCCESS, SUCCESS], None)
    mqtt._connected(mqtt._client, None, None, ReasonCode(PacketTypes.CONNACK, identifier=0x86), None)
    assert [str(f) for f in failures] == ["the MQTT broker at h:1 refused the connection: Bad user name or password "
                                          "(username None: check the username and password)"]
    assert list(mqtt.events.frame()["event"]) == ["subscribed", "refused"]
