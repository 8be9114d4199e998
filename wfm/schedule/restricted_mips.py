"""The restricted MIPs of the MIP polish: the whole schedule model exported once as an integer
model in sparse arrays, with the incumbent's values and its columns indexed by site and
interval, and the small MIP of one site-day group cut out of it around the incumbent (every
other column fixed and moved into the row bounds; see docs/schedule.md)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import linear_solver_pb2

from wfm.core.config import SolverConfig
from wfm.schedule.model import BuiltModel, build_schedule_model
from wfm.schedule.problem_data import Problem
from wfm.schedule.solvers import new_solver


class SparseModel:
    """A linear model exported to a proto, as sparse arrays, to cut restricted models from."""

    def __init__(self, model: linear_solver_pb2.MPModelProto) -> None:
        from scipy import sparse

        self.n_vars = len(model.variable)
        self.lower = np.array([v.lower_bound for v in model.variable])
        self.upper = np.array([v.upper_bound for v in model.variable])
        self.cost = np.array([v.objective_coefficient for v in model.variable])
        self.integer = np.array([v.is_integer for v in model.variable])
        rows, cols, data = [], [], []
        for r, con in enumerate(model.constraint):
            rows.extend([r] * len(con.var_index))
            cols.extend(con.var_index)
            data.extend(con.coefficient)
        shape = (len(model.constraint), self.n_vars)
        coo = sparse.coo_matrix((data, (rows, cols)), shape=shape)
        self.csc, self.csr = coo.tocsc(), coo.tocsr()
        self.row_lower = np.array([c.lower_bound for c in model.constraint])
        self.row_upper = np.array([c.upper_bound for c in model.constraint])
        self.offset = model.objective_offset

    def restricted(
        self, cols: np.ndarray, values: np.ndarray, lower: np.ndarray, upper: np.ndarray
    ) -> linear_solver_pb2.MPModelRequest:
        """SCIP request over ``cols`` (bounds ``lower``/``upper``), every other column fixed
        at ``values``; rows without a free column are dropped, ``values[cols]`` is the hint.
        Its objective is the whole model's."""
        sub_cols = self.csc[:, cols]
        rows = np.unique(sub_cols.indices)
        fixed = values.copy()
        fixed[cols] = 0.0
        shift = self.csr[rows] @ fixed
        block = sub_cols[rows].tocsr()
        request = linear_solver_pb2.MPModelRequest()
        request.solver_type = linear_solver_pb2.MPModelRequest.SCIP_MIXED_INTEGER_PROGRAMMING
        model = request.model
        model.objective_offset = self.offset + float(self.cost @ fixed)
        for c in cols:
            var = model.variable.add()
            var.lower_bound, var.upper_bound = float(lower[c]), float(upper[c])
            var.objective_coefficient = float(self.cost[c])
            var.is_integer = bool(self.integer[c])
        for r in range(len(rows)):
            con = model.constraint.add()
            lo, hi = block.indptr[r], block.indptr[r + 1]
            con.var_index.extend(block.indices[lo:hi].tolist())
            con.coefficient.extend(block.data[lo:hi].tolist())
            con.lower_bound = float(self.row_lower[rows[r]] - shift[r])
            con.upper_bound = float(self.row_upper[rows[r]] - shift[r])
        model.solution_hint.var_index.extend(range(len(cols)))
        model.solution_hint.var_value.extend(values[cols].tolist())
        return request


@dataclass
class WholeModel:
    """The whole model as an integer model in sparse arrays, with the incumbent's values
    and, per (site, interval), the columns a restricted MIP may free there."""

    whole: SparseModel
    values: np.ndarray  # the incumbent's value of every column of ``whole``
    x_idx: list[int]  # columns of the shift counts, in ``Problem.columns`` order
    z_idx: list[int]  # columns of the receiving switches, in ``BuiltModel.z`` order
    by_cell: dict[tuple[str, int], list[int]]  # continuous columns per (site, interval)
    z_cells: dict[tuple[str, int], list[int]]  # open switches per (site, interval)
    partners: dict[str, set[str]]  # sites exchanging overflow with a site


def whole_model(
    problem: Problem,
    b: BuiltModel,
    config: SolverConfig,
    seed: int,
    z_keys: list,
    z_now: np.ndarray,
    current: np.ndarray,
) -> WholeModel:
    """Export the whole model as an integer model and index its columns by site and
    interval; the incumbent's values come from the solved LP ``b`` (counts ``current``)."""
    mip = new_solver("SCIP", config, seed)
    mb = build_schedule_model(problem, mip, integer=True)
    model = linear_solver_pb2.MPModelProto()
    mip.ExportModelToProto(model)
    x_idx = [v.index() for v in mb.x]
    z_idx = [mb.z[k].index() for k in z_keys]
    # continuous columns by site and interval: outside a group's sites (its own and those
    # it exchanges overflow with) and the intervals its patterns cover they stay at the
    # incumbent's values
    by_cell: dict[tuple[str, int], list[int]] = {}
    partners: dict[str, set[str]] = {}
    for (p, _, i), var in mb.y.items():
        by_cell.setdefault((problem.pools[p].site, i), []).append(var.index())
    for cell_key, var in list(mb.short.items()) + list(mb.over.items()):
        by_cell.setdefault((cell_key[0], cell_key[2]), []).append(var.index())
    for (a_idx, i), var in mb.flow.items():
        arc = problem.arcs[a_idx]
        by_cell.setdefault((arc.from_site, i), []).append(var.index())
        by_cell.setdefault((arc.to_site, i), []).append(var.index())
        partners.setdefault(arc.from_site, set()).add(arc.to_site)
        partners.setdefault(arc.to_site, set()).add(arc.from_site)
    for (m_idx, i), var in mb.ai.items():
        by_cell.setdefault((problem.ai_moves[m_idx].site, i), []).append(var.index())
    z_cells: dict[tuple[str, int], list[int]] = {}
    for k, on in zip(z_keys, z_now, strict=True):
        if on > 0.5:  # an open switch may close; a closed one stays closed
            z_cells.setdefault((k[0], k[2]), []).append(mb.z[k].index())
    del mip, mb
    whole = SparseModel(model)
    values = np.zeros(whole.n_vars)
    for var in b.x + list(b.z.values()) + list(b.y.values()) + list(b.short.values()):
        values[var.index()] = var.solution_value()
    for var in list(b.over.values()) + list(b.flow.values()) + list(b.ai.values()):
        values[var.index()] = var.solution_value()
    values[x_idx] = current
    return WholeModel(whole, values, x_idx, z_idx, by_cell, z_cells, partners)


def group_columns(
    js: list[int],
    site: str,
    partners: dict[str, set[str]],
    problem: Problem,
    by_cell: dict[tuple[str, int], list[int]],
    z_cells: dict[tuple[str, int], list[int]],
    x_idx: list[int],
) -> np.ndarray:
    """Free columns of one group: its counts, and the continuous columns and open switches
    of the site and its overflow partners over the intervals the group's patterns cover."""
    sites = {site} | partners.get(site, set())
    cells = {int(i) for j in js for i in problem.columns[j].intervals}
    free: set[int] = {x_idx[j] for j in js}
    for st in sites:
        for i in cells:
            free.update(by_cell.get((st, i), ()))
            free.update(z_cells.get((st, i), ()))
    return np.array(sorted(free), dtype=np.int64)
