"""Importers: turn real trade downloads (CEPII BACI, UN Comtrade, US Census) into `trade.parquet`.

Each importer reads its source format, maps codes to the canonical table
(`year, exporter, importer, hs6, value_usd`; ISO3, zero-padded HS6, US dollars), accounts for every
row it drops and why, checks that the value written equals the value kept, and writes
`OUT/trade.parquet` atomically with provenance metadata (`decontrol.synthetic=false`). On any
problem it raises a `DecontrolError` naming the file, row and column, and writes nothing.
"""
