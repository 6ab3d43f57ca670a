"""`known(value)`: a test's statement that a nullable field it has just set is set."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def known(value: T | None) -> T:
    """`value`, which the test has arranged not to be None; fails the test if it is."""
    assert value is not None, "the test expected this value to be set"
    return value
