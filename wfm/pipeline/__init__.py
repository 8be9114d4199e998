"""wfm.pipeline layer: the stages composed into a plan, what-if sweeps, the nightly job.

The public API: :func:`make_plan` (a :class:`~wfm.core.plan.Plan` in memory) and
:func:`run_plan` (what ``wfm plan`` runs: read the inputs, plan, write the folder).
"""

from wfm.pipeline.run import make_plan, run_plan

__all__ = ["make_plan", "run_plan"]
