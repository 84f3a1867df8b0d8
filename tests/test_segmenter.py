"""End-of-speech segmentation, fed with VAD decisions (numbers, not audio)."""

from __future__ import annotations

import pytest

from assistant.segmenter import SegmenterSettings, SegmentEvent, VoiceCommandSegmenter

CHUNK = 0.01
E = SegmentEvent

# (timeline of (is_speech, seconds), expected (time, event) for every event but CONTINUE)
SCENARIOS = {
    "command then silence": (
        [(False, 0.5), (True, 1.0), (False, 1.0)],
        [(0.8, E.SPEECH_STARTED), (1.8, E.PAUSE), (2.2, E.DONE)],
    ),
    "nobody speaks": ([(False, 6.0)], [(5.0, E.TIMEOUT_NO_SPEECH)]),
    "short noise bursts never start a command": (
        [(True, 0.2), (False, 0.3)] * 12,
        [(5.0, E.TIMEOUT_NO_SPEECH)],
    ),
    "a VAD flicker inside the first word does not restart it": (
        [(True, 0.15), (False, 0.1), (True, 0.15), (False, 1.0)],
        [(0.4, E.SPEECH_STARTED), (0.7, E.PAUSE), (1.1, E.DONE)],
    ),
    "endless speech is cut at the maximum length, counted from its start": (
        [(False, 1.0), (True, 10.0)],
        [(1.3, E.SPEECH_STARTED), (9.0, E.TIMEOUT_MAX_LENGTH)],
    ),
    "a pause mid-command, then more words": (
        [(True, 1.0), (False, 0.5), (True, 1.0), (False, 1.0)],
        [(0.3, E.SPEECH_STARTED), (1.3, E.PAUSE), (2.8, E.PAUSE), (3.2, E.DONE)],
    ),
    "a click during the final silence does not prolong it": (
        [(True, 1.0), (False, 0.4), (True, 0.1), (False, 1.0)],
        [(0.3, E.SPEECH_STARTED), (1.3, E.PAUSE), (1.8, E.DONE)],
    ),
}

# The timings these tests spell out were written for a 0.3 s pause.
SETTINGS = SegmenterSettings(pause_seconds=0.3)


def run(segmenter: VoiceCommandSegmenter, timeline: list[tuple[bool, float]]) -> list[tuple[float, E]]:
    """Feed 10 ms chunks; the events and the audio time at which each one came, up to a final one."""
    events: list[tuple[float, E]] = []
    chunks = 0
    for is_speech, seconds in timeline:
        for _ in range(round(seconds / CHUNK)):
            chunks += 1
            event = segmenter.process(CHUNK, is_speech)
            if event is not E.CONTINUE:
                events.append((round(chunks * CHUNK, 2), event))
            if event.is_final:
                return events
    return events


@pytest.mark.parametrize(("timeline", "expected"), SCENARIOS.values(), ids=SCENARIOS.keys())
def test_events(timeline: list[tuple[bool, float]], expected: list[tuple[float, E]]) -> None:
    assert run(VoiceCommandSegmenter(SETTINGS), timeline) == expected


def test_starts_over_after_a_final_event() -> None:
    segmenter = VoiceCommandSegmenter(SETTINGS)
    timeline, expected = SCENARIOS["command then silence"]
    assert run(segmenter, timeline) == expected
    assert not segmenter.in_command
    assert run(segmenter, timeline) == expected


def test_settings_change_the_timing() -> None:
    settings = SegmenterSettings(speech_seconds=0.1, silence_seconds=0.3, pause_seconds=0.2)
    events = run(VoiceCommandSegmenter(settings), [(True, 0.5), (False, 1.0)])
    assert events == [(0.1, E.SPEECH_STARTED), (0.7, E.PAUSE), (0.8, E.DONE)]


def test_longer_chunks_give_the_same_timing() -> None:
    segmenter = VoiceCommandSegmenter(SETTINGS)
    events = []
    for index, is_speech in enumerate([False] * 5 + [True] * 10 + [False] * 10):
        event = segmenter.process(0.1, is_speech)
        if event is not E.CONTINUE:
            events.append((round((index + 1) * 0.1, 1), event))
    assert events == [(0.8, E.SPEECH_STARTED), (1.8, E.PAUSE), (2.2, E.DONE)]


def test_rejects_non_positive_settings() -> None:
    with pytest.raises(ValueError, match=r"segmenter\.silence_seconds must be positive"):
        VoiceCommandSegmenter(SegmenterSettings(silence_seconds=0))
