"""Hermes (Rhasspy / Snips) messages the assistant reads and publishes."""

from __future__ import annotations

import json
import logging

import pytest

from assistant import hermes


def test_nlu_query_for_this_site() -> None:
    payload = {
        "input": "turn on the lamp",
        "siteId": "kitchen",
        "sessionId": "abc",
        "id": "r1",
        "intentFilter": ["HassTurnOn"],
    }
    query = hermes.parse_nlu_query(json.dumps(payload).encode(), "kitchen")
    assert query == hermes.NluQuery("turn on the lamp", "kitchen", "abc", "r1", ("HassTurnOn",))


def test_site_id_defaults_to_default() -> None:
    query = hermes.parse_nlu_query(b'{"input": "what time is it"}', "default")
    assert query is not None
    assert (query.site_id, query.session_id, query.id) == ("default", None, None)
    assert hermes.parse_nlu_query(b'{"input": "what time is it"}', "kitchen") is None


def test_messages_for_another_site_are_not_ours(caplog: pytest.LogCaptureFixture) -> None:
    assert hermes.parse_nlu_query(b'{"input": "hi", "siteId": "garage"}', "kitchen") is None
    assert hermes.parse_tts_say(b'{"text": "hi", "siteId": "garage"}', "kitchen") is None
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"\xff\xfe",
        b'["input"]',
        b"{}",
        b'{"input": ""}',
        b'{"input": 42}',
        b'{"input": "hi", "sessionId": 7}',
        b'{"input": "hi", "siteId": ["kitchen"]}',
        b'{"input": "hi", "intentFilter": "HassTurnOn"}',
    ],
)
def test_malformed_nlu_queries_are_ignored_with_a_warning(
    payload: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    assert hermes.parse_nlu_query(payload, "default") is None
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert "hermes/nlu/query" in warnings[0]


def test_tts_say() -> None:
    say = hermes.parse_tts_say(
        b'{"text": "Dinner is ready", "siteId": "kitchen", "id": "x1", "lang": "en"}', "kitchen"
    )
    assert say == hermes.TtsSay("Dinner is ready", "kitchen", "x1", None, "en")
    assert hermes.parse_tts_say(b'{"siteId": "kitchen"}', "kitchen") is None


def test_hotword_detected() -> None:
    assert hermes.hotword_detected_topic("okay_nabu") == "hermes/hotword/okay_nabu/detected"
    assert hermes.hotword_detected_payload("okay_nabu", "kitchen", session_id="s1") == {
        "modelId": "okay_nabu",
        "modelVersion": "",
        "modelType": "universal",
        "currentSensitivity": 1.0,
        "siteId": "kitchen",
        "sessionId": "s1",
    }


def test_text_captured() -> None:
    assert hermes.ASR_TEXT_CAPTURED_TOPIC == "hermes/asr/textCaptured"
    assert hermes.text_captured_payload("open the garage", "kitchen", likelihood=0.9, seconds=1.5) == {
        "text": "open the garage",
        "likelihood": 0.9,
        "seconds": 1.5,
        "siteId": "kitchen",
        "sessionId": None,
        "wakewordId": None,
    }


def test_intent() -> None:
    assert hermes.intent_topic("HassLightSet") == "hermes/intent/HassLightSet"
    payload = hermes.intent_payload(
        "set the kitchen light to 40 percent",
        "HassLightSet",
        {"area": "kitchen", "brightness": 40},
        "kitchen",
        session_id="s1",
        confidence=0.8,
    )
    assert payload["input"] == "set the kitchen light to 40 percent"
    assert payload["intent"] == {"intentName": "HassLightSet", "confidenceScore": 0.8}
    assert (payload["siteId"], payload["sessionId"], payload["customData"]) == ("kitchen", "s1", None)
    area, brightness = payload["slots"]
    assert area == {
        "entity": "area",
        "slotName": "area",
        "rawValue": "kitchen",
        "value": {"kind": "Custom", "value": "kitchen"},
        "confidence": 1.0,
        "range": {"start": 8, "end": 15, "rawStart": 8, "rawEnd": 15},
    }
    assert brightness["value"] == {"kind": "Number", "value": 40}
    assert brightness["rawValue"] == "40"
    assert brightness["range"]["start"] == 25
    json.dumps(payload)


def test_slot_not_found_in_the_text_has_no_range() -> None:
    payload = hermes.intent_payload(
        "make it warmer", "HassClimateSetTemperatureRelative", {"temperature_step": 1}, "kitchen"
    )
    assert "range" not in payload["slots"][0]


def test_intent_not_recognized_and_say_finished() -> None:
    assert hermes.INTENT_NOT_RECOGNIZED_TOPIC == "hermes/nlu/intentNotRecognized"
    assert hermes.intent_not_recognized_payload("blah", "kitchen", "s2") == {
        "input": "blah",
        "id": None,
        "siteId": "kitchen",
        "sessionId": "s2",
    }
    assert hermes.TTS_SAY_FINISHED_TOPIC == "hermes/tts/sayFinished"
    assert hermes.say_finished_payload("x1", "kitchen") == {
        "id": "x1",
        "siteId": "kitchen",
        "sessionId": None,
    }
