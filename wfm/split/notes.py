"""The split stage's notes (AI capacity, backlog, repeat contacts) and figures (totals,
AI share per channel and segment)."""

from __future__ import annotations

import pandas as pd

from wfm.core.config import Scenario
from wfm.split.grid import SeriesGrid
from wfm.split.solve import SplitRun
from wfm.split.tables import summary_table


def split_figures(table: pd.DataFrame, run: SplitRun, scenario: Scenario) -> dict:
    summary = summary_table(table)
    contacts = float(table["contacts"].sum())
    wrapped = _wrapped(run)
    binding = 0
    for ch in run.cap_channels:
        cap_s = scenario.ai_capacity[ch].max_sessions * run.tau_s
        binding += int((run.cap_load[ch] > cap_s * (1 + 1e-12)).sum())
    return {
        "currency": scenario.currency,
        "forecast_contacts": float(table["forecast_contacts"].sum()),
        "repeat_contacts": float(table["repeat_contacts"].sum()),
        "contacts": contacts,
        "ai_handled": float(table["ai_handled"].sum()),
        "ai_contained": float(table["ai_contained"].sum()),
        "escalated": float(table["escalated"].sum()),
        "human_contacts": float(table["human_contacts"].sum()),
        "ai_share_rate_total": float(table["ai_contained"].sum()) / contacts if contacts else 0.0,
        "ai_blocked_contacts": float(table["ai_blocked_contacts"].sum()),
        "ai_capacity_binding_intervals": binding,
        "backlog_contacts": float(table["backlog_out_contacts"].sum()),
        "backlog_wrapped_contacts": wrapped,
        "ai_cost": float(table["ai_cost"].sum()),
        "repeat_passes": int(run.passes),
        "ai_share_rate": {
            f"{ch}.{seg}": round(float(v), 6)
            for ch, seg, v in zip(
                summary["channel"], summary["segment"], summary["ai_share_rate"], strict=True
            )
        },
    }


def split_notes(grid: SeriesGrid, run: SplitRun, scenario: Scenario) -> tuple[str, ...]:
    notes = []
    for ch in run.offered_channels:
        if ch not in scenario.ai_capacity:
            notes.append(
                f"AI capacity of channel {ch!r} is not configured (ai_capacity.{ch}); its AI "
                "sessions are treated as unlimited and available around the clock"
            )
    for ch in run.cap_channels:
        rows = (grid.series["channel"] == ch).to_numpy()
        blocked = run.blocked[rows].sum(axis=0)
        n = int((blocked > 1e-9).sum())
        if n:
            notes.append(
                f"AI capacity of {ch} ({scenario.ai_capacity[ch].max_sessions} sessions) binds "
                f"in {n} intervals: {blocked.sum():.1f} contacts offered to AI went to people"
            )
    backlog = float(run.backlog_out.sum())
    if backlog > 0:
        wrapped = _wrapped(run)
        notes.append(
            f"{backlog:.1f} contacts needing a person outside opening hours are answered after "
            f"the next opening, within {scenario.split.backlog_deadline_h:g} h of opening time"
            + (
                f"; {wrapped:.1f} of them arrived after the last opening of the horizon and are "
                "answered at its first opening (cyclic horizon)"
                if wrapped > 1e-9
                else ""
            )
        )
    for site, m in run.moves.items():
        if m.stranded:
            notes.append(
                f"site {site} never opens in the horizon: its out-of-hours contacts stay in "
                "their intervals"
            )
    rep = float(run.repeats.sum())
    if rep > 0:
        notes.append(
            f"{rep:.1f} repeat contacts added ({run.repeats_ai.sum():.1f} after AI containment "
            f"that did not resolve, {run.repeats_human.sum():.1f} after people), cyclic horizon"
        )
    return tuple(notes)


def _wrapped(run: SplitRun) -> float:
    wrapped = 0.0
    for site, m in run.moves.items():
        if len(m.src):
            out = run.backlog_out[run.site_rows[site]][:, m.src]
            wrapped += float((out * m.share_rate * m.wrapped).sum())
    return wrapped
