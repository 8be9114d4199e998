"""Least agents meeting service targets in a queue whose contacts abandon (Erlang A, M/M/N+M).

The reverse question of :mod:`wfm.staffing.erlang_a`: given the offered load, handle time,
patience and the targets (service level, and optionally mean time in queue, abandonment and
occupancy), the least number of agents on queue that meets them all. Every measure improves
with N, so the search brackets the least N from a fluid first guess and closes the bracket
on integers, for every interval at once. With abandonment the queue is stable at any N, so
the answer can be below the offered load.

References
----------
.. [1] A. Mandelbaum, S. Zeltyn, "The M/M/n+G queue: summary of performance measures,"
   Technion, 2005.
.. [2] O. Garnett, A. Mandelbaum, M. Reiman, "Designing a call center with impatient
   customers," Manuf. Serv. Oper. Manag., 4(3), pp. 208–227, 2002.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from wfm.staffing.erlang import check_search_inputs
from wfm.staffing.erlang_a import kpis_kernel, validated_inputs


def _logit(p: np.ndarray) -> np.ndarray:
    """log(p / (1 − p)) with p kept inside [1e-15, 1 − 1e-15] so slacks stay finite."""
    q = np.clip(p, 1e-15, 1.0 - 1e-15)
    return np.log(q) - np.log1p(-q)


def agents_for_target(
    traffic_erlangs: object,
    aht_s: object,
    patience_s: object,
    sl_threshold_s: object,
    sl_target_rate: object,
    *,
    asa_target_s: object | None = None,
    max_abandon_rate: object | None = None,
    max_occupancy_rate: object | None = None,
    abandoned_in_sl: bool = True,
) -> np.ndarray:
    """Least agents meeting every target given, for an M/M/N+M queue (Erlang A).

    Parameters
    ----------
    traffic_erlangs : array_like
        Offered load A [Erlang].
    aht_s, patience_s, sl_threshold_s : array_like
        Average handle time; mean time to abandon; answer-within threshold [s].
    sl_target_rate : array_like
        Service-level target in (0, 1).
    asa_target_s : array_like, optional
        Largest acceptable mean time in queue [s].
    max_abandon_rate : array_like, optional
        Largest acceptable abandonment probability.
    max_occupancy_rate : array_like, optional
        Largest acceptable occupancy.
    abandoned_in_sl : bool
        Service-level convention, see :func:`kpis`.

    Returns
    -------
    numpy.ndarray of int64
        Least N ≥ 1 meeting every target (0 where A = 0); it may be below A.

    Notes
    -----
    Every measure improves with N, so the least N is bracketed and the bracket closed by a
    safeguarded regula falsi on integers (Illinois variant; a bisection step after any step
    that did not halve the bracket), run for all intervals at once on the log-odds of the
    slack. The first guess is fluid: N ≈ A·max(target, e^{−T/patience}, 1 − max abandonment)
    (answered load cannot exceed N, and the fluid wait −patience·ln(N/A) must stay under T);
    from there the search gallops in steps of √A + 1, doubling, until the least N is
    bracketed.

    References
    ----------
    .. [1] A. Mandelbaum, S. Zeltyn, Technion, 2005.
    .. [2] O. Garnett, A. Mandelbaum, M. Reiman, Manuf. Serv. Oper. Manag., 4(3), 2002.

    Examples
    --------
    >>> agents_for_target(10.0, 180.0, 120.0, 20.0, 0.8).tolist()
    12
    """
    use_asa = asa_target_s is not None
    use_ab = max_abandon_rate is not None
    arrays = validated_inputs(
        traffic_erlangs,
        sl_threshold_s,
        aht_s,
        patience_s,
        sl_target_rate,
        asa_target_s if use_asa else np.inf,
        max_abandon_rate if use_ab else 1.0,
        1.0 if max_occupancy_rate is None else max_occupancy_rate,
    )
    flat = [x.ravel() for x in arrays]
    _check_targets(flat[4], flat[6] if use_ab else None, flat[7])
    check_search_inputs(flat[0], sl_threshold_s=flat[1], aht_s=flat[2], patience_s=flat[3])
    result = np.zeros(flat[0].shape, dtype=np.int64)
    live = np.flatnonzero(flat[0] > 0.0)
    if live.size:
        a, thr, aht, pat, target, asa_t, max_ab, max_occ = (x[live] for x in flat)
        least = _least_agents(
            a, thr, aht, pat, target, asa_t if use_asa else None, max_ab if use_ab else None,
            max_occ, abandoned_in_sl,
        )  # fmt: skip
        result[live] = least.astype(np.int64)
    return result.reshape(arrays[0].shape)


def _check_targets(target: np.ndarray, max_ab: np.ndarray | None, max_occ: np.ndarray) -> None:
    """Raise ValueError for targets outside their ranges."""
    if ((target <= 0.0) | (target >= 1.0)).any():
        raise ValueError("sl_target_rate must be in (0, 1)")
    if ((max_occ <= 0.0) | (max_occ > 1.0)).any():
        raise ValueError("max_occupancy_rate must be in (0, 1]")
    if max_ab is not None and ((max_ab <= 0.0) | (max_ab > 1.0)).any():
        raise ValueError("max_abandon_rate must be in (0, 1]")


def _least_agents(
    a: np.ndarray,
    thr: np.ndarray,
    aht: np.ndarray,
    pat: np.ndarray,
    target: np.ndarray,
    asa_t: np.ndarray | None,
    max_ab: np.ndarray | None,
    max_occ: np.ndarray,
    abandoned_in_sl: bool,
) -> np.ndarray:
    """Least N of each positive load: fluid guess, gallop to a bracket, close it."""
    margin = _target_margin(a, thr, aht, pat, target, asa_t, max_ab, max_occ, abandoned_in_sl)
    # fluid first guess: SL ≤ N/A when abandoned contacts fail; the fluid wait
    # −patience·ln(N/A) stays under T only for N ≥ A·e^{−T/patience}; P_ab ≈ 1 − N/A
    share = np.exp(-thr / pat)
    if abandoned_in_sl:
        share = np.maximum(share, target)
    if max_ab is not None:
        share = np.maximum(share, 1.0 - max_ab)
    guess = np.maximum(np.round(a * share), 1.0)
    lo, f_lo, hi, f_hi = _bracket(margin, guess, np.ceil(np.sqrt(a)) + 1.0)
    return _close_bracket(margin, lo, f_lo, hi, f_hi)


Margin = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _target_margin(
    a: np.ndarray,
    thr: np.ndarray,
    aht: np.ndarray,
    pat: np.ndarray,
    target: np.ndarray,
    asa_t: np.ndarray | None,
    max_ab: np.ndarray | None,
    max_occ: np.ndarray,
    abandoned_in_sl: bool,
) -> Margin:
    """``margin(n, idx)``: smallest slack over the targets of intervals ``idx`` at N = n."""

    def margin(n: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """Smallest slack over the targets in log-odds; ≥ 0 exactly when N meets all."""
        _, pa, sl, asa, occ = kpis_kernel(n, a[idx], aht[idx], pat[idx], thr[idx], abandoned_in_sl)
        m = _logit(sl) - _logit(target[idx])
        m = np.fmin(m, _logit(max_occ[idx]) - _logit(occ))  # occupancy is NaN at N = 0
        if asa_t is not None:
            with np.errstate(divide="ignore"):
                m = np.minimum(m, np.log(asa_t[idx]) - np.log(asa))
        if max_ab is not None:
            m = np.minimum(m, _logit(max_ab[idx]) - _logit(pa))
        return np.where(n >= 1.0, m, np.minimum(m, -1e-12))

    return margin


def _bracket(
    margin: Margin, guess: np.ndarray, stride: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(lo, f_lo, hi, f_hi): N = lo fails, N = hi meets every target, by galloping from guess.

    Steps of ``stride`` (√A + 1) away from the guess, doubling, until the least N is
    bracketed; ``lo`` = 0 with ``f_lo`` = −inf when the guess already meets and no lower
    probe failed.
    """
    every = np.arange(guess.size)
    f_guess = margin(guess, every)
    meets0 = f_guess >= 0.0
    lo = np.where(meets0, 0.0, guess)
    f_lo = np.where(meets0, -np.inf, f_guess)
    hi = np.where(meets0, guess, np.inf)
    f_hi = np.where(meets0, f_guess, np.inf)
    idx = every
    while idx.size:
        up = ~meets0[idx]  # guess failed: look higher; else look lower
        probe = np.where(up, guess[idx] + stride[idx], np.maximum(guess[idx] - stride[idx], 0.0))
        fp = margin(probe, idx)
        ok = fp >= 0.0  # a probe that meets the targets is an upper end, one that fails a lower
        hi[idx[ok]], f_hi[idx[ok]] = probe[ok], fp[ok]
        lo[idx[~ok]], f_lo[idx[~ok]] = probe[~ok], fp[~ok]
        move_up = up & ~ok  # still failing: gallop on upwards
        move_down = ~up & ok  # still meeting: gallop on downwards
        guess[idx] = probe
        stride[idx] *= 2.0
        idx = idx[(move_up | move_down) & ~(~up & (probe <= 0.0))]
    return lo, f_lo, hi, f_hi


