"""Malformed scenarios: ``wfm validate`` and ``wfm plan`` refuse each one with exit 2.

Every case starts from the small valid scenario ``BASE`` below, replaces (or removes) one
key, runs the CLI and checks that the exit code is 2 (never 1, an internal error), that the
message names the scenario file, the key path and what was expected, and that nothing was
written. A representative subset also goes through ``wfm plan`` with a tiny history, which
must stop before its first stage with the same message.
"""

# ruff: noqa: E501 — the scenario text and its edits are TOML lines, kept whole

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from wfm.cli import main

BASE = """\
name = "base"
interval_min = 30
horizon_days = 7
start_date = "2026-03-02"
currency = "EUR"
seed = 3

[channels.voice]
queue_model = "realtime"

[channels.chat]
queue_model = "concurrent"
max_concurrency = 2

[channels.email]
queue_model = "deferred"
deadline_h = 24

[segments.open]
channels = ["voice", "chat", "email"]
targets.voice = { sl_target_rate = 0.8, sl_threshold_s = 20 }
ai.chat = { ai_first_rate = 0.5, containment_rate = 0.3 }

[segments.premium]
channels = ["voice"]
must_reach_human = true

[ai_capacity.chat]
max_sessions = 20

[skills.voice_all]
channel = "voice"
segments = ["open", "premium"]

[regions.france]
onshore = true

[regions.maghreb]
onshore = false

[overflow]
pairs = [["france", "maghreb"]]
max_overflow_rate = 0.2

[sites.lyon]
region = "france"
tz = "Europe/Paris"
country = "FR"
cost_per_h = 30.0
hours = { mon = "08:00-20:00", tue = "08:00-20:00", wed = "08:00-20:00", thu = "08:00-20:00", fri = "08:00-20:00", sat = "09:00-17:00" }
pools.all = { skills = ["voice_all", "chat_open", "email_open"], headcount = 40 }

[sites.tunis]
region = "maghreb"
tz = "Africa/Tunis"
country = "TN"
cost_per_h = 14.0
outsourced = true
hours = { mon = "07:00-21:00", tue = "07:00-21:00", wed = "07:00-21:00", thu = "07:00-21:00", fri = "07:00-21:00" }
pools.digital = { skills = ["chat_open", "email_open"], headcount = 20 }

[shrinkage]
default_rate = 0.3

[shifts]
start_step_min = 30
lengths_min = [240, 480]
earliest_start_local = "07:00"
latest_end_local = "21:00"
breaks = [{ length_min = 30, earliest_after_min = 150, latest_after_min = 300, min_shift_length_min = 360 }]

[split]
repeat_delay_profile_rate = [0.5, 0.3, 0.2]

[forecast]
history_weeks = 4
min_history_weeks = 1

[solver]
time_limit_s = 5
num_workers = 1

[simulation]
replications = 2

[sample]
default_daily_contacts = 100
"""

LYON_HOURS = (
    'hours = { mon = "08:00-20:00", tue = "08:00-20:00", wed = "08:00-20:00", '
    'thu = "08:00-20:00", fri = "08:00-20:00", sat = "09:00-17:00" }'
)
TUNIS_HOURS = (
    'hours = { mon = "07:00-21:00", tue = "07:00-21:00", wed = "07:00-21:00", '
    'thu = "07:00-21:00", fri = "07:00-21:00" }'
)
BREAKS = (
    "breaks = [{ length_min = 30, earliest_after_min = 150, latest_after_min = 300, "
    "min_shift_length_min = 360 }]"
)


@dataclass(frozen=True)
class Case:
    """One malformed scenario: text edits of ``BASE`` and what the message must say."""

    name: str
    edits: tuple[tuple[str, str], ...]
    key: str  # key path the message names
    expected: str  # fragment saying what was expected
    plan: bool = False  # also run through ``wfm plan``

    def text(self) -> str:
        out = BASE
        for old, new in self.edits:
            assert out.count(old) == 1, f"{self.name}: {old!r} is not unique in BASE"
            out = out.replace(old, new)
        return out


