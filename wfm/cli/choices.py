"""Choice lists of the command line, taken from the library rather than typed again.

A choice list is read from its home (a ``Literal`` type through :func:`typing.get_args`, the
keys of a registry, a constant) when click first needs it, so ``wfm --help`` does not import
pandas for options of commands it is not running.
"""

from __future__ import annotations

import importlib
import typing
from collections.abc import Callable, Iterable

import click


class LazyChoice(click.Choice):
    """A :class:`click.Choice` whose values are loaded on first use.

    Parameters
    ----------
    load : callable
        Returns the choices (strings) in the order shown in ``--help``.
    """

    def __init__(self, load: Callable[[], Iterable[object]], case_sensitive: bool = True):
        self._load = load
        self._choices: tuple[str, ...] | None = None
        self.case_sensitive = case_sensitive

    @property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        """The choices, loaded once."""
        if self._choices is None:
            self._choices = tuple(str(c) for c in self._load())
        return self._choices


def _attr(ref: str):
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def literal_choice(ref: str, *, without: tuple[str, ...] = ()) -> LazyChoice:
    """Choice of the values of a ``Literal`` type, ``"module:Name"`` (minus ``without``)."""
    return LazyChoice(lambda: [v for v in typing.get_args(_attr(ref)) if v not in without])


def names_choice(*refs: str) -> LazyChoice:
    """Choice of the names in one or more registries or tuples, ``"module:NAME"``, in order."""
    return LazyChoice(lambda: [name for ref in refs for name in _attr(ref)])


THROUGH = literal_choice("wfm.pipeline.whatif:Through")
"""Last stage a what-if point plans (``wfm whatif --through``)."""
LAYOUT = names_choice(
    "wfm.report.exports:LAYOUTS",
    "wfm.report.exports:TEXT_LAYOUTS",
    "wfm.report.exports:ARCHIVE_LAYOUTS",
)
"""Export layouts: every CSV layout of the registry, then the text and zip layouts."""
VOLUMES = literal_choice("wfm.report.volumes:VolumeSource", without=("history",))
"""Volumes a forecast import sends (the history is what the historical layouts send)."""
CSV_DIALECT = literal_choice("wfm.report.exports:CsvDialect")
"""CSV dialects of the tidy and schedule exports."""
WEEKDAY = names_choice("wfm.core.sites:WEEKDAYS")
"""Weekday names (``mon`` … ``sun``)."""
INTERVAL_MIN = names_choice("wfm.core.units:ALLOWED_INTERVAL_MIN")
"""Interval lengths a history may have [min]."""
REPEATED_HOUR = literal_choice("wfm.io.contacts:RepeatedHour")
"""How naive times in the repeated hour at the end of DST are read."""
