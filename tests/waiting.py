"""Waiting on a condition, not on time: a test goes on as soon as what it waits for is true, and
fails with what it waited for when the deadline passes (instead of sleeping a guessed time)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def until(
    condition: Callable[[], T], what: str, timeout_s: float = 30.0, every_s: float = 0.05
) -> T:
    """The first truthy answer of `condition`, polled every `every_s` until `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        answer = condition()
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout_s} s for {what}")
        time.sleep(every_s)  # the poll interval, not a wait for the event itself


def listening(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something accepts TCP connections on host:port now."""
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False
