"""Diversion and transshipment signals from mirror trade data (see README.md for the formulas).

`signals` holds the pure per-pair formulas, `rank` applies them to a mirror table and ranks
(hub, HS6) pairs for a target, `report` adds the CHPL tiers, mapped ECCNs and provenance a reader
needs, and `validation` measures the ranking on the planted test patterns of the synthetic layer.
"""
