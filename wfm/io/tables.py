"""Tables in and out: validated CSV reading, atomic deterministic writing.

Reading translates a CSV into a contract table and checks it at the edge, with errors that
name the file, the line (header = line 1), the column and what was expected. Writing sorts
rows by key, formats floats with a fixed format and replaces the target atomically, so two
runs on the same input give byte-identical files and a failed run leaves no half-written file.
Timestamps are parsed in :mod:`wfm.io.timestamps`; the checks against a scenario's series
and interval grid live in :mod:`wfm.io.series_checks`.
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.core.checks import check_requirements
from wfm.core.config import Scenario
from wfm.core.contract_checks import check_column_names, check_table
from wfm.core.errors import InputError, raise_at_first
from wfm.core.schemas import HISTORY, TableSchema, order_table
from wfm.io.files import atomic_path
from wfm.io.series_checks import check_history_grid, check_series_keys, history_day_tz
from wfm.io.timestamps import parse_times

FLOAT_FORMAT = "%.6f"
MAX_WHOLE = 2**53
"""Largest whole number a CSV column of integers may hold (exact as a float; beyond int64
the value wrapped round to a negative one)."""


def read_table(
    path: str | os.PathLike,
    schema: TableSchema,
    *,
    scenario: Scenario | None = None,
    source_tz: str | None = None,
    ordered: bool = True,
) -> pd.DataFrame:
    """Read a CSV file into a validated contract table.

    Parameters
    ----------
    path : path-like
        CSV file (UTF-8, comma, header row).
    schema : TableSchema
        Contract the table must meet (``wfm.core.schemas``).
    scenario : Scenario, optional
        When given, history, forecast and split tables are also checked against it (known
        channels, segments and sites, channels allowed for the segment), histories for
        timestamps on the interval grid and no holes inside a local day of the row's site,
        requirements for known sites and skills, the grid and the horizon
        (``wfm.core.checks.check_requirements``); naive timestamps are read in
        ``scenario.source_tz``.
    source_tz : str, optional
        IANA zone of naive timestamps (overrides ``scenario.source_tz``).
    ordered : bool
        Rows in key order (default), or with False in file order (row i on line i + 2, for
        checks that name the line).

    Returns
    -------
    pandas.DataFrame
        Columns in schema order (extra columns after), ``interval_start`` as UTC.

    Raises
    ------
    InputError
        Naming the file, line, column and the expected form; also for a file with a header
        only when the contract wants rows (``schema.min_rows``).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(
            "file not found", source=str(path), expected=f"a CSV file of {schema.name}"
        )
    return validated_table(
        read_csv_strings(path), schema, path.name, scenario, source_tz, ordered=ordered
    )


def validated_table(
    raw: pd.DataFrame,
    schema: TableSchema,
    name: str,
    scenario: Scenario | None,
    source_tz: str | None,
    *,
    ordered: bool = True,
) -> pd.DataFrame:
    """A table of strings (as a CSV holds them) converted and checked (see :func:`read_table`);
    in key order, or with ``ordered=False`` in the rows' order in ``raw``."""
    tz = source_tz or (scenario.source_tz if scenario else "") or None
    df = convert_columns(raw, schema, name, tz)
    if len(df) < schema.min_rows:
        raise InputError(
            "no data rows (the file has a header only)",
            source=name,
            line=2,
            expected=f"at least {schema.min_rows} row of {schema.name} data under the header",
        )
    check_table(df, schema, source=name)
    if scenario is not None and schema.name in ("history", "forecast", "split"):
        check_series_keys(df, scenario, source=name)
    if scenario is not None and schema.name == "history":
        day_tz = history_day_tz(df, scenario)
        check_history_grid(df, scenario.interval_min, source=name, day_tz=day_tz)
    if scenario is not None and schema.name == "requirements":
        check_requirements(df, scenario, source=name)
    out = order_table(df, schema) if ordered else df
    out.attrs["source"] = name  # the file, for checks made later (an event's scope)
    return out


def _check_fields(path: Path) -> None:
    """Header without duplicates; every row with as many fields as the header."""
    name = path.name
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if not header:
            return
        names = [h.strip() for h in header]
        for i, h in enumerate(names):
            if h in names[:i]:
                raise InputError(
                    f"column {h!r} appears twice in the header",
                    source=name,
                    line=1,
                    expected="each column once",
                )
        width = len(header)
        for row in reader:
            if row and len(row) != width:
                raise InputError(
                    f"{len(row)} fields where the header has {width}",
                    source=name,
                    line=reader.line_num,
                    expected="the same number of comma-separated fields as the header",
                )


def read_csv_strings(path: Path) -> pd.DataFrame:
    """Every cell of a CSV as a string, after the field-count and header checks;
    decoding and parsing errors name the file and line. The typed readers start here."""
    name = path.name
    try:
        _check_fields(path)
        return pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            encoding="utf-8",
            skipinitialspace=True,
        )
    except UnicodeDecodeError as err:
        raise InputError(
            f"not UTF-8 text ({err.reason} at byte {err.start})",
            source=name,
            expected="a UTF-8 CSV file",
        ) from None
    except pd.errors.EmptyDataError:
        raise InputError(
            "the file is empty", source=name, expected="a header row and data rows"
        ) from None
    except pd.errors.ParserError as err:
        msg = str(err)
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", msg)
        if m:
            raise InputError(
                f"{m.group(3)} fields where the header has {m.group(1)}",
                source=name,
                line=int(m.group(2)),
                expected="the same number of comma-separated fields as the header",
            ) from None
        raise InputError(f"malformed CSV: {msg}", source=name) from None


