"""Build the analyst-made ECCN -> HS6 concordance from its reviewable source.

Why: no public ECCN<->HS concordance is reachable, so the mapping is an analyst judgement kept as
data in `datasets/build/concordance_source.csv` (one or more rows per ECCN) and expanded and
checked here into `datasets/concordance.csv` and `datasets/concordance_unmapped.csv`.

Source format (`concordance_source.csv`, columns eccn, hs6, confidence, controlled_share, rationale):
  * `hs6` is a space-separated list of tokens `CODE` or `CODE:SHARE`; a 4-digit CODE expands to
    every HS 2022 subheading of that heading. An empty `hs6` marks the ECCN as unmapped and the
    rationale says why (ITAR placeholder, reserved, pointer to another entry, ...).
  * `controlled_share` is the share of the HS code's trade the entry covers: the token's SHARE,
    else the row's column, else the default of the row's confidence (DEFAULT_SHARE). HS codes are
    broader than control parameters, so most shares are well below the defaults.
  * `<ECCN>-rest` sub-items split an entry whose WMD reason (or, for CHOKEPOINT_SPLITS, whose
    advanced-computing reason) covers only some paragraphs: the
    `<ECCN>` rows then cover only the WMD paragraphs and `-rest` the remainder, so that the
    remainder can be judged on its own.
Checks (any failure stops the build with the list of problems): every ECCN exists in the CCL and
every sub-item's entry has a partial WMD scope; every HS code is a valid HS 2022 subheading;
confidence is high/medium/low; shares are in (0, 1]; no duplicate (eccn, hs6); every A/B/C entry
of the CCL is either mapped or listed as unmapped with a reason; and the shares of all entries on
one HS code add up to at most 1 (they describe disjoint slices of its trade).

Run:  .venv/bin/python datasets/build/build_concordance.py
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data-sources"
DATASETS = REPO / "datasets"
SOURCE = Path(__file__).with_name("concordance_source.csv")
#: Entries split like a partial-WMD entry although their partial control is a chokepoint reason:
#: 5A992's `.z` paragraphs (mass-market items that meet the 3A090/4A090 parameters) carry the
#: advanced-computing RS rule, the rest is ordinary mass-market encryption (AT only), judged apart.
CHOKEPOINT_SPLITS: dict[str, str] = {"5A992": "advanced-computing .z paragraphs (RS_AC, 742.6(a)(6))"}

#: Default controlled share by confidence, used when a row gives none (see module docstring).
DEFAULT_SHARE: dict[str, float] = {"high": 0.5, "medium": 0.2, "low": 0.05}
ECCN_RE = re.compile(r"^\d[A-E]\d{3}(-rest)?$")
TOKEN_RE = re.compile(r"^(\d{4}|\d{6})(?::([0-9.]+))?$")
SHARE_TOLERANCE = 1e-9


class ConcordanceError(ValueError):
    """The source does not pass the checks; `problems` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            f"{len(problems)} problem(s) in {SOURCE.name}:\n  - "
            + "\n  - ".join(problems[:40])
            + (f"\n  ... and {len(problems) - 40} more" if len(problems) > 40 else "")
        )
        self.problems = problems


@dataclass(frozen=True)
class Reference:
    """What the source is checked against: HS 2022 codes and the CCL."""

    hs6: frozenset[str]
    eccns: frozenset[str]
    goods_eccns: tuple[str, ...]  # groups A, B, C: must be mapped or explained
    partial_wmd: frozenset[str]  # entries whose WMD reason covers only some paragraphs


def load_reference() -> Reference:
    """HS 2022 codes and CCL entries: the committed datasets/ files, else the raw public sources."""
    if (DATASETS / "hs6.csv").exists():
        codes = pd.read_csv(DATASETS / "hs6.csv", dtype={"hs6": str})["hs6"]
    else:
        atlas = pd.read_csv(SHARED / "hs-classification-atlas" / "hs22.csv", dtype={"code": str})
        codes = atlas.loc[atlas["product_level"] == 6, "code"]
    hs6 = frozenset(c for c in codes if re.fullmatch(r"\d{6}", c))

    if (DATASETS / "ccl.csv").exists():
        ccl = pd.read_csv(DATASETS / "ccl.csv", dtype=str)
        eccns = set(ccl["eccn"])
        partial = set(ccl.loc[ccl["wmd_scope"] == "partial", "eccn"])
    else:
        summary = pd.read_csv(SHARED / "ccl-eccn-agent-2025" / "eccn_summary.csv", dtype=str)
        with open(SHARED / "ccl-ecfr-2026sanbo" / "ecfr_supp1.json", encoding="utf-8") as fh:
            newer = {d["code"].removeprefix("ECCN-") for d in json.load(fh)}
        eccns = set(summary["eccn"]) | newer
        partial = {
            e
            for e, rows in zip(summary["eccn"], summary["control_rows_json"])
            if _wmd_scope(json.loads(rows) if isinstance(rows, str) else []) == "partial"
        }
    goods = tuple(sorted(e for e in eccns if e[1] in "ABC"))
    return Reference(hs6, frozenset(eccns), goods, frozenset(partial))


def _wmd_scope(control_rows: list[list[str]]) -> str:
    """'entire', 'partial' or 'none' from the License Requirements rows of an entry."""
    wmd = [text for text, _chart in control_rows if re.match(r"\s*(NP|MT|CB|CW)\b", text)]
    if not wmd:
        return "none"
    whole = any(re.search(r"applies to (the )?entire entry\s*$", t.strip()) for t in wmd)
    return "entire" if whole else "partial"


