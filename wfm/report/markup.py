"""HTML building blocks of the plan report: escaped text, tables, sections.

The page and every section are assembled from these pieces: text escaped for HTML, a
DataFrame as a plain ``<table>``, a titled ``<section>`` naming the file its numbers come
from, and the "not run" note of a section whose table the plan lacks.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _table_html(df: pd.DataFrame, max_rows: int = 60) -> str:
    shown = df.head(max_rows)
    text = shown.to_html(
        index=False,
        escape=True,
        border=0,
        na_rep="",
        float_format=lambda v: f"{v:,.3f}".rstrip("0").rstrip("."),
    )
    if len(df) > max_rows:
        text += f"<p class='source'>first {max_rows} of {len(df)} rows</p>"
    return text


def _section(anchor: str, title: str, source: str, body: str) -> str:
    return (
        f"<section id='{anchor}'><h2>{_esc(title)}</h2>"
        f"<p class='source'>{source}</p>{body}</section>"
    )


def _not_run(what: str) -> str:
    return f"<p class='notrun'>not run: the plan has no {_esc(what)}</p>"


def _fmt(v: Any, spec: str = ",.2f") -> str:
    try:
        return format(float(v), spec)
    except (TypeError, ValueError):
        return _esc(v)
