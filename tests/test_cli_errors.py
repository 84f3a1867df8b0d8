"""Errors speak to the user: which file or key, what is wrong, what to do; and the exit code says so."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True,
                          timeout=120)


def test_unknown_config_key_names_the_key(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("mqtt:\n  hots: broker.local\n")
    result = run("run", "--config", str(config))
    assert result.returncode == 2
    assert "mqtt.hots: unknown key" in result.stderr
    assert "host" in result.stderr  # the known keys are listed


def test_wrong_type_names_the_key_and_the_value(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("mqtt:\n  port: eighteen eighty three\n")
    result = run("parse", "--config", str(config), "--no-model", "hello")
    assert result.returncode == 2
    assert "mqtt.port: expected an integer, got 'eighteen eighty three'" in result.stderr


def test_missing_secret_from_the_environment(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("mqtt:\n  password: ${NO_SUCH_SECRET_VARIABLE}\n")
    result = run("parse", "--config", str(config), "--no-model", "hello")
    assert result.returncode == 2
    assert "NO_SUCH_SECRET_VARIABLE is not set" in result.stderr


def test_a_model_that_is_not_there_is_named(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"stt:\n  model: {tmp_path}/no-such-whisper\nllm:\n  enabled: false\n"
                      f"state_dir: {tmp_path}/state\nmqtt:\n  port: 1\n")
    result = run("run", "--config", str(config), "--input", str(tmp_path / "x.wav"))
    assert result.returncode == 1
    assert "no-such-whisper" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_wake_word_lists_the_known_ones(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"wake:\n  models: [hey_toaster]\nllm:\n  enabled: false\nstate_dir: {tmp_path}/state\n"
                      "mqtt:\n  port: 1\n")
    result = run("run", "--config", str(config), "--input", str(tmp_path / "x.wav"))
    assert result.returncode == 1
    assert "hey_toaster" in result.stderr
    assert "okay_nabu" in result.stderr
