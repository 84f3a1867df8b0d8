"""Home Assistant's own English intent tests, run against their fixtures, stay where they are.

The issue asks for 97%; the suite is at 98.8% equivalent, and each sentence lost so far came
from a new name rule that shadowed Home Assistant's reading ("the room light" for a "Living Room
Lamp", "the play corner light" for "Play Corner"). A drop below 98.5% is such a regression.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_SUITE = Path(__file__).resolve().parent.parent / "bench" / "ha_suite.py"


def test_home_assistant_intent_tests_stay_at_least_98_5_percent_equivalent() -> None:
    spec = importlib.util.spec_from_file_location("ha_suite", _SUITE)
    assert spec is not None
    assert spec.loader is not None
    suite = importlib.util.module_from_spec(spec)
    sys.modules["ha_suite"] = suite  # its dataclasses look their module up
    spec.loader.exec_module(suite)
    failures: list = []
    figures = suite.run_suite(failures=failures)
    assert figures["sentences"] > 1000
    listed = "\n".join(f"{f.text!r}: {f.category}" for f in failures)
    assert figures["equivalent_accuracy"] >= 98.5, listed
