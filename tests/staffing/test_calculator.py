"""Batch Erlang calculator over a table of cases."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wfm.core.errors import InputError
from wfm.staffing.calculator import erlang_cases

DATA = Path(__file__).resolve().parents[1] / "data" / "staffing"


def test_erlang_c_reference_cases_in_batch() -> None:
    ref = pd.read_csv(DATA / "erlang_c_cases.csv")
    cases = ref[["contacts", "interval_min", "aht_s", "sl_threshold_s", "sl_target_rate"]]
    out = erlang_cases(cases, "c")
    assert out.agents.tolist() == ref.agents_required.tolist()
    np.testing.assert_allclose(out.service_level_rate, ref.service_level_rate, rtol=1e-9)
    np.testing.assert_allclose(out.asa_s, ref.asa_s, rtol=1e-9)


def test_erlang_a_reverse_question_in_batch() -> None:
    ref = pd.read_csv(DATA / "erlang_a_cases.csv")
    cases = ref[["contacts", "interval_min", "aht_s", "sl_threshold_s", "agents", "patience_s"]]
    out = erlang_cases(cases, "a")
    assert out.agents.tolist() == ref.agents.tolist()
    np.testing.assert_allclose(out.abandon_probability, ref.abandon_probability, rtol=1e-9)
    np.testing.assert_allclose(out.service_level_rate, ref.service_level_rate, rtol=1e-9)


def test_mixed_rows_and_errors_name_the_line() -> None:
    cases = pd.DataFrame(
        {
            "contacts": [100.0, 100.0],
            "interval_min": [30.0, 30.0],
            "aht_s": [180.0, 180.0],
            "sl_threshold_s": [20.0, 20.0],
            "sl_target_rate": [0.8, np.nan],
            "agents": [np.nan, 9],
        }
    )
    out = erlang_cases(cases, "c")
    assert out.agents.tolist() == [14, 9]
    assert np.isinf(out.asa_s[1])  # 9 agents for 10 Erlang: the queue grows without bound
    bad = cases.assign(sl_target_rate=[0.8, np.nan], agents=[np.nan, np.nan])
    with pytest.raises(InputError, match="line 3"):
        erlang_cases(bad, "c", source="cases.csv")
    with pytest.raises(InputError, match="patience_s"):
        erlang_cases(cases, "a")


@pytest.mark.parametrize("model", ["c", "a"])
def test_a_load_beyond_the_kernels_range_is_refused_not_searched_for_ever(model):
    """--aht-s 1e22 failed with an internal error and 1e25 never ended."""
    cases = pd.DataFrame(
        {
            "contacts": [100.0, 100.0],
            "interval_min": [30.0] * 2,
            "aht_s": [180.0, 1e25],
            "sl_threshold_s": [20.0] * 2,
            "sl_target_rate": [0.8] * 2,
            "patience_s": [60.0] * 2,
        }
    )
    with pytest.raises(InputError) as err:
        erlang_cases(cases, model, source="cases.csv")
    assert (err.value.line, err.value.key) == (3, "aht_s")
    assert "above 100,000 Erlangs" in str(err.value)
