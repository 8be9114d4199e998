"""Charts of the plan report: matplotlib figures drawn as inline SVG.

Charts are drawn with matplotlib's object API (``Figure``, no global pyplot state) and
inlined as SVG with text kept as text, in one palette, with small titled axes in grids.
Time axes are in a site's local time, and the zone is named on the axis (UTC only when the
report has no scenario to take the sites' zones from).

Text in a chart comes from the plan (channel, segment, site, skill and region names): it is
drawn as plain text (``text.parse_math`` off, so a ``$`` is a dollar sign, not TeX), and
matplotlib's SVG writer escapes ``<``, ``>``, ``&`` and quotes in it, which is what lets the
page template insert the ``<svg>`` element as is.
"""

from __future__ import annotations

import io
from contextlib import AbstractContextManager

import matplotlib
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from wfm.report.markup import Chart

COLOURS = ("#1f5f8b", "#d9822b", "#3a8f5c", "#b23a48", "#6b4c9a", "#7a7a7a")


def plain_text() -> AbstractContextManager:
    """Context in which charts are drawn: chart text is plain text, never mathtext."""
    return matplotlib.rc_context({"text.parse_math": False})


def svg_chart(fig: Figure, key: str, *, tight: bool = True) -> Chart:
    """Figure → inline ``<svg>`` element (no XML prolog; ids salted per chart).

    Grids of small charts have fixed margins (``tight=False``): fitting each of tens of axes
    to its labels would take most of the report's time.
    """
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": f"wfm-{key}", "svg.fonttype": "none"}):
        fig.savefig(
            buf, format="svg", bbox_inches="tight" if tight else None, metadata={"Date": None}
        )
    text = buf.getvalue()
    return Chart(key, text[text.index("<svg") :])


def chart_grid(
    n: int, *, width_in: float = 11.0, row_in: float = 2.4, ncols: int = 3
) -> tuple[Figure, list]:
    """A figure of ``n`` axes in rows of ``ncols``, each row ``row_in`` inches high."""
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    height_in = row_in * nrows + 0.4
    fig = Figure(figsize=(width_in, height_in))
    fig.subplots_adjust(
        left=0.07,
        right=0.99,
        bottom=0.55 / height_in,
        top=1 - 0.35 / height_in,
        hspace=0.75 * 2.4 / row_in,
        wspace=0.22,
    )
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel().tolist()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]


def style_axes(ax, title: str) -> None:
    """The report's axes style: small title and ticks, light grid, no top or right spine."""
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def time_axis(ax, zone: str = "UTC") -> None:
    """Concise date ticks, and the axis named with its time zone."""
    locator = mdates.AutoDateLocator(maxticks={mdates.MINUTELY: 5})
    ax.xaxis.set_major_locator(locator)
    label = zone_label(zone)
    offsets = ["", "%Y", "%Y-%b", "%Y-%b-%d", "%Y-%b-%d", "%Y-%b-%d %H:%M"]
    formatter = mdates.ConciseDateFormatter(
        locator, offset_formats=[f"{f}  {label}".strip() for f in offsets]
    )
    ax.xaxis.set_major_formatter(formatter)
    ax.xaxis.get_offset_text().set_fontsize(7)


def zone_label(zone: str) -> str:
    """How an axis names its zone: ``local time (Europe/Paris)``, or ``UTC``."""
    return "UTC" if zone == "UTC" else f"local time ({zone})"


def naive_local(ts: pd.Series, zone: str = "UTC") -> np.ndarray:
    """UTC instants as naive wall-clock times of ``zone`` (what matplotlib draws)."""
    return pd.to_datetime(ts, utc=True).dt.tz_convert(zone).dt.tz_localize(None).to_numpy()


def _naive_utc(ts: pd.Series) -> np.ndarray:
    return naive_local(ts, "UTC")


def shift_bar(
    ax, y: float, start_min: float, length_min: float, colour: str, *, height: float, gid: str
) -> None:
    """One bar of a shift Gantt on an axis in hours, tagged ``gid`` for the browser tests."""
    bar = ax.barh(y, length_min / 60.0, left=start_min / 60.0, height=height, color=colour)
    bar.patches[0].set_gid(gid)


def break_bar(
    ax, y: float, start_min: float, length_min: float, colour: str, *, height: float, gid: str
) -> None:
    """A break over its shift's bar: white, hatched in the shift's colour."""
    brk = ax.barh(
        y,
        length_min / 60.0,
        left=start_min / 60.0,
        height=height,
        color="#ffffff",
        hatch="////",
        edgecolor=colour,
        lw=0,
    )
    brk.patches[0].set_gid(gid)
