"""The typed ``manifest.json`` of a plan: what a run records about itself.

A :class:`Manifest` holds the run's identity, the hashes of its inputs (:func:`table_sha256`),
the versions of wfm and its libraries (:func:`versions`), the scenario settings used
(:class:`Parameters`), each stage's :class:`StageRecord` and the solver outcome.
:meth:`Manifest.to_dict` gives the JSON object wfm writes (the same keys as ever, so plan
folders written before read back) and :meth:`Manifest.from_dict` reads it, never assuming an
interval length.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import platform
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import pandas as pd

from wfm import __version__
from wfm.core.config import Scenario
from wfm.core.errors import InputError
from wfm.core.results import SolveResult, StageResult

PLAN_KEYS = ("run_id", "created_utc", "inputs", "versions", "stages", "files")
"""Keys only a ``manifest.json`` written by ``wfm plan`` has together: how a previous plan
folder is recognised."""

_PACKAGES = ("numpy", "pandas", "statsmodels", "ortools", "click")


def _plain(d: Any) -> dict:
    return dict(d) if isinstance(d, Mapping) else {}


def _known(cls: type, data: Mapping[str, Any]) -> tuple[dict, dict]:
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}, {
        k: v for k, v in data.items() if k not in names
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class Parameters:
    """The scenario settings a plan records (``manifest.json`` ``parameters``).

    Attributes
    ----------
    interval_min : int
        Interval length of every table [min]; always known (never assumed).
    horizon_days : int, optional
        Days planned [days].
    start_date : str, optional
        First planned date, or ``"day after history"``.
    seed : int, optional
        Seed of every random draw and solver.
    currency : str, optional
        ISO 4217 code of every cost.
    abandoned_in_sl : bool, optional
        Whether abandoned contacts count in the service-level denominator.
    solver, forecast, simulation : dict
        The stage settings used.
    roster : dict, optional
        The ``[roster]`` settings (people files, weeks, rest), when the plan has a roster.
    other : dict
        Keys this version does not know (kept as read).
    """

    interval_min: int
    horizon_days: int | None = None
    start_date: str | None = None
    seed: int | None = None
    currency: str | None = None
    abandoned_in_sl: bool | None = None
    solver: dict | None = None
    forecast: dict | None = None
    simulation: dict | None = None
    roster: dict | None = None
    other: dict = field(default_factory=dict)

    @classmethod
    def of(cls, scenario: Scenario) -> Parameters:
        """The parameters of a plan of ``scenario``."""
        return cls(
            interval_min=scenario.interval_min,
            horizon_days=scenario.horizon_days,
            start_date=scenario.start_date or "day after history",
            seed=scenario.seed,
            currency=scenario.currency,
            abandoned_in_sl=scenario.abandoned_in_sl,
            solver=asdict(scenario.solver),
            forecast=asdict(scenario.forecast),
            simulation=asdict(scenario.simulation),
            roster=asdict(scenario.roster) if scenario.roster is not None else None,
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``parameters`` object of ``manifest.json`` (absent values left out)."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "other"}
        return {k: v for k, v in out.items() if v is not None} | self.other

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, interval_min: int | None = None) -> Parameters:
        """Read ``parameters``; ``interval_min`` is used only when the object has none."""
        known, other = _known(cls, data)
        known.pop("other", None)
        value = known.pop("interval_min", None)
        value = interval_min if value is None else value
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise InputError(
                "the manifest does not say the plan's interval length, and neither the "
                "scenario nor the tables tell it",
                source="manifest.json",
                key="parameters.interval_min",
                got=value,
                expected="15, 30 or 60 in the manifest, or the scenario of the plan",
            )
        return cls(interval_min=int(value), **known, other=other)


@dataclass(frozen=True, slots=True, kw_only=True)
class StageRecord:
    """What ``manifest.json`` says about one stage: timing, files, notes and figures.

    ``carried`` marks a stage a resumed run took from the previous plan.
    """

    wall_s: float = 0.0
    files: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    figures: dict = field(default_factory=dict)
    carried: bool = False
    other: dict = field(default_factory=dict)

    @classmethod
    def of(cls, name: str, result: StageResult) -> StageRecord:
        """The record of a stage run now (wall time rounded to the millisecond)."""
        return cls(
            wall_s=round(result.wall_s, 3),
            files=tuple(f"{t}.csv" for t in (name, *result.tables)),
            notes=tuple(result.notes),
            figures=dict(result.figures),
        )

    def to_dict(self) -> dict[str, Any]:
        """The stage's object in ``manifest.json`` ``stages``."""
        out: dict[str, Any] = {
            "wall_s": self.wall_s,
            "files": list(self.files),
            "notes": list(self.notes),
            "figures": self.figures,
        }
        if self.carried:
            out["carried"] = True
        return out | self.other

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StageRecord:
        known, other = _known(cls, data)
        known.pop("other", None)
        return cls(
            wall_s=float(known.get("wall_s", 0.0)),
            files=tuple(known.get("files", ())),
            notes=tuple(known.get("notes", ())),
            figures=_plain(known.get("figures")),
            carried=bool(known.get("carried", False)),
            other=other,
        )


