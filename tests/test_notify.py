"""The sd_notify client against a real datagram socket, as systemd's $NOTIFY_SOCKET would be."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.notify import Notifier, WatchdogPinger


class FakeSystemd:
    """The receiving end of $NOTIFY_SOCKET: a bound AF_UNIX datagram socket."""

    def __init__(self, address: str | bytes) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(address)

    def receive(self) -> str:
        self.sock.settimeout(2.0)
        return self.sock.recv(4096).decode("utf-8")

    def pending(self) -> list[str]:
        """Every message already sent, without waiting."""
        self.sock.setblocking(False)
        messages = []
        while True:
            try:
                messages.append(self.sock.recv(4096).decode("utf-8"))
            except BlockingIOError:
                return messages

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def systemd(tmp_path: Path) -> Iterator[tuple[FakeSystemd, str]]:
    path = tmp_path / "notify.sock"
    receiver = FakeSystemd(str(path))
    yield receiver, str(path)
    receiver.close()


def test_ready_stopping_and_status_reach_the_socket(systemd: tuple[FakeSystemd, str]) -> None:
    receiver, path = systemd
    notifier = Notifier.from_environment({"NOTIFY_SOCKET": path})

    assert notifier.ready(status="listening for the wake word")
    assert receiver.receive() == "READY=1\nSTATUS=listening for the wake word"
    assert notifier.status("loading models\n(speech)")
    assert receiver.receive() == "STATUS=loading models (speech)"
    assert notifier.stopping()
    assert receiver.receive() == "STOPPING=1"


def test_abstract_socket_name(tmp_path: Path) -> None:
    name = f"assistant-test-{uuid.uuid4().hex}"
    receiver = FakeSystemd(b"\0" + name.encode())
    try:
        notifier = Notifier.from_environment({"NOTIFY_SOCKET": f"@{name}"})
        assert notifier.ready()
        assert receiver.receive() == "READY=1"
    finally:
        receiver.close()


def test_watchdog_pings_paced_at_half_the_timeout(systemd: tuple[FakeSystemd, str]) -> None:
    receiver, path = systemd
    notifier = Notifier.from_environment({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "10000000"})
    assert notifier.watchdog_interval() == 5.0
    now = [0.0]
    pinger = WatchdogPinger(notifier, clock=lambda: now[0])

    for tenth in range(0, 301):  # a main loop going round every 0.1 s for 30 s
        now[0] = tenth / 10
        pinger.tick()

    assert receiver.pending() == ["WATCHDOG=1"] * 7  # at 0, 5, 10, 15, 20, 25 and 30 s


def test_hung_loop_sends_no_more_pings(systemd: tuple[FakeSystemd, str]) -> None:
    receiver, path = systemd
    notifier = Notifier.from_environment({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "30000000"})
    now = [100.0]
    pinger = WatchdogPinger(notifier, clock=lambda: now[0])
    pinger.tick()
    assert receiver.pending() == ["WATCHDOG=1"]

    now[0] = 114.9  # ticks keep coming, but before the next 15 s are up
    pinger.tick()
    assert receiver.pending() == []
    now[0] = 115.0
    pinger.tick()
    assert receiver.pending() == ["WATCHDOG=1"]


@pytest.mark.parametrize(
    ("environment", "interval"),
    [
        ({"WATCHDOG_USEC": "30000000"}, 15.0),
        ({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "ours"}, 15.0),
        ({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}, None),  # meant for another process
        ({}, None),  # WatchdogSec= not set
        ({"WATCHDOG_USEC": "0"}, None),
        ({"WATCHDOG_USEC": "soon"}, None),
    ],
)
def test_watchdog_interval(environment: dict[str, str], interval: float | None, tmp_path: Path) -> None:
    env = {"NOTIFY_SOCKET": str(tmp_path / "notify.sock"), **environment}
    if env.get("WATCHDOG_PID") == "ours":
        env["WATCHDOG_PID"] = str(os.getpid())
    assert Notifier.from_environment(env).watchdog_interval() == interval


def test_no_watchdog_means_no_pings(systemd: tuple[FakeSystemd, str]) -> None:
    receiver, path = systemd
    pinger = WatchdogPinger(Notifier.from_environment({"NOTIFY_SOCKET": path}))
    for _ in range(3):
        pinger.tick()
    assert receiver.pending() == []


def test_outside_systemd_every_call_is_a_no_op() -> None:
    notifier = Notifier.from_environment({})
    assert not notifier.enabled
    assert notifier.watchdog_interval() is None
    assert not notifier.ready(status="listening")
    assert not notifier.watchdog()
    assert not notifier.stopping()
    WatchdogPinger(notifier).tick()


def test_missing_socket_is_logged_not_raised(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    missing = tmp_path / "gone.sock"
    notifier = Notifier.from_environment({"NOTIFY_SOCKET": str(missing)})
    with caplog.at_level(logging.WARNING, logger="assistant.notify"):
        assert not notifier.ready()
    assert str(missing) in caplog.text
    assert "NOTIFY_SOCKET" in caplog.text
