"""HTML of the plan report: Jinja2 templates with autoescaping, and the views they render.

Every page wfm writes is rendered from the templates in ``wfm/report/templates/`` by one
Jinja2 environment with autoescaping on: any text that comes from a scenario, a plan table or
a manifest (names, notes, model names, currency, run id) is escaped by the template engine,
never joined into markup by hand. The only markup inserted as is, is the SVG of a chart,
written by matplotlib's SVG backend, which escapes the text it draws.

Python builds plain views (:class:`Section`, :class:`TableView`, :class:`Chart`) holding
text and numbers already formatted; the templates decide the markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined

from wfm.report import numbers

_ENV = Environment(
    loader=PackageLoader("wfm.report", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)

MAX_ROWS = 60
"""Rows of a table shown in the report; the rest is counted."""


@dataclass(frozen=True, slots=True)
class TableView:
    """A table as text cells, ready for the ``table`` macro.

    Attributes
    ----------
    columns : tuple of str
        Header cells.
    rows : tuple of tuple of str
        Body cells, formatted (numbers in fixed point, NaN empty).
    total_rows : int
        Rows of the whole table (more than ``len(rows)`` when cut at :data:`MAX_ROWS`).
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total_rows: int


@dataclass(frozen=True, slots=True)
class Chart:
    """An inline SVG chart: ``key`` names it, ``svg`` is matplotlib's ``<svg>`` element."""

    key: str
    svg: str


@dataclass(frozen=True, slots=True)
class Section:
    """One titled block of the report, rendered by ``template`` from ``data``.

    Attributes
    ----------
    anchor : str
        Element id (the navigation links point at it).
    title : str
        Heading.
    source : str
        The file the numbers come from, and how they were made.
    template : str
        Template file of the section's body (``not_run.html.j2`` when its table is absent).
    data : mapping
        What the template shows: text, :class:`TableView`, :class:`Chart`.
    """

    anchor: str
    title: str
    source: str
    template: str
    data: Mapping[str, Any] = field(default_factory=dict)


def render_page(template: str, **context: Any) -> str:
    """Render a page template (autoescaped) with ``context``."""
    return _ENV.get_template(template).render(**context)


def not_run(anchor: str, title: str, source: str, what: str) -> Section:
    """The section of a table the plan lacks: "not run: the plan has no ``what``"."""
    return Section(anchor, title, source, "not_run.html.j2", {"what": what})


def no_rows(anchor: str, title: str, source: str, what: str) -> Section:
    """The section of a table that is present but has no row (a horizon of closed days)."""
    return Section(anchor, title, source, "no_rows.html.j2", {"what": what})


def table_view(df: pd.DataFrame, max_rows: int = MAX_ROWS, currency: str = "") -> TableView:
    """A DataFrame as a :class:`TableView` of at most ``max_rows`` rows (index left out).

    Headers are written in words with their unit and cells are formatted by their column's
    name (:func:`wfm.report.numbers.cell`: percentages, agents, contacts, money in
    ``currency``), so no raw float reaches the page.
    """
    shown = df.head(max_rows)
    cols = [str(c) for c in df.columns]
    rows = tuple(
        tuple(numbers.cell(c, v, currency) for c, v in zip(cols, row, strict=True))
        for row in shown.itertuples(index=False, name=None)
    )
    return TableView(tuple(numbers.header(c) for c in cols), rows, len(df))


def mapping_view(value: Mapping[Any, Any]) -> TableView:
    """A mapping as a two-column table of keys and values (no header)."""
    rows = tuple((str(k), numbers.cell(str(k), v)) for k, v in value.items())
    return TableView((), rows, len(rows))


def format_value(v: Any, spec: str = ",.2f") -> str:
    """A number in ``spec``; anything else as its text (escaped later by the template)."""
    try:
        return format(float(v), spec)
    except (TypeError, ValueError):
        return str(v)
