"""Exceptions a planner can act on.

Every error says where the problem is (file, line, column or key path) and what was
expected. Exit codes are chosen by the CLI, not here.
"""

from __future__ import annotations

from typing import Any


class WfmError(Exception):
    """Base class of every error `wfm` raises on purpose."""


class InputError(WfmError):
    """A data file does not meet its contract (bad CSV, unknown channel, DST gap, ...).

    Parameters
    ----------
    message : str
        What is wrong, in the planner's words.
    source : str, optional
        File name (or table name) the problem is in.
    line : int, optional
        1-based line number in the file (the header is line 1, first data row line 2).
    key : str, optional
        Column name or key path (``sites.lyon.tz``).
    expected, got : str, optional
        The expected form and the offending value.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        key: str | None = None,
        expected: str | None = None,
        got: object = None,
    ) -> None:
        self.reason = message
        self.source = source
        self.line = line
        self.key = key
        self.expected = expected
        self.got = got
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.source:
            where.append(str(self.source))
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.key:
            where.append(f"column {self.key}" if self.line is not None else str(self.key))
        head = ", ".join(where)
        text = f"{head}: {self.reason}" if head else self.reason
        if self.got is not None:
            text += f" (got {shown(self.got)})"
        if self.expected:
            text += f"; expected {self.expected}"
        return text


def shown(value: object) -> str:
    """A value as a planner reads it in a message: ``-5.0``, ``'abc'``, ``2025-03-30T02:30:00``
    (never ``np.float64(-5.0)`` or ``Timestamp(...)``)."""
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        value = value.item()  # numpy scalar → Python number, bool or string
    if isinstance(value, list | tuple):
        inner = ", ".join(shown(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    if not isinstance(value, str) and hasattr(value, "isoformat"):
        return str(value.isoformat())
    return repr(value)


def raise_at_first(
    bad: object,
    message: str,
    *,
    source: str | None,
    key: str | None = None,
    got: Any = None,
    expected: str | None = None,
) -> None:
    """Raise :class:`InputError` at the first row where ``bad`` is true; nothing if none is.

    The one rule of every table check: the message names the file, the line of the first
    bad row (row + 2: line 1 is the header), the column, the value found there (``got``: the
    column's values, a Series or an array) and what was expected.
    """
    import numpy as np  # here, so that importing the CLI does not load numpy

    flags = np.asarray(bad, dtype=bool)
    if not flags.any():
        return
    row = int(np.argmax(flags))
    value = None if got is None else (got.iloc[row] if hasattr(got, "iloc") else got[row])
    raise InputError(message, source=source, line=row + 2, key=key, got=value, expected=expected)


class ConfigError(WfmError):
    """A scenario or configuration value is invalid; the message names the key path."""

    def __init__(self, message: str, *, key: str | None = None, source: str | None = None):
        self.key = key
        self.source = source
        head = ", ".join(p for p in (source, key) if p)
        super().__init__(f"{head}: {message}" if head else message)


class InfeasibleError(WfmError):
    """A hard rule set cannot be met; the message names the rule, site and time."""


class SolverError(WfmError):
    """A solver stopped without a usable answer (time limit with no solution, crash)."""
