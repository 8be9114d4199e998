"""Tables as the plan folder holds them: floats at their written precision, rows in key order.

Later stages consume exactly what the plan folder holds, so a plan in memory equals the plan
read back and resuming from any stage's CSV gives the same files as a full run.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from wfm.core.results import StageResult
from wfm.core.schemas import order_table
from wfm.core.tables import schema_of
from wfm.io.tables import FLOAT_FORMAT


def filed(res: StageResult, name: str) -> StageResult:
    """A stage result with its tables as the plan folder holds them (precision, row order)."""
    return in_file_order(written(res), name)


def written(res: StageResult) -> StageResult:
    """A stage result with its tables at the precision the plan folder holds
    (:func:`as_written`), rows in the order the stage made them."""
    return replace(
        res,
        table=as_written(res.table),
        tables={k: as_written(v) for k, v in res.tables.items()},
    )


def in_file_order(res: StageResult, name: str) -> StageResult:
    """A stage result already :func:`written`, its tables in the row order their files hold
    (:func:`as_filed`)."""
    return replace(
        res,
        table=as_filed(res.table, name),
        tables={k: as_filed(v, k) for k, v in res.tables.items()},
    )


def as_filed(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """A table in the row and column order its file holds (contract tables sorted by key)."""
    schema = schema_of(name)
    return order_table(df, schema) if schema is not None else df.reset_index(drop=True)


def as_written(df: pd.DataFrame) -> pd.DataFrame:
    """The table as it reads back from its CSV (floats at the written precision).

    Later stages consume exactly what the plan folder holds, so resuming from any stage's
    CSV gives the same files as a full run.
    """
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            values = out[col].to_numpy()
            finite = np.isfinite(values)
            text = np.char.mod(FLOAT_FORMAT, values[finite])
            values = values.copy()
            values[finite] = text.astype(float)
            out[col] = values
    return out
