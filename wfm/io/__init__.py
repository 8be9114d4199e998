"""wfm.io layer: the only library code that touches files.

The public API: :func:`load_scenario`, :func:`read_history` (a CSV or a DataFrame),
:func:`read_plan` and :func:`write_plan` (a plan folder), :func:`write_report`.
"""

from wfm.io.plan_folder import read_plan, write_plan, write_report
from wfm.io.scenario import load_scenario
from wfm.io.tables import read_history

__all__ = ["load_scenario", "read_history", "read_plan", "write_plan", "write_report"]
