"""Rebuild the partner's own export controls (`datasets/partner_measures*.csv`) from the raw table.

Run from anywhere:  .venv/bin/python datasets/build/build_partner_measures.py [--shared DIR] [--out DIR]

Reads `china-export-controls/` of the raw sources (its SOURCE.md names the repositories, pages and
cross-checks) and writes three general tables, so another partner's controls can be added as data:

- `partner_measures.csv`: one row per controlled item group (partner, measure, dates, the
  partner's control code, the HS codes as published and their HS6, the source of the codes);
- `partner_measure_status.csv`: the status history (in force / suspended, from, to, by which
  instrument), parsed from the dated status text; an unknown start date stays blank;
- `partner_measures_unsourced.csv`: HS6 candidates for item groups whose published codes were not
  found, each with a confidence: never mixed into the sourced table.

Only reshaping happens here; the status text is kept verbatim next to what was parsed from it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

BUILD_DIR = Path(__file__).resolve().parent
REPO = BUILD_DIR.parent.parent
DEFAULT_SHARED = REPO.parent / "shared" / "data-sources"
DEFAULT_OUT = REPO / "datasets"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BUILD_DIR))
from tables import build_main, write_csv  # noqa: E402

from optimizer.data import schema  # noqa: E402

PARTNER = "CHN"
STATUS_AS_OF = "2026-09-29"
SOURCE = "MOFCOM/GAC announcements via shared/data-sources/china-export-controls (status to 2026-09-29)"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INSTRUMENT = re.compile(r"No\.\s*(\d+)\s+of\s+(\d{4})")


def _first_date(text: str) -> str:
    m = _DATE.search(text or "")
    return m.group(0) if m else ""


def status_rows(measure_id: str, effective: str, text: str, published_of: dict[str, str]) -> list[dict]:
    """The status history of one measure from its dated status text."""
    low = text.lower()
    if "suspended" not in low:
        return [
            {
                "partner": PARTNER,
                "measure_id": measure_id,
                "status": "in_force",
                "start": effective,
                "end": "",
                "instrument": "",
                "status_text": text,
                "as_of": STATUS_AS_OF,
                "source": SOURCE,
            }
        ]
    until = re.search(r"until\s+(\d{4}-\d{2}-\d{2})", text)
    inst = _INSTRUMENT.search(text)
    instrument = f"No. {inst.group(1)} of {inst.group(2)}" if inst else ""
    start = re.search(r"suspended\s+(\d{4}-\d{2}-\d{2})", text)
    begin = start.group(1) if start else published_of.get(f"{inst.group(2)}-{inst.group(1)}", "") if inst else ""
    end = until.group(1) if until else ""
    rows = (
        []
        if begin and effective and begin <= effective
        else [  # suspended before it took effect: never in force
            {
                "partner": PARTNER,
                "measure_id": measure_id,
                "status": "in_force",
                "start": effective,
                "end": begin,
                "instrument": "",
                "status_text": text,
                "as_of": STATUS_AS_OF,
                "source": SOURCE,
            }
        ]
    )
    rows += [
        {
            "partner": PARTNER,
            "measure_id": measure_id,
            "status": "suspended",
            "start": begin,
            "end": end,
            "instrument": instrument,
            "status_text": text,
            "as_of": STATUS_AS_OF,
            "source": SOURCE,
        }
    ]
    if end:  # the legal text ends the suspension: in force again from that day unless extended
        rows.append(
            {
                "partner": PARTNER,
                "measure_id": measure_id,
                "status": "in_force",
                "start": end,
                "end": "",
                "instrument": f"{instrument} lapses" if instrument else "suspension lapses",
                "status_text": text,
                "as_of": STATUS_AS_OF,
                "source": SOURCE,
            }
        )
    return rows


def build(shared: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    folder = shared / "china-export-controls"
    raw = pd.read_csv(folder / "china_export_controls.csv", dtype=str, keep_default_na=False)
    measures = pd.DataFrame(
        {
            "partner": PARTNER,
            "measure_id": raw["measure_id"],
            "announcement": raw["announcement"],
            "published": raw["published"].map(_first_date),
            "effective": raw["effective"].map(_first_date),
            "effective_text": raw["effective"],
            "item_group": raw["item_group"],
            "item": raw["item"],
            "control_code": raw["cn_control_code"],
            "hs_codes_as_published": raw["hs_codes_cn10_as_published"],
            "hs6_codes": raw["hs6"],
            "hs_source": raw["hs_source"],
            "hs_source_quality": raw["hs_source_quality"],
            "announcement_url": raw["announcement_url"],
            "source": raw["measure_sources"],
            "notes": raw["notes"],
        }
    )
    published_of = {m.split("#")[0]: p for m, p in zip(measures["measure_id"], measures["published"])}
    history = [
        r
        for m, e, t in zip(raw["measure_id"], measures["effective"], raw["status_as_of_2026_09_29"])
        for r in status_rows(m, e, t, published_of)
    ]
    unsourced_raw = pd.read_csv(folder / "from_knowledge.csv", dtype=str, keep_default_na=False)
    unsourced = pd.DataFrame(
        {
            "partner": PARTNER,
            "measure_id": unsourced_raw["measure_id"],
            "item": unsourced_raw["item"],
            "hs6_candidates": unsourced_raw["hs6_candidates"],
            "confidence": unsourced_raw["confidence"],
            "note": unsourced_raw["note"],
        }
    )
    return measures, pd.DataFrame(history), unsourced


def build_all(shared: Path, out: Path) -> None:
    if not shared.is_dir():
        raise SystemExit(f"raw sources not found: {shared} (pass --shared DIR)")
    measures, history, unsourced = build(shared)
    write_csv(measures, out / schema.PARTNER_MEASURES.filename, schema.PARTNER_MEASURES)
    write_csv(history, out / schema.PARTNER_MEASURE_STATUS.filename, schema.PARTNER_MEASURE_STATUS)
    write_csv(unsourced, out / schema.PARTNER_MEASURES_UNSOURCED.filename, schema.PARTNER_MEASURES_UNSOURCED)


def main(argv: list[str] | None = None) -> int:
    return build_main(__doc__ or "", build_all, DEFAULT_SHARED, DEFAULT_OUT, "wrote the partner measures to", argv)


if __name__ == "__main__":
    raise SystemExit(main())
