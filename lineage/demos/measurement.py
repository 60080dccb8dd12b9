"""What a demo returns: measured numbers with how they were measured, and the helpers demos share.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from pydantic import BaseModel, Field

V3_CONFIG = "deepseek-ai__DeepSeek-V3.json"


class Measurement(BaseModel):
    """One measured number with how it was obtained."""

    label: str = Field(description="What was measured.")
    value: float | int | str = Field(description="The number (or a short formula rendering).")
    unit: str | None = Field(None, description="Unit of the value.")
    note: str | None = Field(None, description="How it was computed or measured.")


class Demo(BaseModel):
    """Result of one demo run."""

    technique: str = Field(description="Technique id the demo illustrates.")
    module: str = Field(description="Implementation module.")
    measurements: list[Measurement] = Field(description="Measured numbers, in reading order.")


def best_ms(fn: Callable[[], object], repeat: int = 5) -> float:
    """Best wall time of ``repeat`` calls, in milliseconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1e3


class frozen:
    """A cache view whose appends do not persist (to time one decode step repeatedly)."""

    def __init__(self, cache):
        self.cache = cache

    def append(self, c_kv, k_rope):
        import torch

        return torch.cat((self.cache.c_kv, c_kv), 1), torch.cat((self.cache.k_rope, k_rope), 1)
