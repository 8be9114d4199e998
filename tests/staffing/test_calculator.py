"""Batch Erlang calculator over a table of cases."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wfm.core.errors import InputError
from wfm.staffing.calculator import erlang_cases, with_paid_agents
from wfm.staffing.erlang_cases import OPTIONS

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
    if model == "c":  # Erlang C refuses the abandonment columns
        cases = cases.drop(columns="patience_s")
    with pytest.raises(InputError) as err:
        erlang_cases(cases, model, source="cases.csv")
    assert (err.value.line, err.value.key) == (3, "aht_s")
    assert "above 100,000 Erlangs" in str(err.value)


def _c1(**columns) -> pd.DataFrame:
    """Two rows of 10 Erlang (100 contacts × 180 s / 1800 s), columns added or replaced."""
    base = {"contacts": [100.0] * 2, "interval_min": [30.0] * 2, "aht_s": [180.0] * 2}
    return pd.DataFrame({**base, "sl_threshold_s": [20.0] * 2, **columns})


@pytest.mark.parametrize("target", ["sl_target_rate", "asa_target_s", "max_occupancy_rate"])
def test_a_row_with_agents_and_a_target_is_refused(target: str) -> None:
    cases = _c1(sl_target_rate=[0.8, np.nan], agents=[np.nan, 12.0])
    cases[target] = [cases.get(target, pd.Series([0.5, 0.5]))[0], 0.5]
    with pytest.raises(InputError) as err:
        erlang_cases(cases, "c", source="cases.csv")
    assert (err.value.line, err.value.key) == (3, target)
    assert "not both" in str(err.value)


def test_erlang_a_columns_are_refused_by_erlang_c() -> None:
    cases = _c1(sl_target_rate=[0.8, 0.8], patience_s=["", "60"])
    with pytest.raises(InputError) as err:
        erlang_cases(cases, "c", source="cases.csv")
    assert (err.value.line, err.value.key) == (3, "patience_s")
    assert "wfm erlang a" in str(err.value)
    out = erlang_cases(_c1(sl_target_rate=[0.8, 0.8], patience_s=["", ""]), "c")  # empty: fine
    assert out.agents.tolist() == [14, 14]


def test_bounds_of_agents_and_occupancy() -> None:
    with pytest.raises(InputError) as err:
        erlang_cases(_c1(agents=[12.0, 1e11]), "c", source="cases.csv")
    assert (err.value.line, err.value.key) == (3, "agents")
    cases = _c1(sl_target_rate=[0.8, 0.8], max_occupancy_rate=[0.5, 1e-9])
    with pytest.raises(InputError) as err:
        erlang_cases(cases, "c", source="cases.csv")
    assert (err.value.line, err.value.key) == (3, "max_occupancy_rate")
    # 10 Erlang at 50 % occupancy at most: 20 agents; at 10 %: 100
    out = erlang_cases(cases.assign(max_occupancy_rate=[0.5, 0.1]), "c")
    assert out.agents.tolist() == [20, 100]


@pytest.mark.parametrize("model", ["c", "a"])
def test_least_agents_above_max_agents_are_refused(model: str) -> None:
    # row 2: 400,000 × 90 s / 1800 s = 20,000 Erlang at 10 % occupancy: 200,000 agents
    cases = _c1(sl_target_rate=[0.8, 0.8], max_occupancy_rate=[0.1, 0.1], patience_s=[60.0] * 2)
    cases = cases.assign(contacts=[100.0, 400_000.0], aht_s=[180.0, 90.0])
    if model == "c":
        cases = cases.drop(columns="patience_s")
    with pytest.raises(InputError) as err:
        erlang_cases(cases, model, source="cases.csv")
    assert err.value.line == 3
    assert "200,000 agents on queue needed for an offered load of 20,000.0 Erlangs" in str(
        err.value
    )
    assert "max_occupancy_rate 0.1" in str(err.value)


def test_paid_agents_above_max_agents_and_shrinkage_above_its_bound_are_refused() -> None:
    solved = erlang_cases(_c1(agents=[14.0, 20_000.0]), "c")
    with pytest.raises(InputError) as err:
        with_paid_agents(solved.assign(shrinkage_rate=[0.5, 0.9]), source="cases.csv")
    assert (err.value.line, err.value.key) == (3, "shrinkage_rate")
    assert "200,000 agents paid" in str(err.value)
    with pytest.raises(InputError) as err:
        with_paid_agents(solved.assign(shrinkage_rate=[0.5, 0.99999999999]), source="cases.csv")
    assert (err.value.line, err.value.key) == (3, "shrinkage_rate")
    hours = solved.assign(open_h_per_week=[168.0] * 2, fte_h_per_week=[35.0, 1e-300])
    with pytest.raises(InputError) as err:
        with_paid_agents(hours, source="cases.csv")
    assert (err.value.line, err.value.key) == (3, "fte_h_per_week")
    paid = with_paid_agents(solved.assign(shrinkage_rate=[0.5, 0.0]))
    assert paid.agents_paid.tolist() == [28, 20_000]


def test_errors_of_one_case_from_options_name_the_options() -> None:
    case = pd.DataFrame(
        {"contacts": [1e9], "interval_min": [30.0], "aht_s": [180.0], "sl_threshold_s": [20.0]}
    ).assign(sl_target_rate=0.8)
    with pytest.raises(InputError) as err:
        erlang_cases(case, "c", source=OPTIONS)
    assert err.value.line is None and err.value.source is None
    assert str(err.value) == (
        "offered load --contacts × --aht-s / (--interval-min × 60 s) = 100,000,000 Erlangs is "
        "above 100,000 Erlangs, the most the calculator solves; expected fewer contacts, a "
        "shorter AHT or a longer interval"
    )
    with pytest.raises(InputError) as err:
        erlang_cases(case.assign(contacts=100.0, asa_target_s=-1.0), "c", source=OPTIONS)
    assert err.value.key == "--asa-target-s" and err.value.line is None
