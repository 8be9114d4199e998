"""The last section of the report: models, solver result, stage notes and parameters.

Everything comes from the run's ``manifest.json``: the shift solver's status, objective,
bound and gap, each stage's wall time, notes and figures, and the parameters, input hashes
and versions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wfm.report.markup import Section, format_value, mapping_view


def provenance_section(manifest: Mapping[str, Any]) -> Section:
    """Run id, inputs, versions, parameters, stage timings, notes and solver outcome."""
    solve = manifest.get("schedule")
    solve_view = None
    if isinstance(solve, Mapping):
        status = str(solve.get("status", "unknown"))
        gap = solve.get("gap_rate")
        solve_view = {
            "solver": str(solve.get("solver", "")),
            "status": status,
            "bad": status not in ("OPTIMAL", "FEASIBLE"),
            "objective": format_value(solve.get("objective")),
            "best_bound": format_value(solve.get("best_bound")),
            "gap": f"{float(gap):.2%}" if isinstance(gap, int | float) else "unknown",
            "wall_s": format_value(solve.get("wall_s"), ".1f"),
            "num_workers": str(solve.get("num_workers", "")),
            "seed": str(solve.get("seed", "")),
        }
    stages = []
    for name, info in (manifest.get("stages") or {}).items():
        info = info if isinstance(info, Mapping) else {}
        figures = info.get("figures") or {}
        stages.append(
            {
                "name": str(name),
                "wall_s": format_value(info.get("wall_s"), ".2f"),
                "notes": [str(n) for n in info.get("notes") or []],
                "figures": [(str(k), str(v)) for k, v in figures.items()],
            }
        )
    tables = [
        (title, mapping_view(manifest[key]))
        for key, title in (
            ("parameters", "Parameters"),
            ("inputs", "Inputs (SHA-256)"),
            ("versions", "Versions"),
        )
        if isinstance(manifest.get(key), Mapping) and manifest[key]
    ]
    data = {"solve": solve_view, "stages": stages, "tables": tables}
    return Section(
        "provenance",
        "Models, solver and parameters",
        "manifest.json of the run",
        "provenance.html.j2",
        data,
    )
