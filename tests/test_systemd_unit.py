"""The systemd unit: accepted by `systemd-analyze verify`, with the directives the service relies on."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.config import load_config

SYSTEMD_DIR = Path(__file__).resolve().parent.parent / "systemd"
UNIT = SYSTEMD_DIR / "assistant.service"
ENV_EXAMPLE = SYSTEMD_DIR / "assistant.env.example"
INSTALLED_BINARY = "/opt/assistant/.venv/bin/assistant"


def directives(path: Path) -> dict[str, list[str]]:
    """`Section.Key` -> values, in order, as systemd reads them (comments and blank lines skipped)."""
    found: dict[str, list[str]] = {}
    section = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        key, _, value = line.partition("=")
        found.setdefault(f"{section}.{key.strip()}", []).append(value.strip())
    return found


def test_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("systemd-analyze is missing: apt-get install systemd", pytrace=False)
    text = UNIT.read_text()
    assert INSTALLED_BINARY in text
    # verify checks that the program exists; on this machine it is the test's Python.
    copy = tmp_path / "assistant.service"
    copy.write_text(text.replace(INSTALLED_BINARY, f"{sys.executable} -m assistant.cli"))

    result = subprocess.run([analyze, "verify", str(copy)], capture_output=True, text=True, timeout=60)

    complaints = [line for line in (result.stdout + result.stderr).splitlines() if "assistant.service" in line]
    assert result.returncode == 0, result.stdout + result.stderr
    assert complaints == [], "systemd-analyze verify complained:\n" + "\n".join(complaints)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("Service.Type", "notify"),
        ("Service.NotifyAccess", "main"),
        ("Service.ExecStart", f"{INSTALLED_BINARY} run --config /etc/assistant/config.yaml"),
        ("Service.WatchdogSec", "30"),
        ("Service.Restart", "on-failure"),
        ("Service.RestartSec", "5"),
        ("Service.TimeoutStartSec", "120"),
        ("Service.TimeoutStopSec", "10"),
        ("Service.User", "assistant"),
        ("Service.Group", "assistant"),
        ("Service.SupplementaryGroups", "audio"),
        ("Service.EnvironmentFile", "-/etc/assistant/assistant.env"),
        ("Service.StateDirectory", "assistant"),
        ("Service.CacheDirectory", "assistant"),
        ("Service.NoNewPrivileges", "yes"),
        ("Service.ProtectSystem", "strict"),
        ("Service.ProtectHome", "yes"),
        ("Service.PrivateTmp", "yes"),
        ("Service.RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6 AF_NETLINK"),
        ("Service.SystemCallArchitectures", "native"),
        ("Service.PrivateDevices", "no"),
        ("Service.DevicePolicy", "closed"),
        ("Service.DeviceAllow", "char-alsa rw"),
        # cffi callbacks (sounddevice) need write+execute memory: "yes" silences the microphone.
        ("Service.MemoryDenyWriteExecute", "no"),
        ("Install.WantedBy", "multi-user.target"),
    ],
)
def test_unit_has_directive(key: str, value: str) -> None:
    assert directives(UNIT).get(key) == [value]


def test_unit_keeps_writable_paths_to_its_own_directories() -> None:
    found = directives(UNIT)
    assert "Service.ReadWritePaths" not in found  # StateDirectory= and CacheDirectory= are enough


def test_env_example_variables_reach_the_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every variable the example offers (once uncommented) changes the loaded configuration."""
    offered = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.startswith("#") and "=" in line and " " not in line.partition("=")[0]:
            key, _, value = line[1:].partition("=")
            offered[key] = value
    assert set(offered) == {
        "ASSISTANT_MQTT_HOST",
        "ASSISTANT_MQTT_PORT",
        "ASSISTANT_MQTT_USERNAME",
        "ASSISTANT_MQTT_PASSWORD",
    }
    for key, value in offered.items():
        monkeypatch.setenv(key, value)

    mqtt = load_config(None).mqtt

    assert (mqtt.host, str(mqtt.port), mqtt.username, mqtt.password) == (
        offered["ASSISTANT_MQTT_HOST"],
        offered["ASSISTANT_MQTT_PORT"],
        offered["ASSISTANT_MQTT_USERNAME"],
        offered["ASSISTANT_MQTT_PASSWORD"],
    )


def test_service_cache_directory_holds_the_assembled_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under the unit, $HOME is not the place for 250 MB: Gemma goes to CacheDirectory= instead."""
    from assistant.models import gguf_model

    cache = tmp_path / "var-cache-assistant"
    cache.mkdir()
    monkeypatch.setenv("CACHE_DIRECTORY", str(cache))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    path = gguf_model("gemma3-270m")

    assert path.parent == cache
    assert path.stat().st_size > 100_000_000
    assert not (tmp_path / "home").exists()
