"""The solver's tuning constants: one frozen, documented block."""

from __future__ import annotations

import dataclasses

import pytest

from wfm.schedule.tuning import TUNING, Tuning


def test_every_tuning_constant_is_documented():
    doc = Tuning.__doc__ or ""
    missing = [f.name for f in dataclasses.fields(Tuning) if f"    {f.name} :" not in doc]
    assert missing == []


def test_tuning_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        TUNING.dive_share = 0.5  # type: ignore[misc]


def test_polish_passes_start_with_single_days():
    # the sweeps re-insert single days; the pairs come after
    assert TUNING.polish_passes[0] == (1, 0)
    assert all(span >= 1 and 0 <= shift < span for span, shift in TUNING.polish_passes)
