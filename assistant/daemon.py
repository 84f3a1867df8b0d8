"""The daemon: wires the stages and owns the state machine idle -> listening -> thinking -> speaking.

One thread (the main loop) owns the house model, the conversation and the state. The listener
thread, the speaker thread, paho's network thread and the command senders only put events on
the bounded queue; nothing else touches the state. A crash while handling one event is logged and
the loop goes back to idle; only a stop request (SIGTERM / Ctrl-C) or the end of a WAV input ends it.
"""

from __future__ import annotations

import json
import logging
import queue
import re
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from assistant import earcons, hermes
from assistant.audio import MicrophoneSource, NullSink, SpeakerSink, WavFileSink, WavFileSource
from assistant.brain import Brain
from assistant.config import Config
from assistant.conversation import Turn
from assistant.demo_mode import DemoEnvironment, broker_reachable
from assistant.listener import (
    AudioProblem,
    CommandHeard,
    InputEnded,
    Listener,
    ListenerEvent,
    NothingHeard,
    WakeDetected,
)
from assistant.memory import freeze_loaded_objects, release_free_memory
from assistant.mqtt import MqttLink
from assistant.notify import Notifier, WatchdogPinger
from assistant.registry import normalize_name
from assistant.self_entities import SelfEntities
from assistant.speaker import Speaker, SpeechFinished
from assistant.stt import SpeechToText
from assistant.tts import TextToSpeech
from assistant.vad import SpeechDetector
from assistant.wake import WakeWordDetector

_LOGGER = logging.getLogger(__name__)

CONVERSATION_WORDS = {"yes", "no", "okay", "ok", "please", "hey", "stop", "cancel", "sure", "thanks"}
WAKE_PHRASES = ("okay nabu", "ok nabu", "okay, nabu", "hey jarvis", "hey mycroft", "alexa", "nabu")


class State(StrEnum):
    IDLE = "idle"
    LISTENING = "listening"
    THINKING = "thinking"
    SPEAKING = "speaking"
    ERROR = "error"


@dataclass(frozen=True)
class MqttMessage:
    topic: str
    payload: bytes
    retained: bool


@dataclass(frozen=True)
class CommandsSent:
    turn: Turn
    delivered: int
    failed: list[str]
    published_at: float


@dataclass(frozen=True)
class Stop:
    reason: str


Event = ListenerEvent | MqttMessage | CommandsSent | SpeechFinished | Stop


@dataclass
class UtteranceTiming:
    """Per-stage times of one spoken command, in seconds from the end of speech."""

    speech_ended: float
    last_speech: float
    stt_seconds: float
    speculative: bool
    understood: float = 0.0
    published: float | None = None
    first_audio: float | None = None
    stages: dict[str, float] = field(default_factory=dict)


