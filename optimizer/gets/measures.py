"""The partner's export controls and their status on a date.

The status history (`partner_measure_status.csv`) is a list of dated rows per measure: in force from
its effective date, suspended from a date to a date by an instrument, in force again when the
suspension lapses. The status on day d is the last row whose interval [start, end) contains d. A
suspension whose start date the sources do not give makes the status before the data's as-of date
`unknown` (in force or suspended: the record cannot tell), never a guess.

A lapse matters at the table: a suspension that has lapsed by the date, or lapses within the
negotiation horizon (`horizon_days`), is flagged, with any extension the partner announced but did not
publish (such an announcement is not law, and the flag says so).

HS codes: a measure's `hs6_codes` are those printed in the announcement (sourced); where none were
recovered, `hs6_unsourced` lists candidates from `partner_measures_unsourced.csv` with their
confidence, labelled as unsourced wherever they are used.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from optimizer.errors import DecontrolError

STATUSES: tuple[str, ...] = ("in_force", "suspended", "not_yet", "unknown")
MEASURE_COLUMNS: list[str] = [
    "partner",
    "measure_id",
    "announcement",
    "item_group",
    "item",
    "published",
    "effective",
    "status",
    "status_since",
    "status_until",
    "instrument",
    "lapse_flag",
    "hs6_codes",
    "hs6_unsourced",
    "status_text",
    "status_as_of",
    "announcement_url",
    "source",
]
_EXTEND = re.compile(r"extend\w*\s+to\s+(\d{4}-\d{2}-\d{2})")


def parse_date(value: Any, what: str = "date") -> dt.date:
    """A YYYY-MM-DD date, or DecontrolError naming the field."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise DecontrolError(f"{what} {value!r} is not a date: expected YYYY-MM-DD") from None


def _day(text: Any) -> dt.date | None:
    s = str(text or "").strip()
    if not s or s == "nan":
        return None
    return dt.date.fromisoformat(s[:10])


@dataclass(frozen=True)
class Status:
    """The status of one measure on one day."""

    status: str
    since: dt.date | None
    until: dt.date | None
    instrument: str
    lapse_flag: str


def status_on(history: pd.DataFrame, day: dt.date, horizon_days: int = 90) -> Status:
    """The status of one measure (its `partner_measure_status` rows, in build order) on `day`."""
    rows = [
        (
            r["status"],
            _day(r["start"]),
            _day(r["end"]),
            str(r["instrument"] or ""),
            str(r["status_text"]),
            _day(r["as_of"]),
        )
        for r in history.to_dict(orient="records")
    ]
    if not rows:
        return Status("unknown", None, None, "", "no status recorded")
    as_of = rows[0][5]
    unknown_start = [r for r in rows if r[0] == "suspended" and r[1] is None]
    hit = None
    for r in rows:
        status, start, end = r[0], r[1], r[2]
        if ((start is None and status == "suspended") or (start is not None and start <= day)) and (
            end is None or day < end
        ):
            hit = r
    first = min((r[1] for r in rows if r[1] is not None), default=None)
    if hit is None and first is not None and day < first:
        return Status("not_yet", None, first, "", "")
    if unknown_start and as_of is not None and day < as_of and hit is not None and hit[0] == "suspended":
        end = unknown_start[0][2]
        return Status(
            "unknown",
            None,
            end,
            unknown_start[0][3],
            f"suspended by {unknown_start[0][3] or 'an instrument'} from a date the sources do not give "
            f"(by {as_of.isoformat()} at the latest)",
        )
    if hit is None:
        return Status("unknown", None, None, "", "")
    status, start, end, instrument, text, _ = hit
    flag = ""
    if status == "suspended" and end is not None and (end - day).days <= horizon_days:
        flag = f"suspension lapses on {end.isoformat()}, within the {horizon_days}-day horizon"
    if status == "in_force" and instrument.endswith("lapses") and start is not None:
        flag = f"suspension lapsed on {start.isoformat()}: back in force"
    if flag:
        m = _EXTEND.search(text)
        if m:
            flag += f" (an extension to {m.group(1)} was announced but not published as of {as_of})"
        if as_of is not None and day > as_of:
            flag += f"; the record runs to {as_of.isoformat()}: check for later announcements"
    return Status(status, start, end, instrument, flag)


def measures_on(ds: Any, partner: str, day: Any = None, horizon_days: int = 90) -> pd.DataFrame:
    """MEASURE_COLUMNS for every measure of `partner` on `day` (default: today)."""
    when = parse_date(day, "--date") if day is not None else dt.date.today()
    if isinstance(horizon_days, bool) or not isinstance(horizon_days, int) or horizon_days < 0:
        raise DecontrolError(f"the horizon must be a whole number of days >= 0, got {horizon_days!r}")
    m = ds.partner_measures
    if not len(m) or not (m["partner"] == partner).any():
        have = sorted(set(m["partner"])) if len(m) else []
        raise DecontrolError(
            f"no export-control measures of {partner} in the data"
            + (f" (measures are recorded for {', '.join(have)})" if have else "")
        )
    m = m[m["partner"] == partner]
    hist = ds.partner_measure_status
    unsourced = ds.partner_measures_unsourced
    rows = []
    for r in m.to_dict(orient="records"):
        h = hist[(hist["partner"] == partner) & (hist["measure_id"] == r["measure_id"])]
        s = status_on(h, when, horizon_days)
        cand = (
            unsourced[(unsourced["partner"] == partner) & (unsourced["measure_id"] == r["measure_id"])]
            if len(unsourced)
            else unsourced
        )
        extra = (
            "; ".join(f"{c} ({conf}, unsourced)" for c, conf in zip(cand["hs6_candidates"], cand["confidence"]))
            if not str(r.get("hs6_codes") or "").strip() and len(cand)
            else ""
        )
        rows.append(
            {
                "partner": partner,
                "measure_id": r["measure_id"],
                "announcement": r["announcement"],
                "item_group": r["item_group"],
                "item": r["item"],
                "published": r["published"],
                "effective": r["effective"],
                "status": s.status,
                "status_since": s.since.isoformat() if s.since else "",
                "status_until": s.until.isoformat() if s.until else "",
                "instrument": s.instrument,
                "lapse_flag": s.lapse_flag,
                "hs6_codes": r.get("hs6_codes") or "",
                "hs6_unsourced": extra,
                "status_text": h["status_text"].iloc[0] if len(h) else "",
                "status_as_of": h["as_of"].iloc[0] if len(h) else "",
                "announcement_url": r.get("announcement_url") or "",
                "source": r.get("source") or "",
            }
        )
    out = pd.DataFrame(rows, columns=MEASURE_COLUMNS)
    out.attrs.update(partner=partner, date=when.isoformat(), horizon_days=horizon_days)
    return out


__all__ = ["MEASURE_COLUMNS", "STATUSES", "Status", "measures_on", "parse_date", "status_on"]