def _close_bracket(
    margin: Margin, lo: np.ndarray, f_lo: np.ndarray, hi: np.ndarray, f_hi: np.ndarray
) -> np.ndarray:
    """Least N in (lo, hi] meeting every target.

    Safeguarded regula falsi on integers (Anderson–Björck): lo always fails, hi always
    meets; a bisection step follows any step that did not halve the bracket.
    """
    side = np.zeros_like(hi)
    width_1 = np.full_like(hi, np.inf)
    idx = np.flatnonzero(hi - lo > 1.0)
    while idx.size:
        lo_i, hi_i, fl, fh = lo[idx], hi[idx], f_lo[idx], f_hi[idx]
        width = hi_i - lo_i
        with np.errstate(divide="ignore", invalid="ignore"):
            guess = np.ceil(lo_i + width * (-fl) / (fh - fl))
        guess = np.clip(np.where(np.isfinite(guess), guess, lo_i + 1.0), lo_i + 1.0, hi_i - 1.0)
        slow = width > 0.5 * width_1[idx]
        mid = np.where(slow, np.floor(0.5 * (lo_i + hi_i)), guess)
        width_1[idx] = width
        fm = margin(mid, idx)
        ok = fm >= 0.0
        # Anderson–Björck: scale the slack of an end kept twice in a row by 1 − f_new/f_old
        # (0.5 when that is not positive)
        with np.errstate(divide="ignore", invalid="ignore"):
            m_lo = 1.0 - fm / fh  # new point replaced hi again: scale the kept lo
            m_hi = 1.0 - fm / fl
        m_lo = np.where((m_lo > 0.0) & np.isfinite(m_lo), m_lo, 0.5)
        m_hi = np.where((m_hi > 0.0) & np.isfinite(m_hi), m_hi, 0.5)
        keep_lo = ok & (side[idx] > 0.0)
        keep_hi = ~ok & (side[idx] < 0.0)
        f_lo[idx[keep_lo]] *= m_lo[keep_lo]
        f_hi[idx[keep_hi]] *= m_hi[keep_hi]
        hi[idx[ok]] = mid[ok]
        f_hi[idx[ok]] = fm[ok]
        lo[idx[~ok]] = mid[~ok]
        f_lo[idx[~ok]] = fm[~ok]
        side[idx] = np.where(ok, 1.0, -1.0)
        idx = idx[hi[idx] - lo[idx] > 1.0]
    return hi
