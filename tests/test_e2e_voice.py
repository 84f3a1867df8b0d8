"""End to end, as a person would use it: speak to the daemon through a (virtual) microphone.

The daemon runs in its normal `run` mode on the real models, connected to a real Mosquitto that
holds a few Home Assistant discovery configs. The test speaks with espeak-ng (not the assistant's
Piper voice) into a PulseAudio null sink whose monitor is the default microphone, then checks the
device command that reaches the broker and that a spoken reply came out of the (virtual) speaker.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from daemon_process import publish_demo_house, start_daemon, stop_daemon, write_config
from mosquitto import Mosquitto, MqttListener
from speech import silence, speak, write_wav
from virtual_audio import VirtualAudio, loudest_second_rms

from assistant.audio import read_wav

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SITE = "kitchen"


@pytest.fixture
def virtual_audio(tmp_path: Path) -> Iterator[VirtualAudio]:
    audio = VirtualAudio(tmp_path).start()
    yield audio
    audio.stop()


@pytest.fixture
def daemon(
    tmp_path: Path, mosquitto: Mosquitto, mqtt_listener: MqttListener, virtual_audio: VirtualAudio
) -> Iterator[subprocess.Popen[bytes]]:
    publish_demo_house(mqtt_listener)
    config = write_config(tmp_path, mosquitto.host, mosquitto.port)
    process = start_daemon(tmp_path, config, env=virtual_audio.env)
    try:
        mqtt_listener.wait_for(f"assistant/{SITE}/status", timeout=120, payload=b"online")
        mqtt_listener.wait_for(f"assistant/{SITE}/state", timeout=30, payload=b"idle")
        deadline = time.monotonic() + 30
        while "Microphone 'default' open" not in (tmp_path / "daemon.log").read_text(errors="replace"):
            assert time.monotonic() < deadline, "the daemon did not open the microphone"
            time.sleep(0.2)
        yield process
    finally:
        stop_daemon(process, tmp_path)


def test_spoken_command_reaches_the_device_and_is_answered(
    tmp_path: Path, daemon: subprocess.Popen[bytes], mqtt_listener: MqttListener, virtual_audio: VirtualAudio
) -> None:
    utterance = write_wav(
        tmp_path / "command.wav",
        # PulseAudio's null sink takes a moment before audio flows: lead in with silence.
        silence(3.0) + speak("okay nabu") + silence(0.4) + speak("turn on the coffee maker") + silence(1.5),
    )
    recording = virtual_audio.start_recording_speaker()
    virtual_audio.speak_into_microphone(utterance)

    command = mqtt_listener.wait_for("tasmota/coffee/cmnd/POWER", timeout=20)
    assert command.payload == b"ON"
    transcript = mqtt_listener.wait_for(f"assistant/{SITE}/transcript", timeout=5)
    assert b"coffee" in transcript.payload.lower()
    mqtt_listener.wait_for(f"assistant/{SITE}/state", timeout=20, payload=b"speaking")
    deadline = time.monotonic() + 20
    while not mqtt_listener.messages(f"assistant/{SITE}/state")[-1].payload == b"idle":
        assert time.monotonic() < deadline, "the daemon did not finish speaking"
        time.sleep(0.2)
    time.sleep(0.5)
    virtual_audio.stop_recording()

    samples, rate = read_wav(recording)
    pcm = np.asarray(samples * 32767 if samples.dtype.kind == "f" else samples)
    assert loudest_second_rms(pcm, rate) > 0.02, "no spoken reply reached the speaker"
    assert not mqtt_listener.messages("home/front_door/lock/set"), "nothing else may be commanded"
    assert daemon.poll() is None, "the daemon must keep running"
