"""Tuning constants of the shift solver, in one place.

These are not scenario settings: they set how the ``lp_guided`` search works, not what a
centre asks for, and were chosen on the benchmark weeks (``benchmarks/bench_schedule.py``)
and the demo plan; ``docs/notes/schedule-experiments.md`` records the runs behind them.
The settings a planner may change are ``[solver]`` in the scenario
(:class:`wfm.core.settings.SolverConfig`). The overflow pricing's table size lives with
the pricing (``wfm.schedule.overflow``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Tuning:
    """What each constant sets, and why it has its value.

    Attributes
    ----------
    integral_tol : float
        A count (or receiving switch) within this of a whole number is that number; also
        the slack tolerance of the fast rounding's rows. Well above GLOP's primal
        tolerance, well below any meaningful fraction of an agent.
    dive_share : float
        Share of the fractional shift counts the LP dive fixes per re-solve. Smaller shares
        let more counts re-balance: on the benchmark's demo week and the demo plan 0.1
        ended 0.1–0.2 gap points below 0.2, at about twice the rounds; 0.05 gained nothing.
    switch_share : float
        Share of the fractional receiving switches the switch dive fixes per re-solve (on
        the 10-site benchmark week 0.5 and 0.25 ended within 0.04 % of each other, 0.5 in
        half the rounds).
    close_switch_batches : int
        Batches in which open switches whose reduced cost says the fixed charge does not
        pay are tried closed (a batch is kept when the objective falls).
    moves_per_round : int
        Local-search moves tried in a round before the round gives up (the most
        promising first, by LP reduced cost).
    move_reach_min : float
        A local-search move shifts an agent to a pattern of the same pool and day starting
        within this many minutes [min].
    min_on_queue_value_per_h : float
        Value of one agent-hour below ``min_agents_on_queue`` in the fast rounding
        [currency per h]: far above any labour or shortfall cost, so the hard minimum is
        covered first wherever a shift still fits.
    glop_retry_params : str
        GLOP parameters of the one retry of a warm-started re-solve that stopped on
        anything but OPTIMAL: without presolve, the retry that got through when a
        re-solve stopped ABNORMAL on the benchmark's demo week.
    polish_reach : int
        A restricted MIP of the polish keeps each count within this many agents of the
        incumbent's (1 gained nothing on the benchmark's demo week).
    polish_min_s : float
        No polish with less time than this left [s].
    polish_reserve_s : float
        Time the polish leaves for the final LP re-solve and the local search [s].
    polish_nodes : int
        SCIP node limit of a restricted MIP, a deterministic stop before its time limit:
        without presolve the restricted MIPs of the benchmark's demo week found their
        better schedule within 400 nodes as often as within 1,000, in about half the time.
    polish_group_s : float
        Time limit of one restricted MIP [s] (3 s gained less).
    polish_passes : tuple of (int, int)
        (days per group, day offset) of the polishing passes: single days, then
        overlapping pairs of days.
    polish_sweeps : int
        Extra single-day sweeps while a sweep improves.
    polish_scip : str
        SCIP parameters of a restricted MIP: no presolve, three cut rounds at the root and
        none below. A restricted MIP starts from the incumbent and is cut short, so nodes
        pay more than bounds (benchmark demo week: 0.959 % above the LP bound in 45 s;
        1.03 % in 60 s with presolve and 1,000 nodes; 1.06 % with SCIP's defaults).
    polish_max_workers : int
        Most worker processes solving restricted MIPs at once (at most
        ``solver.num_workers``).
    polish_pool_min_s : float
        No worker processes with less time than this left [s]: starting them would
        eat the time they save.
    """

    integral_tol: float = 1e-6
    dive_share: float = 0.1
    switch_share: float = 0.5
    close_switch_batches: int = 6
    moves_per_round: int = 40
    move_reach_min: float = 60.0
    min_on_queue_value_per_h: float = 1e6
    glop_retry_params: str = "use_preprocessing: false"
    polish_reach: int = 2
    polish_min_s: float = 2.0
    polish_reserve_s: float = 2.0
    polish_nodes: int = 400
    polish_group_s: float = 10.0
    polish_passes: tuple[tuple[int, int], ...] = ((1, 0), (2, 0), (2, 1))
    polish_sweeps: int = 4
    polish_scip: str = (
        "separating/maxroundsroot = 3\nseparating/maxrounds = 0\npresolving/maxrounds = 0\n"
    )
    polish_max_workers: int = 8
    polish_pool_min_s: float = 10.0


TUNING = Tuning()
"""The solver's tuning constants (see :class:`Tuning`)."""
