"""Licensing by destination: which licence requirements bind on a partner, and how they are relieved.

`destination.py` reads the partner's Country Chart row, Country Groups and military end-use coverage;
`requirement.py` decides per item which reasons bind (`licence_required`, `binding_reasons`,
`licence_basis`); `instruments.py` lists the instruments that would relieve them and who can decide.
The item table (`optimizer.estimation.item_table`) joins these columns to every row.
"""

#: The columns the licensing model gives every item row: whether and why the partner needs a
#: licence, and the instruments that would relieve it (with who decides). They are regulation, not an
#: analyst's judgement, so an edited table takes them from the model whatever its file says.
LICENSING_COLUMNS: tuple[str, ...] = (
    "licence_required",
    "binding_reasons",
    "licence_basis",
    "instruments",
    "instrument_detail",
    "decided_by",
    "decided_by_detail",
)

__all__ = ["LICENSING_COLUMNS"]
