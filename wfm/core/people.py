"""Data contracts of people: agents, time off, preferences (inputs) and the roster (output).

Same style as :mod:`wfm.core.schemas` (``TableSchema`` + ``check_table``); kept apart so the
roster contracts grow without touching the planning contracts.

The tables (columns and rules in docs/roster.md):

- agents, key ``agent_id``: ``site``, ``pool``, ``min_h_per_week``, ``max_h_per_week``,
  ``max_days_per_week``, ``max_consecutive_days``, ``earliest_start_local`` and
  ``latest_end_local`` (``HH:MM``, ``24:00`` allowed; a latest end at or before the earliest
  start is a window across midnight), ``nights_allowed`` (true/false), optional ``seniority``;
- time_off, keys ``agent_id``, ``start``: ``end`` (ISO 8601 with offset; whole or part days);
- preferences, keys ``agent_id``, ``kind``, ``value``: ``weight`` (≥ 0); kinds
  ``start_window`` (``HH:MM-HH:MM``), ``day_off`` (``mon``…``sun`` or ``YYYY-MM-DD``),
  ``avoid_shift`` (a shift name of schedule.csv);
- roster (output), keys ``agent_id``, ``local_date``: ``site``, ``pool``, ``shift_start``,
  ``shift_end`` (UTC, ISO 8601 with offset), ``shift_start_local``, ``breaks``, ``paid_h``.
"""

from __future__ import annotations

from wfm.core.schemas import Column, TableSchema

PREFERENCE_KINDS = ("start_window", "day_off", "avoid_shift")

AGENTS = TableSchema(
    "agents",
    (
        Column("agent_id", "str", key=True),
        Column("site", "str"),
        Column("pool", "str"),
        Column("min_h_per_week", "float", min_value=0.0, max_value=168.0),
        Column("max_h_per_week", "float", min_value=0.0, max_value=168.0),
        Column("max_days_per_week", "int", min_value=0, max_value=7),
        Column("max_consecutive_days", "int", min_value=1),
        Column("earliest_start_local", "str"),
        Column("latest_end_local", "str"),
        Column("nights_allowed", "str"),
        Column("seniority", "float", required=False, nullable=True, min_value=0.0),
    ),
)

TIME_OFF = TableSchema(
    "time_off",
    (
        Column("agent_id", "str", key=True),
        Column("start", "time", key=True),
        Column("end", "time"),
    ),
)

PREFERENCES = TableSchema(
    "preferences",
    (
        Column("agent_id", "str", key=True),
        Column("kind", "str", key=True),
        Column("value", "str", key=True),
        Column("weight", "float", min_value=0.0, max_value=1000.0),
    ),
)

ROSTER = TableSchema(
    "roster",
    (
        Column("agent_id", "str", key=True),
        Column("local_date", "str", key=True),
        Column("site", "str"),
        Column("pool", "str"),
        Column("shift_start", "time"),
        Column("shift_end", "time"),
        Column("shift_start_local", "str"),
        Column("breaks", "str", nullable=True),
        Column("paid_h", "float", min_value=0.0),
    ),
)

UNASSIGNED = TableSchema(
    "unassigned",
    (
        Column("site", "str", key=True),
        Column("pool", "str", key=True),
        Column("local_date", "str", key=True),
        Column("shift", "str", key=True),
        Column("shift_start_local", "str"),
        Column("required", "int", min_value=0),
        Column("assigned", "int", min_value=0),
        Column("unassigned", "int", min_value=0),
        Column("reasons", "str", nullable=True),
    ),
)

AGENT_SUMMARY = TableSchema(
    "agent_summary",
    (
        Column("agent_id", "str", key=True),
        Column("site", "str"),
        Column("pool", "str"),
        Column("paid_h", "float", min_value=0.0),
        Column("days", "int", min_value=0),
        Column("weekends", "int", min_value=0),
        Column("nights", "int", min_value=0),
        Column("evenings", "int", min_value=0, required=False),
        Column("preferences_met", "int", min_value=0),
        Column("preferences", "int", min_value=0),
        Column("changed_days", "int", min_value=0, required=False),
    ),
)

PEOPLE_SCHEMAS = {
    s.name: s for s in (AGENTS, TIME_OFF, PREFERENCES, ROSTER, UNASSIGNED, AGENT_SUMMARY)
}
