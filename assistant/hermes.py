"""Hermes protocol messages (Snips, Rhasspy), so Node-RED flows and Rhasspy tools keep working.

The assistant reads `hermes/nlu/query` (understand this text) and `hermes/tts/say` (speak this
text), and publishes what it does: `hermes/hotword/<wakewordId>/detected`,
`hermes/asr/textCaptured`, `hermes/intent/<intentName>`, `hermes/nlu/intentNotRecognized` and
`hermes/tts/sayFinished`. Field names and defaults follow Rhasspy's MQTT API reference
(`siteId` defaults to "default", `sessionId` and `id` are optional).

Parsers return None for anything malformed or addressed to another site; builders return the
JSON object (a dict) for the caller to `json.dumps` and publish.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

_LOGGER = logging.getLogger(__name__)

DEFAULT_SITE_ID = "default"

NLU_QUERY_TOPIC = "hermes/nlu/query"
TTS_SAY_TOPIC = "hermes/tts/say"
TTS_SAY_FINISHED_TOPIC = "hermes/tts/sayFinished"
ASR_TEXT_CAPTURED_TOPIC = "hermes/asr/textCaptured"
INTENT_NOT_RECOGNIZED_TOPIC = "hermes/nlu/intentNotRecognized"


@dataclass(frozen=True)
class NluQuery:
    """A request to understand a text (`hermes/nlu/query`)."""

    input: str
    site_id: str
    session_id: str | None = None
    id: str | None = None
    intent_filter: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TtsSay:
    """A request to speak a text (`hermes/tts/say`)."""

    text: str
    site_id: str
    id: str | None = None
    session_id: str | None = None
    lang: str | None = None


def parse_nlu_query(payload: bytes, site_id: str) -> NluQuery | None:
    """The query in a `hermes/nlu/query` message for this site, or None."""
    message = _message(NLU_QUERY_TOPIC, payload, site_id, "input")
    if message is None:
        return None
    intent_filter = message.get("intentFilter")
    if intent_filter is not None and not (
        isinstance(intent_filter, list) and all(isinstance(name, str) for name in intent_filter)
    ):
        _LOGGER.warning("Ignored a %s message: intentFilter must be a list of intent names", NLU_QUERY_TOPIC)
        return None
    return NluQuery(
        input=message["input"],
        site_id=site_id,
        session_id=message.get("sessionId"),
        id=message.get("id"),
        intent_filter=tuple(intent_filter) if intent_filter is not None else None,
    )


def parse_tts_say(payload: bytes, site_id: str) -> TtsSay | None:
    """The text in a `hermes/tts/say` message for this site, or None."""
    message = _message(TTS_SAY_TOPIC, payload, site_id, "text")
    if message is None:
        return None
    lang = message.get("lang")
    return TtsSay(
        text=message["text"],
        site_id=site_id,
        id=message.get("id"),
        session_id=message.get("sessionId"),
        lang=lang if isinstance(lang, str) and lang else None,
    )


def hotword_detected_topic(wakeword_id: str) -> str:
    return f"hermes/hotword/{wakeword_id}/detected"


def hotword_detected_payload(
    model_id: str,
    site_id: str,
    session_id: str | None = None,
    model_version: str = "",
    model_type: str = "universal",
    sensitivity: float = 1.0,
) -> dict[str, Any]:
    return {
        "modelId": model_id,
        "modelVersion": model_version,
        "modelType": model_type,
        "currentSensitivity": sensitivity,
        "siteId": site_id,
        "sessionId": session_id,
    }


def text_captured_payload(
    text: str,
    site_id: str,
    likelihood: float = 1.0,
    seconds: float = 0.0,
    session_id: str | None = None,
    wakeword_id: str | None = None,
) -> dict[str, Any]:
    """`hermes/asr/textCaptured`; `seconds` is the length of the transcribed audio."""
    return {
        "text": text,
        "likelihood": likelihood,
        "seconds": seconds,
        "siteId": site_id,
        "sessionId": session_id,
        "wakewordId": wakeword_id,
    }


def intent_topic(intent_name: str) -> str:
    return f"hermes/intent/{intent_name}"


def intent_payload(
    input_text: str,
    intent_name: str,
    slots: dict[str, Any],
    site_id: str,
    session_id: str | None = None,
    confidence: float = 1.0,
    custom_data: str | None = None,
    request_id: str | None = None,
) -> dict[str, Any]:
    """`hermes/intent/<intentName>`; `slots` maps slot names to their values."""
    return {
        "input": input_text,
        "intent": {"intentName": intent_name, "confidenceScore": confidence},
        "slots": [_slot(name, value, input_text) for name, value in slots.items()],
        "id": request_id,
        "siteId": site_id,
        "sessionId": session_id,
        "customData": custom_data,
        "asrTokens": [],
        "asrConfidence": None,
    }


def intent_not_recognized_payload(
    input_text: str, site_id: str, session_id: str | None = None, request_id: str | None = None
) -> dict[str, Any]:
    return {"input": input_text, "id": request_id, "siteId": site_id, "sessionId": session_id}


def say_finished_payload(
    request_id: str | None, site_id: str, session_id: str | None = None
) -> dict[str, Any]:
    """`hermes/tts/sayFinished`, the answer to a `hermes/tts/say` (its `id` copied)."""
    return {"id": request_id, "siteId": site_id, "sessionId": session_id}


def _slot(name: str, value: Any, input_text: str) -> dict[str, Any]:
    raw_value = value if isinstance(value, str) else json.dumps(value)
    kind = "Number" if isinstance(value, int | float) and not isinstance(value, bool) else "Custom"
    slot: dict[str, Any] = {
        "entity": name,
        "slotName": name,
        "rawValue": raw_value,
        "value": {"kind": kind, "value": value},
        "confidence": 1.0,
    }
    start = input_text.lower().find(raw_value.lower()) if raw_value else -1
    if start >= 0:
        end = start + len(raw_value)
        slot["range"] = {"start": start, "end": end, "rawStart": start, "rawEnd": end}
    return slot


def _message(topic: str, payload: bytes, site_id: str, text_key: str) -> dict[str, Any] | None:
    """The JSON object of a request for this site with a non-empty `text_key`, or None."""
    try:
        message = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        _LOGGER.warning("Ignored a %s message: not JSON", topic)
        return None
    if not isinstance(message, dict):
        _LOGGER.warning("Ignored a %s message: not a JSON object", topic)
        return None
    text = message.get(text_key)
    if not isinstance(text, str) or not text.strip():
        _LOGGER.warning("Ignored a %s message: %r must be a non-empty text", topic, text_key)
        return None
    for key in ("siteId", "sessionId", "id"):
        if message.get(key) is not None and not isinstance(message[key], str):
            _LOGGER.warning("Ignored a %s message: %r must be text", topic, key)
            return None
    message_site = message.get("siteId") or DEFAULT_SITE_ID
    if message_site != site_id:
        _LOGGER.debug("Ignored a %s message for site %r (this is %r)", topic, message_site, site_id)
        return None
    if message.get("sessionId") == "":
        message["sessionId"] = None
    if message.get("id") == "":
        message["id"] = None
    return message