def _case(name, old, new, key, expected, *, plan=False):
    return Case(name, ((old, new),), key, expected, plan)


CASES = [
    # -- dates and ranges ------------------------------------------------------------------
    _case(
        "start_date_feb_30", '"2026-03-02"', '"2026-02-30"', "start_date", "YYYY-MM-DD", plan=True
    ),
    _case("start_date_garbled", '"2026-03-02"', '"next monday"', "start_date", "YYYY-MM-DD"),
    _case("start_date_toml_date", '"2026-03-02"', "2026-03-02", "start_date", "string"),
    _case("seed_negative", "seed = 3", "seed = -1", "seed", "[0, 2147483648)", plan=True),
    _case("seed_too_large", "seed = 3", "seed = 2147483648", "seed", "[0, 2147483648)"),
    _case("seed_fraction", "seed = 3", "seed = 1.5", "seed", "whole number"),
    _case(
        "horizon_huge",
        "horizon_days = 7",
        "horizon_days = 100000",
        "horizon_days",
        "[1, 366]",
        plan=True,
    ),
    _case("horizon_zero", "horizon_days = 7", "horizon_days = 0", "horizon_days", "[1, 366]"),
    _case(
        "horizon_string", "horizon_days = 7", 'horizon_days = "7"', "horizon_days", "whole number"
    ),
    _case("interval_45", "interval_min = 30", "interval_min = 45", "interval_min", "15, 30, 60"),
    _case("currency_not_iso", 'currency = "EUR"', 'currency = "euro"', "currency", "ISO 4217"),
    # -- types, unknown keys, enums ----------------------------------------------------------
    _case(
        "unknown_top_key",
        "horizon_days = 7",
        "horizon_days = 7\nhorizon_day = 7",
        "horizon_day",
        "allowed keys",
    ),
    _case(
        "unknown_site_key",
        'tz = "Europe/Paris"',
        'timezone = "Europe/Paris"',
        "sites.lyon.timezone",
        "allowed keys",
    ),
    _case(
        "missing_site_tz", 'tz = "Africa/Tunis"\n', "", "sites.tunis", "missing required key 'tz'"
    ),
    _case(
        "channel_renamed",
        "[channels.email]\nqueue_model",
        "[channels.fax]\nqueue_model",
        "segments.open.channels",
        "known channels",
    ),
    Case(
        "ai_capacity_not_table",
        (
            ("[ai_capacity.chat]\nmax_sessions = 20\n", ""),
            ("seed = 3", 'seed = 3\nai_capacity = ["chat"]'),
        ),
        "ai_capacity",
        "expected a table",
    ),
    _case(
        "cost_string",
        "cost_per_h = 30.0",
        'cost_per_h = "thirty"',
        "sites.lyon.cost_per_h",
        "number",
    ),
    _case(
        "must_reach_human_string",
        "must_reach_human = true",
        'must_reach_human = "yes"',
        "segments.premium.must_reach_human",
        "true or false",
    ),
    _case(
        "bad_queue_model",
        'queue_model = "realtime"',
        'queue_model = "phone"',
        "channels.voice.queue_model",
        "'realtime'",
    ),
    _case(
        "bad_solver",
        "time_limit_s = 5",
        'time_limit_s = 5\nsolver = "gurobi"',
        "solver.solver",
        "'cbc'",
    ),
    _case(
        "bad_forecast_model",
        "history_weeks = 4",
        'history_weeks = 4\nmodels = ["prophet"]',
        "forecast.models[0]",
        "seasonal_naive",
    ),
    # -- rates and lengths -------------------------------------------------------------------
    _case(
        "shrinkage_above_one",
        "default_rate = 0.3",
        "default_rate = 1.5",
        "shrinkage.default_rate",
        "[0, 1)",
    ),
    _case(
        "sl_target_negative",
        "sl_target_rate = 0.8",
        "sl_target_rate = -0.1",
        "segments.open.targets.voice.sl_target_rate",
        "(0, 1]",
    ),
    _case(
        "containment_above_one",
        "containment_rate = 0.3",
        "containment_rate = 1.2",
        "segments.open.ai.chat.containment_rate",
        "[0, 1]",
    ),
    _case(
        "overflow_rate_two",
        "max_overflow_rate = 0.2",
        "max_overflow_rate = 2",
        "overflow.max_overflow_rate",
        "[0, 1]",
    ),
    _case(
        "length_negative",
        "lengths_min = [240, 480]",
        "lengths_min = [-240, 480]",
        "shifts.lengths_min[0]",
        "(0, ∞)",
    ),
    _case(
        "headcount_negative",
        "headcount = 40",
        "headcount = -1",
        "sites.lyon.pools.all.headcount",
        "[0, ∞)",
    ),
    _case(
        "headcount_fraction",
        "headcount = 40",
        "headcount = 40.5",
        "sites.lyon.pools.all.headcount",
        "whole number",
    ),
    _case(
        "max_days_eight",
        "start_step_min = 30",
        "start_step_min = 30\nmax_days_per_week = 8",
        "shifts.max_days_per_week",
        "(0, 7]",
    ),
    # -- opening hours and time zones ----------------------------------------------------------
    _case(
        "hours_garbled",
        'mon = "08:00-20:00", tue',
        'mon = "8am-8pm", tue',
        "sites.lyon.hours.mon",
        "HH:MM",
    ),
    _case(
        "hours_past_24",
        'mon = "08:00-20:00", tue',
        'mon = "08:00-25:00", tue',
        "sites.lyon.hours.mon",
        "HH:MM",
    ),
    _case(
        "hours_equal",
        'mon = "08:00-20:00", tue',
        'mon = "08:00-08:00", tue',
        "sites.lyon.hours.mon",
        "HH:MM-HH:MM",
    ),
    _case(
        "hours_overlap_next_day",
        'mon = "08:00-20:00", tue',
        'mon = "20:00-10:00", tue',
        "sites.lyon.hours.mon",
        "tue",
        plan=True,
    ),
    _case(
        "hours_unknown_weekday",
        'mon = "08:00-20:00", tue',
        'monday = "08:00-20:00", tue',
        "sites.lyon.hours",
        "weekday",
    ),
    _case("tz_unknown", 'tz = "Europe/Paris"', 'tz = "Europe/Pariss"', "sites.lyon.tz", "IANA"),
    _case(
        "source_tz_unknown", "seed = 3", 'seed = 3\nsource_tz = "Mars/Olympus"', "source_tz", "IANA"
    ),
    _case(
        "earliest_start_25h",
        'earliest_start_local = "07:00"',
        'earliest_start_local = "25:00"',
        "shifts.earliest_start_local",
        "HH:MM",
    ),
    # -- calendars ---------------------------------------------------------------------------
    _case(
        "country_unknown",
        'country = "FR"',
        'country = "XX"',
        "sites.lyon.country",
        "ISO 3166",
        plan=True,
    ),
    # -- regions, overflow, skills, pools -------------------------------------------------------
    _case(
        "region_unknown",
        'region = "maghreb"\ntz',
        'region = "magreb"\ntz',
        "sites.tunis.region",
        "known regions",
    ),
    _case(
        "overflow_unknown_region",
        'pairs = [["france", "maghreb"]]',
        'pairs = [["france", "spain"]]',
        "overflow.pairs[0]",
        "known regions",
    ),
    _case(
        "overflow_same_region",
        'pairs = [["france", "maghreb"]]',
        'pairs = [["france", "france"]]',
        "overflow.pairs[0]",
        "two different regions",
    ),
    _case(
        "overflow_pair_short",
        'pairs = [["france", "maghreb"]]',
        'pairs = [["france"]]',
        "overflow.pairs[0]",
        "2 items",
    ),
    _case(
        "skill_unknown_channel",
        'channel = "voice"',
        'channel = "video"',
        "skills.voice_all.channel",
        "known channels",
    ),
    _case(
        "skill_unknown_segment",
        'segments = ["open", "premium"]',
        'segments = ["open", "vip"]',
        "skills.voice_all.segments",
        "known segments",
    ),
    _case(
        "skill_channel_not_used_by_segment",
        '[skills.voice_all]\nchannel = "voice"\nsegments = ["open", "premium"]',
        '[skills.voice_all]\nchannel = "voice"\nsegments = ["open", "premium"]\n\n[skills.chat_vip]\nchannel = "chat"\nsegments = ["premium"]',
        "skills.chat_vip.segments",
        "segments.premium.channels",
    ),
    _case(
        "pool_skill_undefined",
        'skills = ["chat_open", "email_open"]',
        'skills = ["chat_open", "fax_open"]',
        "sites.tunis.pools.digital.skills",
        "known skills",
    ),
    _case(
        "segment_unknown_channel",
        'channels = ["voice"]\nmust',
        'channels = ["video"]\nmust',
        "segments.premium.channels",
        "known channels",
    ),
    _case(
        "ai_capacity_unknown_channel",
        "[ai_capacity.chat]",
        "[ai_capacity.fax]",
        "ai_capacity",
        "known channels",
    ),
    _case(
        "default_site_unknown",
        "seed = 3",
        'seed = 3\ndefault_site = "paris"',
        "default_site",
        "known sites",
    ),
    _case(
        "seed_contacts_unknown_site",
        "min_history_weeks = 1",
        'min_history_weeks = 1\nseed_contacts_per_day = { "voice/open/paris" = 50 }',
        "forecast.seed_contacts_per_day",
        "known sites",
        plan=True,
    ),
    _case(
        "seed_contacts_unknown_channel",
        "min_history_weeks = 1",
        'min_history_weeks = 1\nseed_contacts_per_day = { "fax/open" = 50 }',
        "forecast.seed_contacts_per_day",
        "known channels",
    ),
    _case(
        "min_agents_above_headcount",
        "start_step_min = 30",
        "start_step_min = 30\nmin_agents_on_queue = 30",
        "shifts.min_agents_on_queue",
        "headcount",
        plan=True,
    ),
    # -- shift templates against opening hours -----------------------------------------------
    _case(
        "shifts_longer_than_windows",
        "lengths_min = [240, 480]",
        "lengths_min = [900]",
        "shifts.lengths_min",
        "would fit",
        plan=True,
    ),
    _case(
        "saturday_too_short",
        'sat = "09:00-17:00"',
        'sat = "09:00-12:00"',
        "shifts.lengths_min",
        "would fit",
    ),
    _case(
        "site_never_opens", TUNIS_HOURS, "hours = {}", "sites.tunis.hours", "never opens", plan=True
    ),
    _case(
        "site_all_closed",
        TUNIS_HOURS,
        'hours = { mon = "closed", sat = "closed" }',
        "sites.tunis.hours",
        "never opens",
    ),
    _case(
        "break_longer_than_shift",
        BREAKS,
        "breaks = [{ length_min = 500, earliest_after_min = 0, latest_after_min = 60 }]",
        "shifts.breaks[0]",
        "fit",
        plan=True,
    ),
    _case(
        "break_window_after_shift_end",
        BREAKS,
        "breaks = [{ length_min = 30, earliest_after_min = 500, latest_after_min = 600, min_shift_length_min = 360 }]",
        "shifts.breaks[0]",
        "fit",
    ),
    _case(
        "break_latest_before_earliest",
        BREAKS,
        "breaks = [{ length_min = 30, earliest_after_min = 300, latest_after_min = 150 }]",
        "shifts.breaks[0].latest_after_min",
        "earliest_after_min",
    ),
    # -- stage settings checked at their start ---------------------------------------------------
    _case(
        "repeats_never_settle",
        "repeat_delay_profile_rate = [0.5, 0.3, 0.2]",
        "repeat_delay_profile_rate = [1.0]\n[segments.open.ai.voice]\nhuman_resolution_rate = 0.0",
        "split.repeat_delay_profile_rate",
        "sum to less than 1",
        plan=True,
    ),
    _case(
        "replications_zero",
        "replications = 2",
        "replications = 0",
        "simulation.replications",
        "(0, ∞)",
    ),
    # -- bounds past which a plan is absurd or never ends (each passed validate before) ------
    _case(  # a plan with a hundred million replications ran for ever
        "replications_huge",
        "replications = 2",
        "replications = 100000000",
        "simulation.replications",
        "at most 1,000",
        plan=True,
    ),
    _case(  # staffing crashed on a load of infinite Erlangs
        "escalation_factor_huge",
        "ai.chat = { ai_first_rate = 0.5, containment_rate = 0.3 }",
        "ai.chat = { ai_first_rate = 0.5, containment_rate = 0.3, escalation_aht_factor = 1e308 }",
        "segments.open.ai.chat.escalation_aht_factor",
        "at most 10",
        plan=True,
    ),
    _case(  # staffing crashed on a load of 659,209 Erlangs
        "concurrency_huge",
        "max_concurrency = 2",
        "max_concurrency = 1000000",
        "channels.chat.max_concurrency",
        "at most 100",
    ),
    _case(  # 77 million paid agents in an interval, refused later by the plan's own reader
        "shrinkage_near_one",
        "default_rate = 0.3",
        "default_rate = 0.999999",
        "shrinkage.default_rate",
        "at most 0.9",
        plan=True,
    ),
    _case(  # the schedule's LP ended ABNORMAL, naming no key
        "cost_huge",
        "cost_per_h = 30.0",
        "cost_per_h = 1e308",
        "sites.lyon.cost_per_h",
        "at most 1e+06",
    ),
    # -- not TOML at all -----------------------------------------------------------------------
    _case("toml_garbled", "horizon_days = 7", "horizon_days = ", "line 3", "not valid TOML"),
]


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def _write(folder: Path, text: str) -> Path:
    path = folder / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _assert_refused(result, case: Case) -> None:
    out = result.output
    assert result.exit_code == 2, f"{case.name}: exit {result.exit_code}: {out}"
    assert "internal error" not in out
    assert "scenario.toml" in out, out
    assert case.key in out, f"{case.name}: key {case.key!r} not named: {out}"
    assert case.expected in out, f"{case.name}: {case.expected!r} not said: {out}"


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    """Four weeks of synthetic history of ``BASE`` ending the day before its start date."""
    folder = tmp_path_factory.mktemp("history")
    scenario = _write(folder, BASE)
    out = folder / "history.csv"
    res = CliRunner().invoke(
        main, ["sample", str(scenario), "--weeks", "4", "--start", "2026-02-02", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    return out


def test_base_scenario_is_valid(tmp_path, history):
    scenario = _write(tmp_path, BASE)
    res = CliRunner().invoke(main, ["validate", str(scenario), "--history", str(history)])
    assert res.exit_code == 0, res.output
    assert "valid" in res.output


def test_cases_are_distinct():
    assert len(CASES) >= 35
    assert len({c.name for c in CASES}) == len(CASES)
    assert len({c.text() for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_validate_refuses(tmp_path, case):
    scenario = _write(tmp_path, case.text())
    before = _files(tmp_path)
    res = CliRunner().invoke(main, ["validate", str(scenario)])
    _assert_refused(res, case)
    assert _files(tmp_path) == before


@pytest.mark.parametrize("case", [c for c in CASES if c.plan], ids=lambda c: c.name)
def test_plan_refuses_before_first_stage(tmp_path, history, case):
    scenario = _write(tmp_path, case.text())
    before = _files(tmp_path)
    out = tmp_path / "plan"
    res = CliRunner().invoke(
        main,
        [
            "plan",
            str(scenario),
            "--history",
            str(history),
            "--out",
            str(out),
            "--stop-after",
            "forecast",
        ],
    )
    _assert_refused(res, case)
    assert "[1/1] forecast" not in res.output  # stopped before the first stage
    assert _files(tmp_path) == before


@pytest.mark.parametrize("case", [c for c in CASES if c.plan], ids=lambda c: c.name)
def test_validate_with_history_refuses(tmp_path, history, case):
    scenario = _write(tmp_path, case.text())
    res = CliRunner().invoke(main, ["validate", str(scenario), "--history", str(history)])
    _assert_refused(res, case)
