"""Where a figure's source can be read: the eCFR text of an ECCN, and the address of a data source.

One place builds these URLs, so every ECCN link and every REAL badge in the dashboard (and any
export that wants a link) points at the same pages. The eCFR addresses are those the shipped CCL
records carry (`source_url` of datasets/build's eCFR parse, 2026-07-23 edition: one page for all of
Supplement No. 1 to Part 774); the other data sources are matched on the citation their provenance
text carries. Unknown sources have no URL (None): a badge then shows its source text only.
"""

from __future__ import annotations

import re
from urllib.parse import quote

ECFR_SUBCHAPTER = "https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C"


def ecfr_supplement(part: int, number: int = 1) -> str:
    """The eCFR page of Supplement No. `number` to 15 CFR Part `part` (e.g. 774 Supp. 1, the CCL)."""
    return f"{ECFR_SUBCHAPTER}/part-{part}/appendix-" + quote(f"Supplement No. {number} to Part {part}")


#: Supplement No. 1 to Part 774, the Commerce Control List, as the shipped CCL records cite it.
CCL_URL = ecfr_supplement(774)


#: What `ecfr_url` puts before the ECCN (the Control list grid's links build the same address in
#: the browser: assets/dashAgGridComponentFunctions.js, EccnLink).
ECFR_TEXT_PREFIX = f"{CCL_URL}#:~:text="


def ecfr_url(eccn: str) -> str:
    """The eCFR text of an ECCN: the CCL page, with a text fragment that scrolls browsers that
    support one (Chromium, Safari) to the entry's number; split items ("2B001-rest") link their ECCN."""
    base = str(eccn or "").strip().split("-", 1)[0].upper()
    return f"{ECFR_TEXT_PREFIX}{quote(base)}" if base else CCL_URL


#: (words every one of which the provenance text must contain, URL), most specific first.
_SOURCES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("774",), CCL_URL),
    (("commerce control list",), CCL_URL),
    (("738",), ecfr_supplement(738)),
    (("country chart",), ecfr_supplement(738)),
    (("740",), ecfr_supplement(740)),
    (("country groups",), ecfr_supplement(740)),
    (("744",), ecfr_supplement(744, 2)),
    (("common high priority",), "https://www.bis.gov/licensing/country-guidance/common-high-priority-items-list-chpl"),
    (("census",), "https://www.census.gov/foreign-trade/balance/country.xlsx"),
)


def source_url(source: str) -> str | None:
    """The URL of the source a provenance text names, None when none is known."""
    text = str(source or "").lower()
    for words, url in _SOURCES:
        if all(w in text for w in words):
            return url
    return None


_FR_CITATION = re.compile(r"\b(\d{2,3})\s+FR\s+(\d{1,6})\b")


def federal_register_url(source: str) -> str | None:
    """The Federal Register page of the first citation a source text names ("84 FR 22961" ->
    federalregister.gov/citation/84-FR-22961), None when it names none."""
    m = _FR_CITATION.search(str(source or ""))
    return f"https://www.federalregister.gov/citation/{m.group(1)}-FR-{m.group(2)}" if m else None
