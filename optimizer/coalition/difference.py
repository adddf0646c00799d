"""The difference of two packages of item lines: items only in one, items in both.

The Allies page sets the coalition package against the US-only optimum under the same risk budget;
two long tables hid what the coalition changes. This splits the lines by ECCN, keeping each line as
the package holds it (both lines for an item in both, so their values can be read side by side).
"""

from __future__ import annotations

from typing import Any


def package_difference(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """{"only_first": lines, "both": [(first line, second line)], "only_second": lines}, each in
    ECCN order. Lines are dicts with an "eccn" key; an ECCN listed twice in a package counts once."""
    a = {str(line["eccn"]): line for line in first}
    b = {str(line["eccn"]): line for line in second}
    return {
        "only_first": [a[e] for e in sorted(set(a) - set(b))],
        "both": [(a[e], b[e]) for e in sorted(set(a) & set(b))],
        "only_second": [b[e] for e in sorted(set(b) - set(a))],
    }
