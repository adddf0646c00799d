"""Rebuild the licensing tables of `datasets/licensing/` from the raw eCFR extracts.

Run from anywhere:  .venv/bin/python datasets/build/build_licensing.py [--shared DIR] [--out DIR]

Reads `ear-country-chart/`, `ear-country-groups/` and `ear-meu-items/` of the raw sources (each with
a SOURCE.md naming the eCFR issue it was parsed from) and writes four tables the licensing model
(`optimizer/licensing/`) reads at run time:

- `licensing/country_chart.csv`: Commerce Country Chart (Supp. No. 1 to 15 CFR 738), one row per
  destination, one bool column per reason column (X = licence required), the footnotes and the
  Part 746 pointer text of the embargo rows (Cuba, Iran, North Korea, Syria);
- `licensing/country_groups.csv`: Country Groups (Supp. No. 1 to 15 CFR 740), one bool per group;
- `licensing/meu_items.csv`: the entries of Supp. No. 2 to Part 744 (military end-use rule, 744.21);
- `licensing/meu_destinations.csv`: the destinations 744.21 covers, with the item scope and policy.

Only reshaping happens here (ISO2 -> ISO3 through `countries.csv`, "X" -> bool); no value is
changed. Output is deterministic, so `datasets/MANIFEST.csv` checksums stay put on a rebuild.
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

CHART_AS_OF = "2026-07-23"
GROUPS_AS_OF = "2026-07-23"
MEU_AS_OF = "2026-09-24"
CHART_SOURCE = "15 CFR 738 Supp. 1 (Commerce Country Chart), eCFR 2026-07-23"
GROUPS_SOURCE = "15 CFR 740 Supp. 1 (Country Groups), eCFR 2026-07-23"
MEU_SOURCE = "15 CFR 744 Supp. 2 and 744.21, eCFR 2026-09-24"
#: ISO2 codes the raw tables use that `countries.csv` does not carry (Kosovo, a user-assigned code;
#: Western Sahara, ISO 3166 ESH).
EXTRA_ISO = {"XK": "XKX", "EH": "ESH"}


def iso_map(out: Path) -> dict[str, str]:
    countries = pd.read_csv(out / schema.COUNTRIES.filename, dtype=str, keep_default_na=False)
    m = {r.iso2: r.iso3 for r in countries.itertuples() if r.iso2}
    m.update(EXTRA_ISO)
    return m


def _iso3(iso2: str, isos: dict[str, str], where: str) -> str:
    code = isos.get(iso2.strip().upper())
    if not code:
        raise SystemExit(f"{where}: ISO2 code {iso2!r} is not in countries.csv")
    return code


def build_chart(shared: Path, isos: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    folder = shared / "ear-country-chart"
    raw = pd.read_csv(folder / "country_chart.csv", dtype=str, keep_default_na=False)
    out = pd.DataFrame(
        {
            "iso3": [_iso3(c, isos, "country_chart.csv") for c in raw["iso2"]],
            "iso2": raw["iso2"],
            "chart_name": raw["country_ear_name"],
            "row_type": raw["row_type"],
            "footnotes": raw["footnotes"],
        }
    )
    for col in schema.CHART_COLUMNS:
        out[col] = raw[col].str.strip().str.upper().eq("X")
    out["pointer_text"] = raw["pointer_text"]
    out["as_of"] = CHART_AS_OF
    out["source"] = CHART_SOURCE
    notes = pd.read_csv(folder / "chart_footnotes.csv", dtype=str, keep_default_na=False)
    foot = pd.DataFrame(
        {
            "footnote": notes["footnote"].astype(int),
            "text": notes["text"],
            "iso3": [
                ";".join(_iso3(c, isos, "chart_footnotes.csv") for c in cell.split(";") if c)
                for cell in notes["countries_iso2"]
            ],
            "as_of": CHART_AS_OF,
            "source": CHART_SOURCE,
        }
    )
    return out, foot.sort_values("footnote")


def build_groups(shared: Path, isos: dict[str, str]) -> pd.DataFrame:
    raw = pd.read_csv(shared / "ear-country-groups" / "country_groups.csv", dtype=str, keep_default_na=False)
    out = pd.DataFrame(
        {
            "iso3": [_iso3(c, isos, "country_groups.csv") for c in raw["iso2"]],
            "iso2": raw["iso2"],
            "name": raw["country_part740_name"],
        }
    )
    for col in schema.COUNTRY_GROUP_COLUMNS:
        out[col] = raw[col].str.strip().str.upper().eq("X")
    out["as_of"] = GROUPS_AS_OF
    out["source"] = GROUPS_SOURCE
    return out.sort_values("iso3").reset_index(drop=True)


def build_meu(shared: Path, isos: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    folder = shared / "ear-meu-items"
    raw = pd.read_csv(folder / "supp2_part744_meu_items.csv", dtype=str, keep_default_na=False)
    bad = [e for e in raw["eccn"] if not re.fullmatch(r"\d[A-E]\d{3}", e)]
    if bad:
        raise SystemExit(f"supp2_part744_meu_items.csv: not ECCNs: {bad[:5]}")
    items = pd.DataFrame(
        {
            "paragraph": raw["paragraph"],
            "eccn": raw["eccn"],
            "text": raw["text_as_printed"],
            "scope_flag": raw["scope_flag"],
            "as_of": MEU_AS_OF,
            "source": MEU_SOURCE,
        }
    )
    dest = pd.read_csv(folder / "meu_destinations.csv", dtype=str, keep_default_na=False)
    dests = pd.DataFrame(
        {
            "iso3": [_iso3(c, isos, "meu_destinations.csv") for c in dest["iso2"]],
            "name": dest["country"],
            "paragraph": dest["paragraph"],
            "item_scope": ["supp2" if "supplement no. 2" in s.lower() else "all" for s in dest["item_scope"]],
            "item_scope_text": dest["item_scope"],
            "review_policy": dest["licence_review_policy_744_21_e"],
            "as_of": MEU_AS_OF,
            "source": MEU_SOURCE,
        }
    )
    return items, dests.sort_values("iso3").reset_index(drop=True)


def build_all(shared: Path, out: Path) -> None:
    """Write the four licensing tables into `out/licensing/` (countries.csv must already be in `out`)."""
    if not shared.is_dir():
        raise SystemExit(f"raw sources not found: {shared} (pass --shared DIR)")
    isos = iso_map(out)
    chart, foot = build_chart(shared, isos)
    write_csv(chart, out / schema.COUNTRY_CHART.filename, schema.COUNTRY_CHART)
    write_csv(foot, out / schema.CHART_FOOTNOTES.filename, schema.CHART_FOOTNOTES)
    write_csv(build_groups(shared, isos), out / schema.COUNTRY_GROUPS.filename, schema.COUNTRY_GROUPS)
    items, dests = build_meu(shared, isos)
    write_csv(items, out / schema.MEU_ITEMS.filename, schema.MEU_ITEMS)
    write_csv(dests, out / schema.MEU_DESTINATIONS.filename, schema.MEU_DESTINATIONS)


def main(argv: list[str] | None = None) -> int:
    return build_main(__doc__ or "", build_all, DEFAULT_SHARED, DEFAULT_OUT, "wrote licensing tables to", argv)


if __name__ == "__main__":
    raise SystemExit(main())
