"""What is loaded for good is kept out of the garbage collector's full sweeps."""

from __future__ import annotations

import gc

from assistant.memory import freeze_loaded_objects


def test_loaded_objects_are_left_out_of_full_sweeps() -> None:
    loaded = [[f"template {n}"] for n in range(1000)]
    try:
        freeze_loaded_objects()
        assert gc.get_freeze_count() >= len(loaded)
        tracked = {id(o) for o in gc.get_objects()}
        assert id(loaded) not in tracked
        assert id(loaded[0]) not in tracked
    finally:
        gc.unfreeze()
