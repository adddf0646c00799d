"""The canonical tables of a decontrol data directory: file names, columns, units, keys.

This module is the contract between `datasets/` (built by `datasets/build/*.py`), the importers
(which write `trade.parquet`), the loader/validator and everything downstream. A data directory
given with `--data DIR` is laid over the shipped `datasets/`: any file present in DIR replaces the
shipped file of the same name, so importing real BACI data into DIR replaces the synthetic trade
layer with no code change.

Conventions: ISO3 country codes (upper case; `WLD` is the world aggregate, `EUU` the EU as in
Census data); `hs6` is always a zero-padded 6-character string of HS 2022; money is US dollars
(never thousands); list-valued cells are `;`-separated normalised codes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # "str", "int", "float", "bool", "date"
    description: str
    required: bool = True
    unit: str = ""


@dataclass(frozen=True)
class TableSpec:
    name: str
    filename: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    description: str = ""
    optional: bool = False  # the directory is valid without it

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


C = Column

CCL = TableSpec(
    "ccl",
    "ccl.csv",
    (
        C("eccn", "str", "Export Control Classification Number, e.g. 2B001"),
        C("category", "int", "CCL category 0-9"),
        C(
            "group",
            "str",
            "product group A (systems), B (test/production equipment), C (materials), D (software), E (technology)",
        ),
        C("heading", "str", "ECCN heading text (2026 eCFR where present, else 2025)"),
        C(
            "reasons",
            "str",
            "normalised reasons for control, ';'-separated (NS1;NS2;MT1;NP1;NP2;CB1;CW;RS1;RS2;CC1;AT1;EI;FC1;SL;SS;UN;FP ...)",
        ),
        C("chart_columns", "str", "Commerce Country Chart columns referenced, ';'-separated"),
        C(
            "non_chart_controls",
            "str",
            "controls not pointing at a chart column (e.g. RS worldwide rules on 3A090, UN, EI)",
            required=False,
        ),
        C(
            "paragraph_controls_json",
            "str",
            "JSON list of {reason, applies_to, chart}: which reason applies to which paragraphs",
        ),
        C(
            "wmd_scope",
            "str",
            "'entire', 'partial' or 'none': how much of the entry a WMD reason (NP1, MT, CB, CW) covers",
        ),
        C(
            "license_exceptions_json",
            "str",
            "JSON object of list-based licence exceptions (LVS, GBS, STA, others)",
            required=False,
        ),
        C(
            "regime",
            "str",
            "regime(s) the entry implements, ';'-separated: WA, MTCR, NSG, AG, CWC, US (unilateral), ML (munitions)",
        ),
        C("military", "bool", "600-series or 500-series entry moved from the USML, or an ITAR placeholder"),
        C("itar_placeholder", "bool", "heading says the items are subject to the ITAR"),
        C("has_reasons", "bool", "reasons for control known (False: only in the 2026 headings)"),
        C("source", "str", "where the row comes from"),
        C("vintage", "str", "eCFR date of the text used"),
    ),
    key=("eccn",),
    description="Commerce Control List (15 CFR 774 Supp. 1): every ECCN, real data",
)

HS6 = TableSpec(
    "hs6",
    "hs6.csv",
    (
        C("hs6", "str", "HS 2022 subheading, 6 characters"),
        C("name", "str", "English description"),
        C("hs2", "str", "chapter, 2 characters"),
        C("hs4", "str", "heading, 4 characters"),
        C("section", "str", "sector label (Atlas sector) for composition charts", required=False),
        C("hs4_name", "str", "heading (HS4) name, Atlas HS 2022 (blank: not in the Atlas list)", required=False),
    ),
    key=("hs6",),
    description="HS 2022 6-digit product names, real",
)

HS2 = TableSpec(
    "hs2",
    "hs2.csv",
    (
        C("hs2", "str", "chapter, 2 characters"),
        C("name", "str", "chapter name"),
        C("section", "str", "sector label", required=False),
    ),
    key=("hs2",),
    description="HS 2022 chapters, real",
)

COUNTRIES = TableSpec(
    "countries",
    "countries.csv",
    (
        C("iso3", "str", "ISO 3166-1 alpha-3 code (WLD world, EUU European Union)"),
        C("name", "str", "English short name"),
        C("m49", "int", "UN M49 numeric code", required=False),
        C("baci_code", "int", "CEPII BACI numeric code (842 for the USA, 251 for France, ...)", required=False),
        C("iso2", "str", "ISO 3166-1 alpha-2", required=False),
    ),
    key=("iso3",),
    description="Countries and aggregates, real",
)

REGIMES = TableSpec(
    "regimes",
    "regimes.csv",
    (
        C("regime", "str", "WA, MTCR, NSG, AG or CWC"),
        C("iso3", "str", "member country"),
        C("as_of", "date", "membership as of this date (YYYY-MM-DD)"),
        C("source", "str", "source note"),
    ),
    key=("regime", "iso3"),
    description="Membership of the multilateral export-control regimes, real",
)

PARTNER_TOTALS = TableSpec(
    "partner_totals",
    "partner_totals.csv",
    (
        C("year", "int", "calendar year"),
        C("partner", "str", "ISO3 (WLD world, EUU EU)"),
        C("partner_name", "str", "name"),
        C("exports_usd", "float", "US goods exports to partner", unit="USD"),
        C("imports_usd", "float", "US general imports from partner", unit="USD"),
        C("balance_usd", "float", "exports - imports", unit="USD"),
        C("source", "str", "source note"),
    ),
    key=("year", "partner"),
    description="US goods trade with key partners 2015-2024, Census basis, real",
)

HS2_CHINA = TableSpec(
    "hs2_china",
    "hs2_china.csv",
    (
        C("year", "int", "calendar year"),
        C("flow", "str", "'export' (US exports) or 'import' (US imports)"),
        C("partner", "str", "CHN or WLD"),
        C("hs2", "str", "HS chapter, 2 characters"),
        C("value_usd", "float", "annual value", unit="USD"),
    ),
    key=("year", "flow", "partner", "hs2"),
    description="US trade with China and the world by HS chapter 2015-2018, Census, real",
)

EVENTS = TableSpec(
    "events",
    "events.csv",
    (
        C("date", "date", "YYYY-MM-DD"),
        C("title", "str", "short title"),
        C("summary", "str", "one line"),
        C("kind", "str", "us_control, china_control, tariff, talks, licensing, ..."),
        C("source", "str", "public source", required=False),
        C(
            "partners",
            "str",
            "ISO3 codes the event concerns, ';'-separated, or '*' for every partner (absent: every partner)",
            required=False,
        ),
        C("eccns", "str", "CCL entries the event bears on, ';'-separated (blank: none itemised)", required=False),
    ),
    key=("date", "title"),
    description="Policy timeline for chart annotations, real (public record)",
)

CONCORDANCE = TableSpec(
    "concordance",
    "concordance.csv",
    (
        C("eccn", "str", "ECCN or sub-item id (2B001-rest)"),
        C("hs6", "str", "HS 2022 subheading, 6 characters"),
        C("confidence", "str", "high, medium or low"),
        C("rationale", "str", "why this mapping, a few words"),
        C("controlled_share", "float", "share of the HS code's trade the entry covers, 0-1", required=False),
    ),
    key=("eccn", "hs6"),
    description="ECCN -> HS6 concordance, analyst-made",
    optional=True,
)

TRADE = TableSpec(
    "trade",
    "trade.parquet",
    (
        C("year", "int", "calendar year"),
        C("exporter", "str", "ISO3 (WLD: all exporters)"),
        C("importer", "str", "ISO3 (WLD: all importers)"),
        C("hs6", "str", "HS 2022 subheading, 6 characters"),
        C("value_usd", "float", "annual value", unit="USD"),
    ),
    key=("year", "exporter", "importer", "hs6"),
    description="Canonical trade table (parquet metadata keys decontrol.source and decontrol.synthetic)",
)

TIER_OVERRIDES = TableSpec(
    "tier_overrides",
    "policy/tier_overrides.csv",
    (
        C("eccn", "str", "ECCN or sub-item id"),
        C("tier", "str", "foundational, transactional or legacy"),
        C("reason", "str", "why"),
        C("author", "str", "who"),
        C("date", "date", "when (YYYY-MM-DD)"),
    ),
    key=("eccn",),
    description="Analyst tier overrides (policy judgement, versioned)",
    optional=True,
)

FA_OVERRIDES = TableSpec(
    "fa_overrides",
    "policy/fa_overrides.csv",
    (
        C("eccn", "str", "ECCN or sub-item id"),
        C("partner", "str", "ISO3"),
        C("fa_score", "float", "analyst foreign-availability score 0-1"),
        C("comparable_models", "str", "15 CFR 768.5(b): comparable foreign models", required=False),
        C("foreign_sources", "str", "non-US sources", required=False),
        C("production_sales", "str", "production and sales evidence", required=False),
        C("quality", "str", "comparable quality evidence", required=False),
        C("author", "str", "who"),
        C("date", "date", "when"),
    ),
    key=("eccn", "partner"),
    description="Analyst foreign-availability overrides with evidence",
    optional=True,
)

CHPL = TableSpec(
    "chpl",
    "chpl.csv",
    (
        C("hs6", "str", "HS 2022 subheading, 6 characters"),
        C("tier", "str", "CHPL tier: 1, 2, 3.A, 3.B, 4.A or 4.B (1 highest concern)"),
        C(
            "description",
            "str",
            "item wording (EU Combined Nomenclature style, from a public script; not BIS's own text)",
        ),
        C("hs2022_name", "str", "HS 2022 subheading name (Growth Lab Atlas hs22.csv)", required=False),
        C("highest_priority", "bool", "one of the nine highest-priority codes (tiers 1 and 2)"),
        C("as_of", "date", "CHPL version date"),
        C("source", "str", "source note"),
    ),
    key=("hs6",),
    description="Common High Priority List (BIS with the EU, Japan and the UK), real",
    optional=True,  # shipped; only the diversion signals read it
)

#: Who reported a row of the mirror trade table: the exporting or the importing country.
MIRROR_REPORTERS: tuple[str, ...] = ("exporter", "importer")

MIRROR_TRADE = TableSpec(
    "mirror_trade",
    "mirror_trade.parquet",
    (
        C("year", "int", "calendar year"),
        C("exporter", "str", "ISO3 of the exporting country"),
        C("importer", "str", "ISO3 of the importing country"),
        C("hs6", "str", "HS 2022 subheading, 6 characters"),
        C(
            "reporter",
            "str",
            "'exporter' (the exporter's declared exports, FOB) or 'importer' (the importer's declared imports, CIF)",
        ),
        C("value_usd", "float", "annual value as that reporter declared it", unit="USD"),
        C(
            "quantity_kg",
            "float",
            "net weight as that reporter declared it (blank: not reported)",
            required=False,
            unit="kg",
        ),
    ),
    key=("year", "exporter", "importer", "hs6", "reporter"),
    description="Mirror trade among third countries (both reporters' figures), for the diversion signals "
    "(parquet metadata keys decontrol.source and decontrol.synthetic)",
    optional=True,  # only the diversion signals read it; the item table reads trade.parquet alone
)


#: The reason-for-control columns of the Commerce Country Chart (Supp. No. 1 to 15 CFR 738), in order.
CHART_COLUMNS: tuple[str, ...] = (
    "CB1",
    "CB2",
    "CB3",
    "NP1",
    "NP2",
    "NS1",
    "NS2",
    "MT1",
    "RS1",
    "RS2",
    "FC1",
    "CC1",
    "CC2",
    "CC3",
    "AT1",
    "AT2",
)
#: The Country Groups of Supp. No. 1 to 15 CFR 740 (A:1 -> 'A1').
COUNTRY_GROUP_COLUMNS: tuple[str, ...] = (
    "A1",
    "A2",
    "A3",
    "A4",
    "A5",
    "A6",
    "B",
    "D1",
    "D2",
    "D3",
    "D4",
    "D5",
    "E1",
    "E2",
)

COUNTRY_CHART = TableSpec(
    "country_chart",
    "licensing/country_chart.csv",
    (
        C("iso3", "str", "destination, ISO3 (Kosovo XKX)"),
        C("iso2", "str", "ISO2 as in the eCFR extracts"),
        C("chart_name", "str", "row label exactly as printed in the chart"),
        C("row_type", "str", "'graded' (X marks) or 'embargo_pointer' (Cuba, Iran, North Korea, Syria: see Part 746)"),
        C("footnotes", "str", "chart footnote numbers on the row, ';'-separated", required=False),
        *(C(col, "bool", f"licence required for reason column {col} (an X in the chart)") for col in CHART_COLUMNS),
        C("pointer_text", "str", "printed pointer of an embargo row", required=False),
        C("as_of", "date", "eCFR issue date"),
        C("source", "str", "source note"),
    ),
    key=("iso3",),
    description="Commerce Country Chart, 15 CFR 738 Supp. 1, real (eCFR)",
    optional=True,  # shipped; a data directory without it falls back to the shipped copy
)

CHART_FOOTNOTES = TableSpec(
    "chart_footnotes",
    "licensing/chart_footnotes.csv",
    (
        C("footnote", "int", "footnote number"),
        C("text", "str", "text as printed"),
        C("iso3", "str", "destinations carrying it, ';'-separated"),
        C("as_of", "date", "eCFR issue date"),
        C("source", "str", "source note"),
    ),
    key=("footnote",),
    description="Footnotes of the Commerce Country Chart, real (eCFR)",
    optional=True,  # shipped; a data directory without it falls back to the shipped copy
)

COUNTRY_GROUPS = TableSpec(
    "country_groups",
    "licensing/country_groups.csv",
    (
        C("iso3", "str", "country, ISO3"),
        C("iso2", "str", "ISO2 as in the eCFR extracts"),
        C("name", "str", "name as printed in Part 740"),
        *(
            C(col, "bool", f"member of Country Group {col[0]}{':' + col[1:] if len(col) > 1 else ''}")
            for col in COUNTRY_GROUP_COLUMNS
        ),
        C("as_of", "date", "eCFR issue date"),
        C("source", "str", "source note"),
    ),
    key=("iso3",),
    description="EAR Country Groups, 15 CFR 740 Supp. 1, real (eCFR)",
    optional=True,  # shipped; a data directory without it falls back to the shipped copy
)

MEU_ITEMS = TableSpec(
    "meu_items",
    "licensing/meu_items.csv",
    (
        C("paragraph", "str", "paragraph of Supp. No. 2 to Part 744, e.g. (3)(i)"),
        C("eccn", "str", "ECCN of the entry"),
        C("text", "str", "entry text as printed (read it: several entries cover only part of the ECCN)"),
        C("scope_flag", "str", "text_says_limited_to, tied_to_9A012.a.1 or as_described_in_text"),
        C("as_of", "date", "eCFR issue date"),
        C("source", "str", "source note"),
    ),
    key=("paragraph",),
    description="Items of the military end-use/end-user rule, 15 CFR 744 Supp. 2, real (eCFR)",
    optional=True,  # shipped; a data directory without it falls back to the shipped copy
)

MEU_DESTINATIONS = TableSpec(
    "meu_destinations",
    "licensing/meu_destinations.csv",
    (
        C("iso3", "str", "destination, ISO3"),
        C("name", "str", "country"),
        C("paragraph", "str", "744.21(a)(1) or (a)(2)"),
        C("item_scope", "str", "'supp2' (items of Supp. No. 2) or 'all' (any item subject to the EAR)"),
        C("item_scope_text", "str", "the scope as the rule words it"),
        C("review_policy", "str", "licence review policy of 744.21(e)"),
        C("as_of", "date", "eCFR issue date"),
        C("source", "str", "source note"),
    ),
    key=("iso3",),
    description="Destinations of the military end-use/end-user rule, 15 CFR 744.21, real (eCFR)",
    optional=True,  # shipped; a data directory without it falls back to the shipped copy
)

PARTNER_MEASURES = TableSpec(
    "partner_measures",
    "partner_measures.csv",
    (
        C("partner", "str", "the partner whose own export control this is, ISO3"),
        C("measure_id", "str", "announcement year-number, '#' sub-item (e.g. 2023-23#ga1)"),
        C("announcement", "str", "the announcement as cited"),
        C("published", "date", "publication date", required=False),
        C("effective", "date", "first effective date", required=False),
        C("effective_text", "str", "effective dates as written (several limbs)", required=False),
        C("item_group", "str", "item group (gallium, graphite, rare earths ...)"),
        C("item", "str", "the item as described"),
        C("control_code", "str", "the partner's control-list code, with its source", required=False),
        C("hs_codes_as_published", "str", "customs codes printed in the announcement, ';'-separated", required=False),
        C("hs6_codes", "str", "their HS6 (first six digits), ;-separated; blank = not recovered", required=False),
        C("hs_source", "str", "pages the codes were read from", required=False),
        C("hs_source_quality", "str", "how well the codes are confirmed", required=False),
        C("announcement_url", "str", "official page", required=False),
        C("source", "str", "where the measure row comes from"),
        C("notes", "str", "notes", required=False),
    ),
    key=("partner", "measure_id"),
    optional=True,
    description="The partner's own export controls (China's critical-mineral controls 2023-2026), real (public announcements)",
)

PARTNER_MEASURE_STATUS = TableSpec(
    "partner_measure_status",
    "partner_measure_status.csv",
    (
        C("partner", "str", "ISO3"),
        C("measure_id", "str", "measure (partner_measures.measure_id)"),
        C("status", "str", "'in_force' or 'suspended'"),
        C("start", "date", "from this date (blank: not known)", required=False),
        C("end", "date", "until this date, exclusive (blank: open)", required=False),
        C("instrument", "str", "the suspending instrument, or its lapse", required=False),
        C("status_text", "str", "the dated status as the source words it"),
        C("as_of", "date", "status known to this date"),
        C("source", "str", "source note"),
    ),
    key=("partner", "measure_id", "status", "start"),
    optional=True,
    description="Status history of the partner's export controls, real (public announcements)",
)

PARTNER_MEASURES_UNSOURCED = TableSpec(
    "partner_measures_unsourced",
    "partner_measures_unsourced.csv",
    (
        C("partner", "str", "ISO3"),
        C("measure_id", "str", "measure (partner_measures.measure_id)"),
        C("item", "str", "item group"),
        C("hs6_candidates", "str", "HS6 candidates, ';'-separated: NOT the announcement's codes"),
        C("confidence", "str", "high, medium or low"),
        C("note", "str", "why these codes"),
    ),
    key=("partner", "measure_id", "item"),
    optional=True,
    description="Unsourced HS6 candidates for partner measures whose published codes were not found (analyst)",
)

REFERENCE_EXCHANGES = TableSpec(
    "reference_exchanges",
    "reference_exchanges.csv",
    (
        C("exchange", "str", "Geneva, London, Busan ..."),
        C("date", "date", "date of the outcome"),
        C("side", "str", "'us_gives' or 'partner_gives'"),
        C("what", "str", "what was given, in words"),
        C(
            "measure_ids",
            "str",
            "partner measures relieved (partner_measures.measure_id), ';'-separated",
            required=False,
        ),
        C("eccns", "str", "CCL entries relieved, ';'-separated", required=False),
        C(
            "hs6_codes",
            "str",
            "HS6 codes of relieved goods outside the CCL (e.g. ethane), ';'-separated; analyst's codes, unsourced",
            required=False,
        ),
        C("relief", "str", "lift, suspend, general_licence, or a kind outside the item model (tariff, end_user_rule)"),
        C("source", "str", "public source"),
    ),
    key=("exchange", "side", "what"),
    optional=True,
    description="Outcomes of the 2025 US-China talks (Geneva, London, Busan) as gives and gets, from the public record (analyst-made)",
)

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        CCL,
        HS6,
        HS2,
        COUNTRIES,
        REGIMES,
        PARTNER_TOTALS,
        HS2_CHINA,
        EVENTS,
        CONCORDANCE,
        TRADE,
        TIER_OVERRIDES,
        FA_OVERRIDES,
        COUNTRY_CHART,
        CHART_FOOTNOTES,
        COUNTRY_GROUPS,
        MEU_ITEMS,
        MEU_DESTINATIONS,
        PARTNER_MEASURES,
        PARTNER_MEASURE_STATUS,
        PARTNER_MEASURES_UNSOURCED,
        REFERENCE_EXCHANGES,
        CHPL,
        MIRROR_TRADE,
    )
}

#: Partners the product focuses on (China first, then the allies in what-if sessions).
PARTNERS: tuple[str, ...] = ("CHN", "JPN", "GBR", "AUS", "NLD", "DEU", "KOR", "TWN")
ALLIES: tuple[str, ...] = ("GBR", "JPN", "AUS", "NLD", "KOR")
