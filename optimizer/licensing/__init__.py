"""Licensing by destination: which licence requirements bind on a partner, and how they are relieved.

`destination.py` reads the partner's Country Chart row, Country Groups and military end-use coverage;
`requirement.py` decides per item which reasons bind (`licence_required`, `binding_reasons`,
`licence_basis`); `instruments.py` lists the instruments that would relieve them and who can decide.
The item table (`optimizer.estimation.item_table`) joins these columns to every row.
"""