def _solve_from_dict(data: Any) -> SolveResult | None:
    """The solver outcome recorded under ``schedule`` (None when the plan has none)."""
    if not isinstance(data, Mapping):
        return None
    known, _ = _known(SolveResult, data)
    try:
        return SolveResult(**known)
    except TypeError:
        raise InputError(
            "the solver outcome lacks a figure",
            source="manifest.json",
            key="schedule",
            expected="status, objective, best_bound, gap_rate, wall_s, num_workers and seed",
        ) from None


@dataclass(frozen=True, slots=True, kw_only=True)
class Manifest:
    """The typed ``manifest.json`` of a plan.

    Attributes
    ----------
    run_id : str
        Run identifier (a slug; it names the default folder).
    created_utc : datetime.datetime, optional
        When the run started (UTC, whole seconds).
    scenario_name, scenario_file : str
        The scenario's name and the file it was read from (empty when planned in memory).
    inputs : dict of str to str
        SHA-256 of each input (file name → hex digest).
    versions : dict of str to str
        Versions of wfm, Python and the main libraries.
    parameters : Parameters
        The scenario settings used, ``interval_min`` always among them.
    run_options : dict, optional
        How the run was executed (:meth:`wfm.core.run_options.RunOptions.to_dict`).
    from_stage : str, optional
        First stage run (``forecast`` unless resumed).
    stages : dict of str to StageRecord
        Each stage's timing, files, notes and figures.
    solve : SolveResult, optional
        Outcome of the shift solver (JSON key ``schedule``).
    wall_s : float, optional
        Wall time of the whole run [s].
    files : tuple of str
        Files of the plan folder wfm wrote; ``added_files`` those it added later (a report).
    other : dict
        Keys this version does not know (kept as read).
    """

    run_id: str
    created_utc: dt.datetime | None = None
    scenario_name: str = ""
    scenario_file: str = ""
    inputs: dict[str, str] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    parameters: Parameters
    run_options: dict | None = None
    from_stage: str | None = None
    stages: dict[str, StageRecord] = field(default_factory=dict)
    solve: SolveResult | None = None
    wall_s: float | None = None
    files: tuple[str, ...] = ()
    added_files: tuple[str, ...] = ()
    other: dict = field(default_factory=dict)

    @property
    def interval_min(self) -> int:
        """Interval length of the plan's tables [min]."""
        return self.parameters.interval_min

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``manifest.json``, as it reads back from the file (sorted keys,
        lists, plain numbers)."""
        out: dict[str, Any] = {
            "run_id": self.run_id,
            "scenario": {"name": self.scenario_name, "file": self.scenario_file},
            "inputs": self.inputs,
            "versions": self.versions,
            "parameters": self.parameters.to_dict(),
            "stages": {name: rec.to_dict() for name, rec in self.stages.items()},
            "files": list(self.files),
        }
        if self.created_utc is not None:
            out["created_utc"] = self.created_utc.isoformat(timespec="seconds")
        optional = {
            "run_options": self.run_options,
            "from_stage": self.from_stage,
            "schedule": self.solve.to_dict() if self.solve is not None else None,
            "wall_s": self.wall_s,
            "added_files": list(self.added_files) or None,
        }
        out |= {k: v for k, v in optional.items() if v is not None}
        return _as_json(out | self.other)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, interval_min: int | None = None) -> Manifest:
        """Read the object of a ``manifest.json``.

        Parameters
        ----------
        data : mapping
            The parsed JSON object.
        interval_min : int, optional
            Interval length to use when ``parameters`` has none (a manifest of an older
            version): from the scenario or the tables' grid [min].

        Raises
        ------
        InputError
            No interval length anywhere, or a solver outcome without its figures.
        """
        data = dict(data)
        scenario = data.pop("scenario", None)
        if not isinstance(scenario, Mapping):
            scenario = {"name": str(scenario or "")}
        created = data.pop("created_utc", None)
        stages = _plain(data.pop("stages", None))
        return cls(
            run_id=str(data.pop("run_id", "")),
            created_utc=dt.datetime.fromisoformat(created) if created else None,
            scenario_name=str(scenario.get("name", "")),
            scenario_file=str(scenario.get("file", "")),
            inputs=_plain(data.pop("inputs", None)),
            versions=_plain(data.pop("versions", None)),
            parameters=Parameters.from_dict(
                _plain(data.pop("parameters", None)), interval_min=interval_min
            ),
            run_options=data.pop("run_options", None),
            from_stage=data.pop("from_stage", None),
            stages={k: StageRecord.from_dict(_plain(v)) for k, v in stages.items()},
            solve=_solve_from_dict(data.pop("schedule", None)),
            wall_s=data.pop("wall_s", None),
            files=tuple(data.pop("files", ())),
            added_files=tuple(data.pop("added_files", ())),
            other=data,
        )


def _as_json(obj: dict) -> dict:
    """``obj`` as it reads back from the JSON file wfm writes (sorted keys, default=str)."""
    import json

    return json.loads(json.dumps(obj, sort_keys=True, default=str))


def versions() -> dict[str, str]:
    """Versions of wfm, Python and the main libraries, for the manifest."""
    out = {"wfm": __version__, "python": platform.python_version()}
    for pkg in _PACKAGES:
        try:
            out[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def table_sha256(df: pd.DataFrame) -> str:
    """Hex SHA-256 of a table's values and column names (an input given in memory)."""
    h = hashlib.sha256(",".join(map(str, df.columns)).encode())
    h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return h.hexdigest()
