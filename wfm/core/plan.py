"""The plan in memory: every stage's result, the scenario, and its manifest.

A :class:`Plan` is what the pipeline produces (:func:`wfm.pipeline.make_plan`), what a plan
folder holds (:func:`wfm.io.write_plan`, :func:`wfm.io.read_plan`) and what the report,
the exports, the what-if sweep and the nightly job take. Its typed ``manifest.json`` is a
:class:`~wfm.core.manifest.Manifest`; :func:`grid_interval_min` tells the interval length of
a plan's tables when an older manifest does not say it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wfm.core.config import Scenario
from wfm.core.errors import InputError
from wfm.core.manifest import Manifest
from wfm.core.results import StageResult
from wfm.core.tables import STAGES
from wfm.core.units import ALLOWED_INTERVAL_MIN


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """A whole plan in memory.

    Attributes
    ----------
    scenario : Scenario or None
        The centre planned, with this run's options applied (None for a plan folder read
        without its scenario).
    results : dict of str to StageResult
        Each stage's result by stage name, in pipeline order: its contract table, side
        tables, notes, figures and solver outcome. A resumed run holds the earlier stages
        it carried over too.
    manifest : Manifest
        What ``manifest.json`` records.
    extra : dict of str to pandas.DataFrame
        Tables beside the stages' results: a what-if sweep put beside the plan
        (:data:`wfm.core.tables.EXTRA_TABLES`), or the tables of earlier stages a resumed
        run read without the stage's own table.
    """

    scenario: Scenario | None
    results: dict[str, StageResult]
    manifest: Manifest
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name (contract tables, side tables, extras): what the report and
        the exports take."""
        out: dict[str, pd.DataFrame] = {}
        for name, res in self.results.items():
            out[name] = res.table
            out.update(res.tables)
        return out | dict(self.extra)

    def table(self, name: str) -> pd.DataFrame:
        """One table by name (``forecast``, ``coverage``, …); :class:`InputError` when the
        plan has none of that name."""
        tables = self.tables
        if name not in tables:
            raise InputError(
                f"the plan has no {name} table",
                key=name,
                expected=f"one of {', '.join(tables) or 'no table: nothing was planned'}",
            )
        return tables[name]

    @property
    def interval_min(self) -> int:
        """Interval length of the plan's tables [min]."""
        return self.manifest.interval_min

    @property
    def stages(self) -> tuple[str, ...]:
        """Stages the plan holds, in pipeline order."""
        return tuple(s for s in STAGES if s in self.results)


def grid_interval_min(tables: Mapping[str, pd.DataFrame]) -> int | None:
    """Interval length of the tables' ``interval_start`` grid [min], or None when it cannot
    be told (no timed table with two intervals, or a step other than 15, 30 or 60 minutes).

    The smallest step between distinct interval starts of the forecast, split, requirements
    or coverage table.
    """
    for name in ("forecast", "split", "requirements", "coverage", "simulation"):
        df = tables.get(name)
        if df is None or "interval_start" not in df.columns or len(df) < 2:
            continue
        ts = np.unique(pd.to_datetime(df["interval_start"], utc=True).to_numpy())
        if len(ts) < 2:
            continue
        step = int(np.diff(ts).min() / np.timedelta64(1, "m"))
        return step if step in ALLOWED_INTERVAL_MIN else None
    return None
