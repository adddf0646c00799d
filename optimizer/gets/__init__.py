"""The other side of the ledger: the partner's own export controls, which are what the US asks for.

`measures.py` reads the partner's measures (`datasets/partner_measures*.csv`, real announcements) and
answers what is in force, suspended or lapsed on a date, and what lapses within a negotiation horizon.
"""
