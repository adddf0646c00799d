"""Words a briefer reads: short item names next to the ECCN, text cut at a word boundary, reasons in words.

CCL headings are legal text ('"Systems," "equipment" and "components," for non-cryptographic
"information security," as follows (see List of Items Controlled).'). A slide names an item by a short
name (curated for the entries that reach packages, derived from the heading for the others) and keeps
the full heading in the speaker notes and the workbook.
"""

from __future__ import annotations

import re

from optimizer.formatting import cut_words

#: Curated short names by base ECCN (the paragraphs of an entry, e.g. "2B001-rest", share its name).
SHORT_NAMES: dict[str, str] = {
    "1A001": "Fluorinated-compound parts",
    "1A003": "Aromatic polyimide film",
    "1B002": "Metal alloy powder equipment",
    "1B003": "Superplastic forming tools",
    "1C003": "Magnetic metals",
    "1C005": "Superconductive conductors",
    "1C006": "Fluids and lubricants",
    "1C008": "Non-fluorinated polymers",
    "1C009": "Fluorinated compounds",
    "1C010": "Fibrous and filamentary materials",
    "2B001": "Metal-cutting machine tools",
    "2B002": "Optical finishing machine tools",
    "2B003": "Gear finishing machine tools",
    "2B005": "Coating and deposition equipment",
    "2B006": "Dimensional measuring systems",
    "2B008": "Rotary tables and tilting spindles",
    "2B991": "NC units and machine tools",
    "2D003": "Software for optical finishing tools",
    "3A001": "Electronic components",
    "3A003": "Spray-cooling thermal systems",
    "3A090": "Advanced computing chips",
    "3A991": "Electronic devices and components",
    "3C002": "Resist materials",
    "3D006": "Chip design (ECAD) software",
    "4A090": "Advanced computers",
    "4A994": "Computers and assemblies",
    "5A002": "Encryption items",
    "5A003": "Non-cryptographic security equipment",
    "5A992": "Mass-market encryption items",
    "5B001": "Telecom test and production equipment",
    "6A004": "Optical equipment and components",
    "6A005": "Lasers and optical equipment",
    "6B002": "Masks and reticles for optical sensors",
    "6B004": "Optical test equipment",
    "6B007": "Gravity meter calibration equipment",
    "6C004": "Optical materials",
    "6C005": "Laser materials",
    "9B006": "Acoustic vibration test equipment",
    "9B008": "Skin friction transducers",
}

# where a heading's naming part ends: the legal qualifiers that follow it
_STOP = re.compile(
    r",? (?:as follows|having|which|that|with|in which|according to|specially designed|"
    r"designed|employing|capable of|excluding|except|other than|for the|to produce)\b|[,;:(]",
    re.IGNORECASE,
)


def heading_name(heading: str, limit: int = 40) -> str:
    """A short name from a legal heading: quotes dropped, the qualifiers after the naming part cut."""
    text = re.sub(r"[\"“”]|(?<!\w)'|'(?!\w)", "", str(heading or "")).strip()
    m = _STOP.search(text, pos=min(len(text), 12))
    name = text[: m.start()].strip() if m else text
    name = name.rstrip(" .")
    if not name:
        return ""
    return cut_words(name[0].upper() + name[1:], limit)


def short_name(eccn: str, heading: str = "", limit: int = 40) -> str:
    """The name a slide shows next to the ECCN."""
    base = str(eccn or "").split("-")[0].upper()
    if base in SHORT_NAMES:
        return cut_words(SHORT_NAMES[base], limit)
    return heading_name(heading, limit) or base


def item_label(eccn: str, heading: str = "", limit: int = 40) -> str:
    """'5A003 Non-cryptographic security equipment' (a '-rest' entry reads 'part of 2B001')."""
    code = str(eccn or "")
    shown = f"{code.split('-')[0]} (part)" if code.endswith("-rest") else code
    return f"{shown} {short_name(code, heading, limit)}".strip()


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_RANK = re.compile(r"value/risk rank (\d+) of (\d+) eligible items")
_SHARE = re.compile(r"(\w+): (\d+%) of the value for (\d+%) of the risk")


def plain_why(why: str) -> str:
    """The optimizer's reason for choosing an item in a briefer's words."""
    parts = []
    for part in str(why or "").split("; "):
        if not part:
            continue
        if m := _RANK.fullmatch(part):
            parts.append(f"value per risk point: {ordinal(int(m.group(1)))} of {m.group(2)}")
        elif m := _SHARE.fullmatch(part):
            parts.append(f"partial relief: {m.group(2)} of value, {m.group(3)} of risk")
        elif part == "forced by the analyst":
            parts.append("included by the analyst")
        else:
            parts.append(part)
    return "; ".join(parts)
