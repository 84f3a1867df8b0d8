"""Speech to text with faster-whisper (tiny.en by default), biased toward the home's names.

Names of devices and areas go into Whisper's prompt as "Devices: A, B, C." (faster-whisper's
`initial_prompt`). Measured on tiny.en with 18 espeak-ng commands naming odd devices ("turn on
the govee strip on the pergola", two voices): exact transcripts went from 2/18 without hints to
8/18 with them. On the demo house's ten everyday commands, the "Devices:" prompt got 8/10 right,
no hints 6/10, and the same names as bare `hotwords` 6/10 — with the name list leaking into the
transcript ("Fan, The Mad Room Blinds, to 4%"), which the sentence form avoids.

Whisper invents text for noise ("Thank you.", "you"); such results, results with a high
no-speech probability and results the model itself is unsure of (low average token
log-probability, e.g. reversed speech) come back as an empty transcript.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from faster_whisper import WhisperModel

from assistant.audio import SAMPLE_RATE, int16_to_float
from assistant.models import ModelLoadError, ModelNotFound, whisper_model

_LOGGER = logging.getLogger(__name__)

# What Whisper says when there is nothing to say (compared lowercase, without punctuation).
KNOWN_HALLUCINATIONS = frozenset(
    {
        "you",
        "thank you",
        "thanks",
        "thank you very much",
        "thank you so much",
        "thanks for watching",
        "thank you for watching",
        "please subscribe",
        "bye",
        "so",
        "and",
        "uh",
        "um",
        "hmm",
    }
)

_NOT_WORD = re.compile(r"[^\w\s']+")


@dataclass(frozen=True)
class SttSettings:
    """model: "tiny.en" (bundled) or a faster-whisper model directory.
    beam_size 1 is greedy decoding, the fastest. compute_type: CTranslate2 type (int8 on CPU).
    no_speech_threshold: results with a higher no-speech probability are dropped.
    min_avg_logprob: results whose average token log-probability is lower are dropped.
    """

    model: str = "tiny.en"
    language: str = "en"
    beam_size: int = 1
    compute_type: str = "int8"
    cpu_threads: int = 2
    no_speech_threshold: float = 0.6
    min_avg_logprob: float = -1.0


@dataclass(frozen=True)
class Transcript:
    """text is "" when nothing usable was said; raw_text is what Whisper returned."""

    text: str
    seconds_audio: float
    seconds_taken: float
    avg_logprob: float
    no_speech_prob: float
    raw_text: str


class SpeechToText:
    """Load once with `load()`, then `transcribe` 16 kHz mono int16 audio."""

    def __init__(self, settings: SttSettings = SttSettings()) -> None:
        self._settings = settings
        self._model: WhisperModel | None = None

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> None:
        """Load the model and run it once, so the first command is not slowed by the warm-up."""
        if self._model is not None:
            return
        try:
            directory = whisper_model(self._settings.model)
        except ModelNotFound as err:
            raise ModelLoadError(str(err)) from err
        if not (Path(directory) / "tokenizer.json").is_file():
            # faster-whisper would otherwise download a tokenizer from the Hugging Face Hub.
            raise ModelLoadError(f"speech-to-text model {directory}: tokenizer.json is missing")
        started = time.perf_counter()
        try:
            self._model = WhisperModel(
                directory,
                device="cpu",
                compute_type=self._settings.compute_type,
                cpu_threads=self._settings.cpu_threads,
                local_files_only=True,
            )
        except (RuntimeError, OSError, ValueError) as err:
            raise ModelLoadError(f"cannot load speech-to-text model {directory}/model.bin: {err}") from err
        self.transcribe(bytes(SAMPLE_RATE * 2))
        _LOGGER.info("Speech-to-text model %s loaded in %.1f s", directory, time.perf_counter() - started)

    def transcribe(self, audio: bytes, hotwords: list[str] | None = None) -> Transcript:
        """Text of a command (16 kHz mono int16), biased toward `hotwords` (device/area names)."""
        if self._model is None:
            raise RuntimeError("SpeechToText.load() must be called before transcribe()")
        started = time.perf_counter()
        samples = int16_to_float(audio)
        segments, _ = self._model.transcribe(
            samples,
            language=self._settings.language,
            beam_size=self._settings.beam_size,
            temperature=0.0,
            without_timestamps=True,
            vad_filter=False,
            condition_on_previous_text=False,
            no_speech_threshold=self._settings.no_speech_threshold,
            initial_prompt=f"Devices: {', '.join(hotwords)}." if hotwords else None,
        )
        segments = list(segments)
        raw_text = " ".join(segment.text.strip() for segment in segments).strip()
        avg_logprob = float(np.mean([s.avg_logprob for s in segments])) if segments else 0.0
        no_speech_prob = max((s.no_speech_prob for s in segments), default=1.0)
        text = raw_text if self._usable(raw_text, avg_logprob, no_speech_prob) else ""
        transcript = Transcript(
            text=text,
            seconds_audio=len(samples) / SAMPLE_RATE,
            seconds_taken=time.perf_counter() - started,
            avg_logprob=avg_logprob,
            no_speech_prob=no_speech_prob,
            raw_text=raw_text,
        )
        _LOGGER.debug(
            "Transcribed %.1f s in %.2f s: %r (raw %r, avg_logprob %.2f, no_speech %.2f)",
            transcript.seconds_audio, transcript.seconds_taken, text, raw_text, avg_logprob, no_speech_prob,
        )
        return transcript

    def _usable(self, text: str, avg_logprob: float, no_speech_prob: float) -> bool:
        words = _NOT_WORD.sub(" ", text.lower()).split()
        if not words or " ".join(words) in KNOWN_HALLUCINATIONS:
            return False
        if no_speech_prob > self._settings.no_speech_threshold:
            return False
        return avg_logprob >= self._settings.min_avg_logprob
