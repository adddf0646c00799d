"""One briefing slide for an enforcement-cooperation discussion: the top-ranked diversion pairs.

The slide shows the same facts to both audiences except the analyst-made ECCN mapping (internal
only); it carries the handling marking at the top and bottom, the data label (SYNTHETIC in red when
the mirror table is synthetic, with the "not evidence" warning), the control date, the weights and
the method's limits in one line. It reuses the deck's drawing helpers so it looks like the briefing.
"""

from __future__ import annotations

from pathlib import Path

from pptx import Presentation
from pptx.util import Inches

from optimizer.audience import check_audience
from optimizer.briefing.content import ALLY_MARKING, DEFAULT_MARKING
from optimizer.briefing.deck import GREY, RED, SLIDE_H, SLIDE_W, _blank, _heading, _mark, _source, _table, _text
from optimizer.diversion.report import DiversionReport
from optimizer.errors import DecontrolError
from optimizer.formatting import fmt_usd

ROWS = 10
LIMITS = (
    "Limits: annual data lag 1-2 years; HS6 codes are broader than the controlled items; mirror gaps also "
    "come from CIF/FOB valuation, timing and confidential trade. A score is a lead for enforcement "
    "follow-up, not a finding."
)


def _pct(v: float) -> str:
    return "–" if v != v else f"{v:+.0f}%"


def _ratio(v: float) -> str:
    return "–" if v != v else f"{v:.2f}"


def build_slide(rep: DiversionReport, audience: str = "internal", marking: str = "") -> Presentation:
    """A one-slide 16:9 presentation of `rep`'s top rows for `audience` (internal or ally)."""
    check_audience(audience)
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    slide = _blank(prs)
    _heading(
        slide,
        f"Where controlled goods may be diverted to {rep.target}",
        f"Top {ROWS} hub and HS6 pairs by combined signal; control {rep.since.isoformat()}; "
        f"before {rep.periods.pre[0]}-{rep.periods.pre[-1]}, after {rep.periods.post[0]}-{rep.periods.post[-1]}",
    )
    if rep.synthetic:
        _text(
            slide,
            Inches(0.5),
            Inches(1.5),
            Inches(12.3),
            Inches(0.4),
            "SYNTHETIC DATA with planted test patterns: no row is evidence about any country.",
            size=13,
            bold=True,
            color=RED,
        )
    header = [
        "#",
        "Hub",
        "HS6",
        "CHPL",
        "Score",
        "Excess growth",
        "Re-export ratio",
        "Coalition to hub / yr",
        "Hub to target / yr",
    ]
    widths = [0.4, 0.7, 0.9, 0.7, 0.7, 1.1, 1.3, 1.5, 1.5]
    if audience == "internal":
        header.append("ECCNs (mapped, internal)")
        widths.append(2.4)
    rows = []
    for _, r in rep.table.head(ROWS).iterrows():
        row = [
            str(r["rank"]),
            r["hub"],
            r["hs6"],
            r["chpl_tier"] or "–",
            f"{r['combined']:.2f}",
            _pct(r["excess_growth_pct"]),
            f"{_ratio(r['reexport_ratio_pre'])} -> {_ratio(r['reexport_ratio_post'])}",
            fmt_usd(r["coalition_to_hub_post_usd"]),
            fmt_usd(r["hub_to_target_post_usd"]),
        ]
        if audience == "internal":
            row.append(";".join(str(r["eccns"]).split(";")[:4]))
        rows.append(row)
    if not rows:
        raise DecontrolError("nothing to put on the slide: no ranked pair for this selection")
    _table(slide, header, rows, Inches(0.5), Inches(2.0), Inches(12.3), widths)
    weights = ", ".join(f"{k} {v:g}" for k, v in rep.weights.items())
    _text(
        slide,
        Inches(0.5),
        SLIDE_H - Inches(1.55),
        Inches(12.3),
        Inches(0.7),
        f"Control date: {rep.since_note}. Weights of the combined score: {weights}. {LIMITS}",
        size=10,
        color=GREY,
    )
    label = rep.source if rep.data_label in rep.source else f"{rep.data_label}: {rep.source}"
    _source(slide, f"Mirror trade: {label[:240]}")
    _mark(slide, marking or (ALLY_MARKING if audience == "ally" else DEFAULT_MARKING))
    return prs


def write_slide(rep: DiversionReport, path: Path, audience: str = "internal", marking: str = "") -> Path:
    """Build and save atomically (a failed write never leaves a partial file)."""
    path = Path(path)
    if path.suffix.lower() != ".pptx":
        raise DecontrolError(f"the slide must be a .pptx file, got '{path.name}'")
    if not path.resolve().parent.is_dir():
        raise DecontrolError(f"folder {path.resolve().parent} does not exist")
    prs = build_slide(rep, audience, marking)
    tmp = path.with_name(path.name + ".tmp")
    try:
        prs.save(str(tmp))
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DecontrolError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
