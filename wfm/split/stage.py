"""The human/AI split: which contacts AI agents resolve and which people answer, and when.

For every series (channel × segment × site) and interval, contacts are offered to an AI agent
first (``ai_first_rate``), within the AI capacity of the channel; the AI resolves a share
(``containment_rate``) and escalates the rest to a person, whose handle time grows by
``escalation_aht_factor``. Contacts that need a person while the site is closed wait for the
opening (backlog), and contacts not resolved at first contact come back as repeat contacts
on later days.
"""

from __future__ import annotations

import pandas as pd

from wfm.core.config import Scenario
from wfm.core.results import StageResult
from wfm.core.schemas import SPLIT, order_table
from wfm.split.grid import SeriesGrid
from wfm.split.notes import split_figures, split_notes
from wfm.split.policy import series_policy
from wfm.split.solve import solve_split
from wfm.split.tables import capacity_table, empty_table, long_table, repeats_table, summary_table


def split_contacts(forecast: pd.DataFrame, scenario: Scenario) -> StageResult:
    """Split forecast contacts between AI agents and people, per interval.

    Parameters
    ----------
    forecast : pandas.DataFrame
        FORECAST table: ``interval_start`` (UTC), ``channel``, ``segment``, optional
        ``site``, ``contacts``, ``aht_s``; complete on the scenario's interval grid.
    scenario : Scenario
        Segments' AI policies, ``ai_capacity``, sites' opening hours and ``split`` settings.

    Returns
    -------
    StageResult
        ``table``: the SPLIT table with a ``site`` column (the home site where the forecast
        has none) and the extra columns

        - ``forecast_contacts``: the forecast; ``repeat_contacts``: repeat contacts arriving;
        - ``ai_handled``: contacts an AI agent took (``ai_contained + escalated``);
        - ``ai_blocked_contacts``: offered to AI but refused because its capacity was full;
        - ``backlog_out_contacts``: contacts that arrived while the site was closed and need
          a person, answered later; ``backlog_in_contacts``: such contacts answered here;
        - ``escalation_delay_s``: mean time the row's human contacts spent with the AI [s];
        - ``aht_s``: forecast AHT; ``ai_cost``: AI cost of the row's contacts [currency];

        and the optimiser bounds ``ai_min_rate`` ≤ ``ai_contained / contacts`` ≤
        ``ai_max_rate``. ``tables``: ``ai_capacity`` (per channel with configured capacity ×
        interval), ``repeats`` (by channel, segment and cause), ``split_summary`` (per
        channel × segment). ``figures``: totals and ``ai_share_rate`` per ``channel.segment``.

    Notes
    -----
    Per row, with X = forecast + repeat contacts, a = offered share, f = accepted share of
    the AI capacity, c = containment:

    - offered share a = ``ai_first_rate`` (``ai_first_closed_rate`` while the site is
      closed) while AI answers, capped so that a · c ≤ ``max_ai_share_rate``;
    - AI-handled H = X·a·f, contained C = H·c, escalated E = H − C, blocked X·a·(1 − f);
    - arriving for people P = X − C, with work (E·k + X − H)·AHT (k the escalation factor);
    - while the site is closed P moves to the opening (``backlog_out_contacts``), so
      ``contacts`` = X − out + in and ``human_contacts`` = P − out + in; hence
      ``ai_contained + human_contacts == contacts`` in every row;
    - unresolved contacts C·(1 − r_AI) + human_contacts·(1 − r_human) come back d days later
      with shares ``repeat_delay_profile_rate``; the split is solved again with them until
      the repeat contacts settle (a fixed point; it exists when some contacts resolve).

    Bounds for the shift optimiser: ``ai_max_rate`` is the share the AI could resolve in the
    row if every eligible contact were offered to it, within ``max_ai_share_rate`` and the
    session capacity left free by the other rows at their planned values (so one row at its
    bound is feasible; several rows of one channel and interval share the spare sessions
    given in ``ai_capacity``). ``ai_min_rate`` comes from ``min_ai_share_rate``. Both are
    shares of the row's ``contacts`` (0 when it has none).

    See :mod:`wfm.split.capacity`, :mod:`wfm.split.backlog` and :mod:`wfm.split.repeats` for
    the models and their references.
    """
    grid = SeriesGrid.build(forecast, scenario)
    if grid.n_times == 0:
        return StageResult(table=empty_table(forecast), notes=("empty forecast",))
    pol = series_policy(grid.series, scenario)
    run = solve_split(grid, pol, scenario)
    table = order_table(long_table(grid, run), SPLIT)
    tables = {
        "ai_capacity": capacity_table(grid, run, scenario),
        "repeats": repeats_table(grid, run),
        "split_summary": summary_table(table),
    }
    return StageResult(
        table=table,
        tables=tables,
        notes=split_notes(grid, run, scenario),
        figures=split_figures(table, run, scenario),
    )