def read_source(path: Path = SOURCE) -> pd.DataFrame:
    """The source rows as strings, blanks as empty strings."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def expand(source: pd.DataFrame, ref: Reference) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Expand and check the source; return (concordance, unmapped) or raise ConcordanceError."""
    problems: list[str] = []
    rows: list[dict] = []
    unmapped: list[dict] = []
    for i, r in source.iterrows():
        where = f"row {i + 2} ({r['eccn'] or '?'})"
        eccn, rationale = r["eccn"].strip(), r["rationale"].strip()
        if not ECCN_RE.match(eccn):
            problems.append(f"{where}: '{eccn}' is not an ECCN or <ECCN>-rest sub-item id")
            continue
        base = eccn.removesuffix("-rest")
        if base not in ref.eccns:
            problems.append(f"{where}: {base} is not on the Commerce Control List")
        if eccn.endswith("-rest") and base not in ref.partial_wmd and base not in CHOKEPOINT_SPLITS:
            problems.append(
                f"{where}: sub-item {eccn} needs a WMD reason covering only part of {base} (wmd_scope 'partial')"
            )
        if not rationale:
            problems.append(f"{where}: rationale is empty")
        if not r["hs6"].strip():
            unmapped.append({"eccn": eccn, "why": rationale})
            continue
        confidence = r["confidence"].strip()
        if confidence not in DEFAULT_SHARE:
            problems.append(f"{where}: confidence '{confidence}' is not high, medium or low")
            continue
        row_share = float(r["controlled_share"]) if r["controlled_share"].strip() else None
        for token in r["hs6"].split():
            m = TOKEN_RE.match(token)
            if not m:
                problems.append(f"{where}: hs6 token '{token}' is not CODE or CODE:SHARE")
                continue
            code, share_txt = m.groups()
            share = (
                float(share_txt) if share_txt else (row_share if row_share is not None else DEFAULT_SHARE[confidence])
            )
            if not 0.0 < share <= 1.0:
                problems.append(f"{where}: controlled share {share} of {code} is not in (0, 1]")
            codes = (
                sorted(c for c in ref.hs6 if c.startswith(code))
                if len(code) == 4
                else ([code] if code in ref.hs6 else [])
            )
            if not codes:
                problems.append(f"{where}: {code} is not an HS 2022 {'heading' if len(code) == 4 else 'subheading'}")
            rows.extend(
                {"eccn": eccn, "hs6": c, "confidence": confidence, "rationale": rationale, "controlled_share": share}
                for c in codes
            )

    conc = pd.DataFrame(rows, columns=["eccn", "hs6", "confidence", "rationale", "controlled_share"])
    miss = pd.DataFrame(unmapped, columns=["eccn", "why"])
    dup = conc[conc.duplicated(["eccn", "hs6"], keep=False)]
    problems += [
        f"duplicate mapping {e} -> {h}" for e, h in dup[["eccn", "hs6"]].drop_duplicates().itertuples(index=False)
    ]
    both = sorted(set(conc["eccn"]) & set(miss["eccn"]))
    problems += [f"{e} is both mapped and listed as unmapped" for e in both]
    covered = {e.removesuffix("-rest") for e in conc["eccn"]} | set(miss["eccn"])
    problems += [
        f"{e} (group {e[1]}) is neither mapped nor listed as unmapped with a reason"
        for e in ref.goods_eccns
        if e not in covered
    ]
    total = conc.groupby("hs6")["controlled_share"].sum()
    for code, s in total[total > 1.0 + SHARE_TOLERANCE].items():
        who = conc.loc[conc["hs6"] == code, ["eccn", "controlled_share"]]
        problems.append(
            f"HS {code}: controlled shares add up to {s:.3f} > 1 ("
            + ", ".join(f"{e} {v:g}" for e, v in who.itertuples(index=False))
            + ")"
        )
    if problems:
        raise ConcordanceError(problems)
    conc = conc.sort_values(["eccn", "hs6"], ignore_index=True)
    miss = miss.sort_values("eccn", ignore_index=True)
    return conc, miss


def coverage(conc: pd.DataFrame, unmapped: pd.DataFrame, ref: Reference) -> dict[str, float]:
    """How many A/B/C entries are mapped, unmapped with a reason, or missing."""
    mapped = {e.removesuffix("-rest") for e in conc["eccn"]} & set(ref.goods_eccns)
    explained = set(unmapped["eccn"]) & set(ref.goods_eccns)
    n = len(ref.goods_eccns)
    return {
        "goods_entries": n,
        "mapped": len(mapped),
        "unmapped_with_reason": len(explained),
        "mapped_share": len(mapped) / n if n else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=DATASETS)
    args = parser.parse_args(argv)
    ref = load_reference()
    try:
        conc, miss = expand(read_source(), ref)
    except ConcordanceError as exc:
        print(exc)
        return 1
    args.out_dir.mkdir(parents=True, exist_ok=True)
    conc.to_csv(args.out_dir / "concordance.csv", index=False, float_format="%.6g", lineterminator="\n")
    miss.to_csv(args.out_dir / "concordance_unmapped.csv", index=False, lineterminator="\n")
    cov = coverage(conc, miss, ref)
    print(
        f"wrote {len(conc)} concordance rows ({conc['eccn'].nunique()} items, "
        f"{conc['hs6'].nunique()} HS codes) and {len(miss)} unmapped entries; "
        f"A/B/C coverage {cov['mapped']}/{cov['goods_entries']} = {cov['mapped_share']:.1%}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