def convert_columns(
    raw: pd.DataFrame, schema: TableSchema, name: str, tz: str | None
) -> pd.DataFrame:
    """A table of strings as read (:func:`read_csv_strings`) converted to the columns of
    ``schema`` (numbers, UTC times, text), each error naming the file ``name``, line and
    column."""
    raw.columns = [str(c).strip() for c in raw.columns]
    dup = raw.columns[raw.columns.duplicated()]
    if len(dup):
        raise InputError(f"column {dup[0]!r} appears twice in the header", source=name, line=1)
    check_column_names(list(raw.columns), schema, source=name)
    for col in schema.columns:
        if col.required and col.name not in raw.columns:
            raise InputError(
                f"missing column {col.name!r}",
                source=name,
                line=1,
                expected="a header with " + ", ".join(c.name for c in schema.columns if c.required),
                got=", ".join(raw.columns),
            )
    out: dict[str, pd.Series] = {}
    for col_name in raw.columns:
        s = raw[col_name].astype(str).str.strip()
        if col_name not in schema.names:
            out[col_name] = s
            continue
        col = schema.column(col_name)
        if col.dtype == "time":
            out[col_name] = parse_times(s, name, col_name, tz)
        elif col.dtype in ("float", "int"):
            empty = s == ""
            values = pd.to_numeric(s.where(~empty, None), errors="coerce")
            raise_at_first(
                values.isna() & ~empty,
                "not a number",
                source=name,
                key=col_name,
                got=s,
                expected="a number with '.' as decimal mark",
            )
            if col.dtype == "int" and not values.isna().any():
                raise_at_first(
                    values != np.round(values),
                    "not a whole number",
                    source=name,
                    key=col_name,
                    got=s,
                    expected="a whole number",
                )
                raise_at_first(  # beyond this a float is no longer exact, and int64 wraps
                    values.astype("float64").abs() > MAX_WHOLE,
                    "whole number too large",
                    source=name,
                    key=col_name,
                    got=s,
                    expected=f"a whole number of at most {MAX_WHOLE:,}",
                )
                values = values.astype("int64")
            else:
                values = values.astype("float64")
            out[col_name] = values
        else:
            out[col_name] = s.where(s != "", None) if col.nullable else s
            if not col.nullable:
                raise_at_first(
                    s == "", "missing value", source=name, key=col_name, expected="a value"
                )
    return pd.DataFrame(out)


def write_table(
    df: pd.DataFrame, path: str | os.PathLike, schema: TableSchema | None = None
) -> Path:
    """Write a table as CSV atomically: sorted rows, ISO 8601 UTC times, fixed float format.

    Returns the path written.
    """
    path = Path(path)
    out = order_table(df, schema) if schema is not None else df.reset_index(drop=True)
    out = out.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out[col] = s.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    with atomic_path(path) as tmp:
        out.to_csv(
            tmp,
            index=False,
            float_format=FLOAT_FORMAT,
            lineterminator="\n",
            quoting=csv.QUOTE_MINIMAL,
        )
    return path


FRAME_SOURCE = "history DataFrame"
"""How errors name a history given as a DataFrame (``line N`` = row N − 2, as in its CSV)."""


def read_history(
    history: str | os.PathLike | pd.DataFrame,
    scenario: Scenario | None = None,
    *,
    source_tz: str | None = None,
) -> pd.DataFrame:
    """Read and validate a contact history (the HISTORY contract).

    Parameters
    ----------
    history : path-like or pandas.DataFrame
        A history CSV, or a frame with its columns (read with ``pandas.read_csv`` or built in
        memory): it gets exactly the checks of the file, and its times are converted to UTC
        (naive times are read in ``source_tz``, else the scenario's ``source_tz``).
    scenario : Scenario, optional
        Checks the channels, segments, sites and the interval grid against it.
    source_tz : str, optional
        IANA zone of naive timestamps.

    Returns
    -------
    pandas.DataFrame
        The validated HISTORY table, ``interval_start`` in UTC.

    Raises
    ------
    InputError
        Naming the file (or ``history DataFrame``), the line (a frame's row + 2, as in its
        CSV), the column and what was expected.
    """
    if isinstance(history, pd.DataFrame):
        return validated_table(
            _frame_as_strings(history), HISTORY, FRAME_SOURCE, scenario, source_tz
        )
    if not isinstance(history, str | os.PathLike):
        raise InputError(
            f"cannot read a history from a {type(history).__name__}",
            source="history",
            expected="the path of a history CSV, or a pandas DataFrame with its columns",
        )
    return read_table(history, HISTORY, scenario=scenario, source_tz=source_tz)


def _frame_as_strings(df: pd.DataFrame) -> pd.DataFrame:
    """Every cell of a frame as the text a CSV would hold (empty for missing values)."""
    out = {}
    for col in df.columns:
        s = df[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            text = s.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        elif pd.api.types.is_datetime64_dtype(s.dtype):
            text = s.dt.strftime("%Y-%m-%dT%H:%M:%S")
        else:
            text = s.astype(str)
        out[str(col)] = text.where(s.notna(), "").astype(str)
    return pd.DataFrame(out, index=pd.RangeIndex(len(df)))
