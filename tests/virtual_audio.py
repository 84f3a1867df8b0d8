"""A PulseAudio server of the test's own, with a virtual microphone and a virtual speaker.

PortAudio (through ALSA's pulse plugin) sees it as the default devices: the null sink `mic`'s
monitor is the default source, so whatever the test plays into `mic` with `paplay` is what the
daemon hears; the daemon's replies go to the null sink `speaker`, recorded from its monitor.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np


class PulseAudioNotFound(RuntimeError):
    pass


class VirtualAudio:
    def __init__(self, workdir: Path) -> None:
        for tool in ("pulseaudio", "pactl", "paplay", "parecord"):
            if shutil.which(tool) is None:
                raise PulseAudioNotFound(f"{tool} is missing: apt-get install pulseaudio pulseaudio-utils")
        self.workdir = workdir
        self.runtime = workdir / "pulse"
        self.runtime.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "PULSE_RUNTIME_PATH": str(self.runtime),
            "PULSE_STATE_PATH": str(self.runtime),
            "PULSE_SERVER": f"unix:{self.runtime}/native",
            "HOME": str(workdir),
        }
        self._server: subprocess.Popen[bytes] | None = None
        self._recorder: subprocess.Popen[bytes] | None = None

    def start(self) -> VirtualAudio:
        self._server = subprocess.Popen(
            [
                "pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit",
                "--use-pid-file=no", "--log-target=stderr",
                "-L", f"module-native-protocol-unix socket={self.runtime}/native auth-anonymous=1",
                "-L", "module-null-sink sink_name=mic rate=16000 channels=1",
                "-L", "module-null-sink sink_name=speaker rate=22050 channels=1",
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=(self.workdir / "pulseaudio.log").open("wb"),
        )
        deadline = time.monotonic() + 10
        while self._pactl("info", check=False).returncode != 0:
            if self._server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"pulseaudio did not start: {(self.workdir / 'pulseaudio.log').read_text()}")
            time.sleep(0.1)
        self._pactl("set-default-source", "mic.monitor")
        self._pactl("set-default-sink", "speaker")
        return self

    def stop(self) -> None:
        for process in (self._recorder, self._server):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()

    def speak_into_microphone(self, wav: Path) -> None:
        """Play a WAV into the virtual microphone, in real time, and wait until it is played."""
        subprocess.run(["paplay", "-d", "mic", str(wav)], env=self.env, check=True, timeout=120)

    def start_recording_speaker(self) -> Path:
        path = self.workdir / "speaker.wav"
        self._recorder = subprocess.Popen(
            ["parecord", "-d", "speaker.monitor", "--rate=22050", "--channels=1", "--format=s16le",
             "--file-format=wav", str(path)],
            env=self.env,
        )
        return path

    def stop_recording(self) -> None:
        if self._recorder is not None:
            self._recorder.terminate()
            self._recorder.wait(timeout=5)
            self._recorder = None

    def _pactl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(["pactl", *args], env=self.env, check=check, capture_output=True, timeout=10)


def loudest_second_rms(samples: np.ndarray, rate: int) -> float:
    """RMS (full scale = 1) of the loudest one-second window: speech is well above silence."""
    audio = samples.astype(np.float32) / 32768.0
    if len(audio) < rate:
        return float(np.sqrt(np.mean(audio**2))) if len(audio) else 0.0
    windows = audio[: len(audio) // rate * rate].reshape(-1, rate)
    return float(np.sqrt((windows**2).mean(axis=1)).max())