class Daemon:
    def __init__(
        self,
        config: Config,
        brain: Brain,
        link: MqttLink,
        input_wav: Path | None = None,
        realtime: bool = False,
        output_wav: Path | None = None,
        notifier: Notifier | None = None,
    ) -> None:
        self.config = config
        self.brain = brain
        self.link = link
        self.notifier = notifier or Notifier.from_environment()
        self.events: queue.Queue[Event] = queue.Queue(maxsize=1000)
        self.state = State.IDLE
        self.timings: list[UtteranceTiming] = []
        """Timings of every spoken command, for the latency benchmark."""
        self._input_wav = input_wav
        self._realtime = realtime
        self._output_wav = output_wav
        self._conversation = brain.conversation(config.site.area)
        self._self = SelfEntities(
            config.site.id, config.mqtt.base_topic, config.mqtt.discovery_prefix, config.site.name
        )
        self._senders = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mqtt-send")
        self._stt = SpeechToText(config.stt)
        self._tts = TextToSpeech(config.tts)
        self._speaker: Speaker | None = None
        self._listener: Listener | None = None
        self._pending_timing: dict[int, UtteranceTiming] = {}
        self._hermes_says: dict[int, hermes.TtsSay] = {}
        self._follow_up_after: set[int] = set()
        self._subscribed_states: set[str] = set()
        self._volume = 100
        self._input_ended = False
        self._house_changed_at = 0.0
        self._memory_to_release = False
        """A reply was spoken: give the memory its synthesis freed back once the daemon is idle again."""

    # --- life cycle -----------------------------------------------------------------------

    def load(self) -> None:
        """Load and warm every model; the service is not ready before this returns."""
        started = time.perf_counter()
        self._stt.load()
        self._tts.load()
        wake = WakeWordDetector(self.config.wake)
        vad = SpeechDetector(self.config.vad)
        sink = self._make_sink()
        self._speaker = Speaker(self._tts, sink, self.events.put, lambda: self._volume)
        self._listener = Listener(
            self._make_source,
            wake,
            vad,
            self.config.segmenter,
            self._stt,
            self._put,
            preroll_seconds=self.config.listen.preroll_seconds,
            hotwords=self._hotwords,
        )
        release_free_memory()
        freeze_loaded_objects()
        _LOGGER.info("Models loaded in %.1f s", time.perf_counter() - started)

    def run(self) -> int:
        if self._listener is None or self._speaker is None:
            self.load()
        assert self._listener is not None
        assert self._speaker is not None
        self.link.start()
        self._announce_self()
        self._speaker.start()
        self._listener.start()
        self.notifier.ready(status="listening for the wake word")
        self._set_state(State.IDLE)
        watchdog = WatchdogPinger(self.notifier)
        exit_code = 0
        try:
            while True:
                watchdog.tick()
                self._tick()
                try:
                    event = self.events.get(timeout=0.2)
                except queue.Empty:
                    if self._input_ended and self._idle():
                        break
                    continue
                if isinstance(event, Stop):
                    _LOGGER.info("Stopping: %s", event.reason)
                    break
                try:
                    self._handle(event)
                except Exception:
                    _LOGGER.exception("Error while handling %s; back to listening", type(event).__name__)
                    self._set_state(State.IDLE)
        finally:
            self.notifier.stopping()
            self.shutdown()
        return exit_code

    def request_stop(self, reason: str) -> None:
        self._put(Stop(reason))

    def shutdown(self) -> None:
        if self._listener is not None:
            self._listener.stop()
        if self._speaker is not None:
            self._speaker.stop_all()
            self._speaker.close()
        self._senders.shutdown(wait=True, cancel_futures=False)
        self._publish_self(self._self.state_topic, "idle")
        self.link.stop()

    # --- events -----------------------------------------------------------------------------

    def _put(self, event: Event) -> None:
        try:
            self.events.put(event, timeout=1.0)
        except queue.Full:
            _LOGGER.error("Event queue full; dropped %s", type(event).__name__)

    def on_mqtt_message(self, topic: str, payload: bytes, retained: bool) -> None:
        """Called on paho's thread: hand over only."""
        self._put(MqttMessage(topic, payload, retained))

    def _handle(self, event: Event) -> None:
        if isinstance(event, MqttMessage):
            self._on_mqtt(event)
        elif isinstance(event, WakeDetected):
            self._on_wake(event)
        elif isinstance(event, CommandHeard):
            self._on_command(event)
        elif isinstance(event, NothingHeard):
            _LOGGER.info("Nothing heard: %s", event.reason)
            self._set_state(State.IDLE)
        elif isinstance(event, CommandsSent):
            self._on_sent(event)
        elif isinstance(event, SpeechFinished):
            self._on_spoken(event)
        elif isinstance(event, AudioProblem):
            (_LOGGER.info if event.recovered else _LOGGER.error)("Audio: %s", event.message)
            if not event.recovered:
                self._set_state(State.ERROR)
            else:
                self._set_state(State.IDLE)
        elif isinstance(event, InputEnded):
            self._input_ended = True

    def _tick(self) -> None:
        for timer in self.brain.timers.pop_due():
            if timer.command:
                _LOGGER.info("Timer %s: carrying out %r", timer.name, timer.command)
                self._understand(timer.command, timing=None, session_id=None)
            else:
                self._say(f"Your {timer.name} timer is done.", earcon=earcons.done())
        if self._house_changed_at and time.monotonic() - self._house_changed_at > 2.0 and self.state is State.IDLE:
            # Discovery has settled: get the language model's prompt ready for these devices now,
            # not on the first command that needs it.
            self._house_changed_at = 0.0
            self.notifier.watchdog()
            self.brain.prepare_model()
        said = self._conversation.expire()
        if said:
            self._say(said)
        if self._memory_to_release and self._idle():
            self._memory_to_release = False
            release_free_memory()

    def _idle(self) -> bool:
        assert self._speaker is not None
        return self.events.empty() and not self._speaker.busy and self.state is State.IDLE

    # --- MQTT -------------------------------------------------------------------------------

    def _on_mqtt(self, message: MqttMessage) -> None:
        topic, payload = message.topic, message.payload
        if topic == "homeassistant/status" and payload == b"online":
            # Home Assistant restarted: show ourselves again and re-read every discovery config.
            self._announce_self()
            prefix = self.config.mqtt.discovery_prefix
            for pattern in (f"{prefix}/+/+/config", f"{prefix}/+/+/+/config"):
                self.link.resubscribe(pattern)
            return
        if topic == hermes.NLU_QUERY_TOPIC:
            query = hermes.parse_nlu_query(payload, self.config.site.id)
            if query is not None:
                self._understand(query.input, timing=None, session_id=query.session_id)
            return
        if topic == hermes.TTS_SAY_TOPIC:
            say = hermes.parse_tts_say(payload, self.config.site.id)
            if say is not None:
                self._hermes_says[self._say(say.text)] = say
            return
        if self._on_self_command(topic, payload, message.retained):
            return
        if self.brain.handle_message(topic, payload, message.retained):
            self._subscribe_states()
            self._house_changed_at = time.monotonic()

    def _subscribe_states(self) -> None:
        for topic in self.brain.registry.state_topics():
            if topic not in self._subscribed_states:
                self._subscribed_states.add(topic)
                self.link.subscribe(topic)

    def _on_self_command(self, topic: str, payload: bytes, retained: bool) -> bool:
        text = payload.decode("utf-8", "replace").strip()
        assert self._listener is not None
        if topic == self._self.mute_command_topic:
            muted = text.upper() == "ON"
            (self._listener.muted.set if muted else self._listener.muted.clear)()
            self._publish_self(self._self.mute_state_topic, "ON" if muted else "OFF", retain=True)
            return True
        if topic == self._self.volume_command_topic:
            try:
                self._volume = max(0, min(100, round(float(text))))
            except ValueError:
                _LOGGER.warning("Ignoring volume %r on %s: not a number", text, topic)
                return True
            self._publish_self(self._self.volume_state_topic, str(self._volume), retain=True)
            return True
        if topic == self._self.listen_command_topic:
            if retained:  # a stale press kept by the broker is not a request to listen now
                return True
            self._listener.listen_without_wake_word()
            self._set_state(State.LISTENING)
            return True
        return False

    def _announce_self(self) -> None:
        for topic, payload in self._self.discovery_messages():
            self.link.publish(topic, payload, retain=True)
        muted = self._listener is not None and self._listener.muted.is_set()
        self._publish_self(self._self.mute_state_topic, "ON" if muted else "OFF", retain=True)
        self._publish_self(self._self.volume_state_topic, str(self._volume), retain=True)
        self._publish_self(self._self.state_topic, self.state.value, retain=True)

    def _publish_self(self, topic: str, payload: str, retain: bool = False) -> None:
        try:
            self.link.publish(topic, payload, retain=retain)
        except Exception:
            _LOGGER.debug("Could not publish %s (broker down?)", topic, exc_info=True)

    # --- voice ------------------------------------------------------------------------------

    def _on_wake(self, event: WakeDetected) -> None:
        assert self._speaker is not None
        _LOGGER.info("Wake word %s", event.name)
        self._speaker.stop_all()  # barge-in: the wake word cuts the reply short
        self._speaker.play_earcon(earcons.wake(), earcons.EARCON_RATE)
        self._set_state(State.LISTENING)
        self._publish_self(
            hermes.hotword_detected_topic(event.name),
            json.dumps(hermes.hotword_detected_payload(event.name, self.config.site.id)),
        )

    def _on_command(self, event: CommandHeard) -> None:
        text = strip_wake_phrase(event.transcript.text, self._name_words())
        if event.follow_up and not text:
            _LOGGER.info("Nothing said in the follow-up window")
            self._set_state(State.IDLE)
            return
        timing = UtteranceTiming(
            speech_ended=event.speech_ended,
            last_speech=event.last_speech,
            stt_seconds=event.stt_seconds,
            speculative=event.speculative,
        )
        # Home Assistant drops sensor states longer than 255 characters.
        self._publish_self(self._self.transcript_topic, text[:255], retain=True)
        self._publish_self(
            hermes.ASR_TEXT_CAPTURED_TOPIC,
            json.dumps(hermes.text_captured_payload(text, self.config.site.id,
                                                    seconds=len(event.audio) / 32000)),
        )
        if self.config.debug.save_audio:
            self._save_audio(event.audio)
        self._understand(text, timing=timing, session_id=None)

    def _understand(self, text: str, timing: UtteranceTiming | None, session_id: str | None) -> None:
        assert self._speaker is not None
        assert self._listener is not None
        self._set_state(State.THINKING)
        turn = self._conversation.handle(text)
        if timing is not None:
            timing.understood = time.perf_counter()
            timing.stages["understand"] = turn.timings.get("understand", 0.0)
        intent = turn.intent
        _LOGGER.info(
            "Heard %r -> %s %s -> %s; reply %r%s",
            text,
            intent.name if intent else "nothing",
            intent.slots if intent else {},
            [f"{a.topic} {a.payload}" for a in turn.actions] or "no action",
            turn.reply,
            f"; stt {timing.stt_seconds * 1000:.0f} ms{' (speculative)' if timing.speculative else ''}"
            if timing
            else "",
        )
        self._publish_intent(turn, session_id)
        if turn.stop_speaking:
            self._speaker.stop_all()
        if turn.actions:
            self._senders.submit(self._send, turn)
        if timing is not None:
            self.timings.append(timing)
        follow_up = turn.expects_answer or bool(turn.actions)
        speech_id: int | None = None
        if self._chime_instead(turn):
            speech_id = self._speaker.say("", earcons.done(), earcons.EARCON_RATE)
        elif turn.reply:
            speech_id = self._say(turn.reply)
        else:
            self._set_state(State.IDLE)
        if speech_id is not None:
            if timing is not None:
                self._pending_timing[speech_id] = timing
            if follow_up:
                # Listen again only once the reply has been played, so the microphone does not
                # take the assistant's own voice for the next command.
                self._follow_up_after.add(speech_id)
        elif follow_up:
            self._listener.listen_without_wake_word(self.config.conversation.follow_up_seconds)

    def _chime_instead(self, turn: Turn) -> bool:
        """With conversation.chime_same_room, a command on the speaker's own room gets a chime."""
        area = self.config.site.area
        if not (self.config.conversation.chime_same_room and turn.actions and turn.intent and area):
            return False
        return all(e.area == area for e in turn.intent.targets)

    def _send(self, turn: Turn) -> None:
        """On a sender thread: deliver the commands within the delivery window, report back."""
        failed: list[str] = []
        delivered = 0
        for action in turn.actions:
            result = self.link.send_command(action.topic, action.payload)
            if result.delivered:
                delivered += 1
            else:
                failed.append(result.reason)
        self._put(CommandsSent(turn, delivered, failed, time.perf_counter()))

    def _on_sent(self, event: CommandsSent) -> None:
        for timing in reversed(self.timings):
            if timing.published is None and timing.understood:
                timing.published = event.published_at
                break
        if event.failed:
            _LOGGER.error("Commands not delivered: %s", "; ".join(event.failed))
            assert self._speaker is not None
            self._speaker.stop_all()
            self._say("Sorry, I couldn't reach the device. Nothing was done.", earcon=earcons.error())

    def _on_spoken(self, event: SpeechFinished) -> None:
        self._memory_to_release = True
        if event.speech_id in self._follow_up_after:
            self._follow_up_after.discard(event.speech_id)
            if not event.interrupted:
                assert self._listener is not None
                self._listener.listen_without_wake_word(self.config.conversation.follow_up_seconds)
        say = self._hermes_says.pop(event.speech_id, None)
        if say is not None:
            self._publish_self(
                hermes.TTS_SAY_FINISHED_TOPIC,
                json.dumps(hermes.say_finished_payload(say.id, say.site_id, say.session_id)),
            )
        timing = self._pending_timing.pop(event.speech_id, None)
        if timing is not None and event.first_audio is not None:
            timing.first_audio = event.first_audio
        assert self._speaker is not None
        if not self._speaker.busy:
            self._set_state(State.IDLE)

    def _publish_intent(self, turn: Turn, session_id: str | None) -> None:
        site = self.config.site.id
        if turn.intent is None or turn.intent.name == "HassNevermind":
            if turn.intent is None:
                self._publish_self(
                    hermes.INTENT_NOT_RECOGNIZED_TOPIC,
                    json.dumps(hermes.intent_not_recognized_payload(turn.text, site, session_id)),
                )
                self._publish_self(self._self.event_topic, json.dumps({"event_type": "not_recognized",
                                                                        "text": turn.text}))
            return
        intent = turn.intent
        self._publish_self(self._self.intent_topic, intent.name, retain=True)
        self._publish_self(
            self._self.event_topic,
            json.dumps({"event_type": intent.name, "text": turn.text, "slots": turn.as_json()["slots"],
                        "targets": [e.entity_id for e in intent.targets]}),
        )
        self._publish_self(
            hermes.intent_topic(intent.name),
            json.dumps(hermes.intent_payload(turn.text, intent.name, turn.as_json()["slots"], site, session_id)),
        )

    def _say(self, text: str, earcon: bytes | None = None) -> int:
        assert self._speaker is not None
        _LOGGER.info("Saying: %s", text)
        self._set_state(State.SPEAKING)
        return self._speaker.say(text, earcon)

    def _set_state(self, state: State) -> None:
        if state is not self.state:
            self.state = state
            self._publish_self(self._self.state_topic, state.value, retain=True)

    def _name_words(self) -> set[str]:
        return {word for name in self._hotwords() for word in normalize_name(name).split()}

    def _hotwords(self) -> list[str]:
        names: list[str] = []
        for entity in self.brain.registry:
            names.extend(entity.names)
        names.extend(self.brain.registry.areas)
        return names

    def _make_source(self) -> Any:
        if self._input_wav is not None:
            return WavFileSource(self._input_wav, realtime=self._realtime)
        return MicrophoneSource(self.config.audio)

    def _make_sink(self) -> Any:
        if self._output_wav is not None:
            return WavFileSink(self._output_wav)
        if self._input_wav is not None and not self._realtime:
            return NullSink()
        return SpeakerSink(self.config.audio)

    def _save_audio(self, audio: bytes) -> None:
        import wave

        folder = self.config.state_path() / "debug-audio"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / time.strftime("%Y%m%d-%H%M%S.wav")
        with wave.open(str(path), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(16000)
            wav.writeframes(audio)
        _LOGGER.info("Saved command audio to %s", path)


def strip_wake_phrase(text: str, known_words: set[str]) -> str:
    """Drop what Whisper heard of the wake word's end, kept in the pre-roll ("Mute, turn on...").

    A lone leading word cut off by a comma is dropped unless it is a word of a device or area
    name (so "Kitchen, lights on" keeps its area).
    """
    cleaned = text.strip()
    lowered = cleaned.lower()
    for phrase in WAKE_PHRASES:
        if lowered.startswith(phrase):
            return cleaned[len(phrase) :].lstrip(" ,.!?")
    fragment = re.match(r"^\s*([\w']+)[,.!]\s+(\S.*)$", cleaned)
    if fragment and fragment.group(1).lower() not in known_words | CONVERSATION_WORDS:
        return fragment.group(2)
    return cleaned


def run_daemon(
    config: Config,
    config_path: Path | None,
    input_wav: Path | None,
    realtime: bool,
    output_wav: Path | None,
    force_demo: bool,
) -> int:
    demo: DemoEnvironment | None = None
    if force_demo or (config_path is None and not broker_reachable(config.mqtt.host, config.mqtt.port)):
        demo = DemoEnvironment.start(config)
        config = demo.config
        if input_wav is None and not demo.has_microphone:
            input_wav, realtime = demo.sample_commands(), True
            output_wav = output_wav or demo.reply_path
    brain = Brain.from_config(config)
    daemon: Daemon | None = None
    link = MqttLink(config.mqtt, config.site.id, lambda t, p, r: daemon.on_mqtt_message(t, p, r) if daemon else None)
    daemon = Daemon(config, brain, link, input_wav, realtime, output_wav)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda s, _f: daemon.request_stop(signal.Signals(s).name))
    daemon.load()
    try:
        return daemon.run()
    finally:
        if demo is not None:
            demo.stop()


def speak_once(config: Config, text: str, output: Path | None) -> int:
    tts = TextToSpeech(config.tts)
    tts.load()
    sink = WavFileSink(output) if output else SpeakerSink(config.audio)
    for chunk in tts.synthesize(text):
        sink.play(chunk.samples, chunk.rate)
    sink.wait()
    sink.close()
    return 0
