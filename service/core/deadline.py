"""A time budget for one piece of work, checked between bounded steps.

Every step of the analysis is bounded (a sentence has a length cap, every walk over its parse is
bounded by its length), so checking the clock between sentences stops a request close to its
budget without any signal or thread tricks, and the worker goes on to the next request.
"""
from __future__ import annotations

import time


class DeadlineExceeded(RuntimeError):
    """The work ran past its budget; nothing of it is returned."""

    def __init__(self, budget: float, done: str = ""):
        super().__init__(f"analysis stopped after its budget of {budget:.1f} s{done}")
        self.budget = budget


class Deadline:
    """``Deadline(2.5)``: 2.5 seconds from now; ``Deadline(None)``: no limit."""

    def __init__(self, seconds: float | None):
        self.budget = seconds
        self.end = None if seconds is None else time.monotonic() + seconds

    def expired(self) -> bool:
        return self.end is not None and time.monotonic() > self.end

    def check(self, done: str = "") -> None:
        if self.expired():
            raise DeadlineExceeded(self.budget, done)


NO_DEADLINE = Deadline(None)
