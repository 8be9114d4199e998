"""Run every benchmark of the project and print their tables (``make bench``).

Each ``benchmarks/bench_<stage>.py`` has a ``main()`` that prints one or more plain tables.
Pass stage names to run only some: ``python benchmarks/bench.py staffing schedule``.
Benchmarks are never part of ``make test``.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["forecast", "forecast_panel", "staffing", "split", "schedule", "simulate", "report"]


def _modules() -> list[Path]:
    found = {p.stem.removeprefix("bench_"): p for p in HERE.glob("bench_*.py")}
    names = [n for n in ORDER if n in found] + sorted(set(found) - set(ORDER))
    wanted = sys.argv[1:]
    return [found[n] for n in names if not wanted or n in wanted]


def main() -> None:
    for path in _modules():
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        spec.loader.exec_module(module)
        print(f"\n## {path.stem}\n", flush=True)
        t0 = time.perf_counter()
        module.main()
        print(f"\n({path.stem}: {time.perf_counter() - t0:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
