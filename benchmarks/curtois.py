"""Curtois & Qu employee-scheduling benchmark instances → :class:`wfm.roster.RosterProblem`.

Format (T. Curtois and R. Qu, *Computational results on new staff scheduling benchmark
instances*, University of Nottingham, 2014): sections separated by blank lines, ``#``
comments; ``SECTION_HORIZON`` (days, from a Monday), ``SECTION_SHIFTS`` (id, length_min,
cannot-follow ids ``|``-separated), ``SECTION_STAFF`` (id, max shifts per type ``E=14|D=0``,
max total min, min total min, max consecutive shifts, min consecutive shifts, min
consecutive days off, max weekends), ``SECTION_DAYS_OFF`` (id, days…),
``SECTION_SHIFT_ON_REQUESTS`` / ``SECTION_SHIFT_OFF_REQUESTS`` (id, day, shift, weight),
``SECTION_COVER`` (day, shift, requirement, weight under, weight over).

The benchmark has no start times: rest comes from the explicit cannot-follow lists only
(``min_rest_h = 0``), every minute of a shift is paid, and no other soft term is used, so the
objective is exactly the benchmark's.
"""

from __future__ import annotations

from pathlib import Path

from wfm.roster import Contract, Cover, Request, RosterProblem, ShiftType, Staff


def _sections(text: str) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("SECTION_"):
            current = line
            out[current] = []
        elif current is not None:
            out[current].append([f.strip() for f in line.split(",")])
    return out


def parse_curtois(text: str) -> RosterProblem:
    """Read one instance's text into a roster problem."""
    sec = _sections(text)
    days = int(sec["SECTION_HORIZON"][0][0])
    shifts, cannot = [], set()
    for sid, length, *rest in sec["SECTION_SHIFTS"]:
        shifts.append(ShiftType(sid, 0, int(length), int(length)))
        for b in rest[0].split("|") if rest and rest[0] else []:
            if b:
                cannot.add((sid, b))
    off: dict[str, set[int]] = {}
    for sid, *ds in sec.get("SECTION_DAYS_OFF", []):
        off.setdefault(sid, set()).update(int(d) for d in ds if d)
    staff = []
    for row in sec["SECTION_STAFF"]:
        sid, max_shifts, max_t, min_t, max_c, min_c, min_off, max_we = row
        caps = {}
        for item in max_shifts.split("|"):
            if item:
                k, v = item.split("=")
                caps[k] = int(v)
        contract = Contract(
            min_total_min=int(min_t),
            max_total_min=int(max_t),
            max_shifts=caps,
            max_consecutive_days=int(max_c),
            min_consecutive_days=int(min_c),
            min_consecutive_days_off=int(min_off),
            max_weekends=int(max_we),
        )
        staff.append(Staff(sid, contract, days_off=frozenset(off.get(sid, set()))))
    requests = []
    for name, on in (("SECTION_SHIFT_ON_REQUESTS", True), ("SECTION_SHIFT_OFF_REQUESTS", False)):
        for sid, d, t, wgt in sec.get(name, []):
            requests.append(Request(sid, int(d), t, int(wgt), on))
    cover = tuple(
        Cover(int(d), t, int(req), int(wu), int(wo)) for d, t, req, wu, wo in sec["SECTION_COVER"]
    )
    return RosterProblem(
        days=days,
        shifts=tuple(shifts),
        staff=tuple(staff),
        cover=cover,
        requests=tuple(requests),
        cannot_follow=frozenset(cannot),
        min_rest_h=0.0,
        first_weekday=0,
    )


def read_curtois(path: str | Path) -> RosterProblem:
    """Read an instance file."""
    return parse_curtois(Path(path).read_text(encoding="utf-8"))
