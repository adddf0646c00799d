"""A table as a file that says where its numbers come from: CSV with comment rows, XLSX with a sources sheet.

Every table the dashboard shows can be downloaded (the Control list, a package, the items left out,
a comparison of scenarios, a coalition); a figure copied out of the app must not lose its REAL /
SYNTHETIC label on the way. So the CSV starts with `#` comment rows (title, then one row per source
with its status; the table starts at the first line that does not begin with `#`, which
`provenance_lines` counts for `pandas.read_csv(path, skiprows=n)`) and the
workbook carries a `sources` sheet. The file is built whole in memory and handed over in one
piece: an error raises before anything is sent, so there is never a partial file.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from optimizer.errors import DecontrolError

KINDS = ("real", "synthetic", "analyst", "mixed")


@dataclass(frozen=True)
class Source:
    """Where one group of the table's figures comes from: its status (real, synthetic, analyst-made
    or mixed), what it covers, and the source itself."""

    kind: str
    covers: str
    source: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise DecontrolError(f"unknown source status '{self.kind}': one of {', '.join(KINDS)}")

    @property
    def label(self) -> str:
        return self.kind.upper()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def provenance_lines(title: str, sources: Sequence[Source]) -> list[str]:
    """The comment rows of a CSV: the title, then `STATUS: covers: source` per source."""
    if not sources:
        raise DecontrolError("a downloaded table must say where its figures come from (no source given)")
    lines = [f"# {_one_line(title)}"]
    lines += [f"# {s.label}: {_one_line(s.covers)}: {_one_line(s.source)}" for s in sources]
    synthetic = [s.covers for s in sources if s.kind in ("synthetic", "mixed")]
    lines.append(
        f"# SYNTHETIC figures in this file: {'; '.join(_one_line(c) for c in synthetic)}"
        if synthetic
        else "# No synthetic figures in this file."
    )
    return lines


def table_csv(table: pd.DataFrame, title: str, sources: Sequence[Source]) -> str:
    """The CSV text: comment rows, then the header and every row (UTF-8 BOM for Excel)."""
    return (
        "\ufeff" + "\n".join(provenance_lines(title, sources)) + "\n" + table.to_csv(index=False, lineterminator="\n")
    )


def sources_frame(title: str, sources: Sequence[Source]) -> pd.DataFrame:
    """The `sources` sheet: one row per source (status, what it covers, source), under the title."""
    rows = [{"status": "TITLE", "covers": title, "source": ""}]
    rows += [{"status": s.label, "covers": s.covers, "source": s.source} for s in sources]
    return pd.DataFrame(rows, columns=["status", "covers", "source"])


def table_xlsx(sheets: dict[str, pd.DataFrame], title: str, sources: Sequence[Source]) -> bytes:
    """A workbook with one sheet per table (names cut to Excel's 31 characters) and a `sources` sheet."""
    provenance_lines(title, sources)  # refuses a table without sources
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for name, frame in sheets.items():
            frame.to_excel(xl, sheet_name=name[:31], index=False)
        sources_frame(title, sources).to_excel(xl, sheet_name="sources", index=False)
    return buf.getvalue()
