"""How the report writes numbers: never a raw float.

Rates as percentages with one decimal (``91.7%``), agents, heads and FTE with one decimal,
contacts as whole numbers with thousands separators, money with thousands separators, two
decimals and the currency code, seconds, minutes and hours with one decimal. A table's
column is formatted by its name (the unit suffix of the plan tables: ``_rate``, ``_s``,
``_h``, ``_min``; ``agents``, ``contacts``, ``cost``), and its header is written in words
with the unit.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

_COUNTS = ("people", "shifts", "headcount", "intervals", "origins", "replications")
_WORDS = {"fte": "FTE", "wmape": "wMAPE", "ai": "AI", "sl": "SL", "aht": "AHT", "asa": "ASA"}
_UNIT_WORDS = (("_rate", ""), ("_s", " (s)"), ("_min", " (min)"), ("_h", " (h)"))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _finite(value: Any) -> float | None:
    if not _is_number(value):
        return None
    v = float(value)
    return None if math.isnan(v) or math.isinf(v) else v


def rate(value: Any) -> str:
    """A share as a percentage with one decimal: ``0.91666`` → ``91.7%`` (NaN → "–")."""
    v = _finite(value)
    return "–" if v is None else f"{v:.1%}"


def agents(value: Any) -> str:
    """Agents, heads or FTE with one decimal and thousands separators: ``1234.56`` →
    ``1,234.6``."""
    v = _finite(value)
    return "–" if v is None else f"{v + 0.0:,.1f}"


def count(value: Any) -> str:
    """Contacts (or other counts) as a whole number with thousands separators."""
    v = _finite(value)
    return "–" if v is None else f"{round(v) + 0:,d}"


def money(value: Any, currency: str = "") -> str:
    """Money with thousands separators, two decimals and the currency code:
    ``1234.5, "EUR"`` → ``1,234.50 EUR``."""
    v = _finite(value)
    if v is None:
        return "–"
    return f"{v + 0.0:,.2f} {currency}".rstrip()


def decimal(value: Any, decimals: int = 1) -> str:
    """Any other number: thousands separators and ``decimals`` decimals."""
    v = _finite(value)
    return "–" if v is None else f"{v + 0.0:,.{decimals}f}"


def header(column: str) -> str:
    """A column name in words with its unit: ``shortfall_agent_h`` → ``shortfall agent (h)``,
    ``service_level_rate`` → ``service level``."""
    text = str(column)
    for suffix, words in _UNIT_WORDS:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)] + words
            break
    return " ".join(_WORDS.get(w, w) for w in text.replace("_", " ").split(" "))


def cell(column: str, value: Any, currency: str = "") -> str:
    """One table cell of ``column``, formatted by the column's name (see the module)."""
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if not _is_number(value):
        return str(value)
    if isinstance(value, float | np.floating) and math.isnan(value):
        return ""
    name = str(column).lower()
    if name.endswith("_rate") or name in ("wmape", "bias"):
        return rate(value)
    if "cost" in name or name.endswith(("_eur", "_money")):
        return money(value, currency)
    if name.endswith("_min") or name.startswith(_COUNTS):
        return count(value)
    if name in ("replication", "days_ahead"):
        return count(value)
    if name.endswith(("_s", "_h")) or "agent" in name or "fte" in name or "head" in name:
        return agents(value)
    if "contact" in name or name in ("escalated", "answered", "abandoned", "unserved"):
        return count(value)
    if isinstance(value, int | np.integer):
        return f"{int(value):,d}"
    return decimal(value, 2)
