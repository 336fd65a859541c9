"""Scores the normaliser against the gold corpora (`make eval`); each area reports in its own module."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from time import perf_counter  # not `import time`: the package's own `time` module would shadow it
from typing import TypeVar

Item = TypeVar("Item")


def speed_line(name: str, items: Sequence[Item], analyse: Callable[[Item], object], chars: int) -> str:
    """How long `analyse` takes per 300 characters of text over `items` (`chars` characters in all), best of three
    passes: the machine is shared, and the slowest passes measure the neighbours, not the code."""
    seconds = float("inf")
    for _ in range(3):
        started = perf_counter()
        for item in items:
            analyse(item)
        seconds = min(seconds, perf_counter() - started)
    return (f"{name} speed: {seconds / max(chars, 1) * 300 * 1000:.3f} ms per 300 characters ({chars} characters,"
            " one core, best of 3)")
