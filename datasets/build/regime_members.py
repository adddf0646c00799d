"""Membership of the multilateral export-control regimes, as data with its sources.

Membership changes rarely (the last supplier-regime accession was India's to the Australia Group
on 19 January 2018), so it is kept here by hand and written to `datasets/regimes.csv` by
`build_reference.py`. Each list is checked against its stated count when the table is built.

Sources (official lists, corroborated by the pages cited in `SOURCES`):
  * Wassenaar Arrangement: wassenaar.org "Participating States" - 42 participating states; India
    joined on 8 December 2017 as the 42nd. Russia remains a participating state.
  * MTCR: mtcr.info "Partners" - 35 partners; India joined on 27 June 2016. China is not a partner.
  * Nuclear Suppliers Group: nuclearsuppliersgroup.org "Participants" - 48 participating governments,
    China included (2004); India is not a participant. The European Commission is an observer.
  * Australia Group: australiagroup.net "Participants" - 42 countries and the European Union;
    India joined on 19 January 2018.
  * CWC: opcw.org "Member States" - 193 States Parties: every UN member except Egypt, Israel (signed,
    not ratified), North Korea and South Sudan, plus Cook Islands, Holy See, Niue and the State of
    Palestine. On 29 November 2023 the OPCW still listed South Sudan among the four states yet to
    join ("the 194th State Party" when it does); no accession was found in the sources searched,
    so South Sudan is not listed.
China is a member of the NSG only among the supplier regimes (and a CWC State Party, a treaty).
"""

from __future__ import annotations

WA_AS_OF = MTCR_AS_OF = NSG_AS_OF = AG_AS_OF = "2025-06-30"
CWC_AS_OF = "2023-11-29"

SOURCES = {
    "WA": "wassenaar.org participating states (42; India since 2017-12-08, MEA/MOFA Japan press releases of 2017-12-08)",
    "MTCR": "mtcr.info partners (35; 34 listed by MOFA Japan 2012 + India 2016-06-27, armscontrol.org)",
    "NSG": "nuclearsuppliersgroup.org participants (48 participating governments; EC observer)",
    "AG": "australiagroup.net participants (42 countries + the European Union; India since 2018-01-19)",
    "CWC": "opcw.org member states (193 States Parties; OPCW news 2023-11-29: South Sudan one of four not yet joined)",
}

WA = (
    "ARG", "AUS", "AUT", "BEL", "BGR", "CAN", "HRV", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC",
    "HUN", "IND", "IRL", "ITA", "JPN", "LVA", "LTU", "LUX", "MLT", "MEX", "NLD", "NZL", "NOR", "POL",
    "PRT", "KOR", "ROU", "RUS", "SVK", "SVN", "ZAF", "ESP", "SWE", "CHE", "TUR", "UKR", "GBR", "USA",
)

MTCR = (
    "ARG", "AUS", "AUT", "BEL", "BRA", "BGR", "CAN", "CZE", "DNK", "FIN", "FRA", "DEU", "GRC", "HUN",
    "ISL", "IND", "IRL", "ITA", "JPN", "LUX", "NLD", "NZL", "NOR", "POL", "PRT", "KOR", "RUS", "ZAF",
    "ESP", "SWE", "CHE", "TUR", "UKR", "GBR", "USA",
)

NSG = (
    "ARG", "AUS", "AUT", "BLR", "BEL", "BRA", "BGR", "CAN", "CHN", "HRV", "CYP", "CZE", "DNK", "EST",
    "FIN", "FRA", "DEU", "GRC", "HUN", "ISL", "IRL", "ITA", "JPN", "KAZ", "LVA", "LTU", "LUX", "MLT",
    "MEX", "NLD", "NZL", "NOR", "POL", "PRT", "KOR", "ROU", "RUS", "SRB", "SVK", "SVN", "ZAF", "ESP",
    "SWE", "CHE", "TUR", "UKR", "GBR", "USA",
)

AG = (
    "ARG", "AUS", "AUT", "BEL", "BGR", "CAN", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU",
    "GRC", "HUN", "ISL", "IND", "IRL", "ITA", "JPN", "KOR", "LVA", "LTU", "LUX", "MLT", "MEX", "NLD",
    "NZL", "NOR", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE", "CHE", "TUR", "UKR", "GBR", "USA",
    "EUU",
)

#: The 193 UN member states (ISO 3166-1 alpha-3).
UN_MEMBERS = (
    "AFG", "ALB", "DZA", "AND", "AGO", "ATG", "ARG", "ARM", "AUS", "AUT", "AZE", "BHS", "BHR", "BGD",
    "BRB", "BLR", "BEL", "BLZ", "BEN", "BTN", "BOL", "BIH", "BWA", "BRA", "BRN", "BGR", "BFA", "BDI",
    "CPV", "KHM", "CMR", "CAN", "CAF", "TCD", "CHL", "CHN", "COL", "COM", "COG", "CRI", "CIV", "HRV",
    "CUB", "CYP", "CZE", "PRK", "COD", "DNK", "DJI", "DMA", "DOM", "ECU", "EGY", "SLV", "GNQ", "ERI",
    "EST", "SWZ", "ETH", "FJI", "FIN", "FRA", "GAB", "GMB", "GEO", "DEU", "GHA", "GRC", "GRD", "GTM",
    "GIN", "GNB", "GUY", "HTI", "HND", "HUN", "ISL", "IND", "IDN", "IRN", "IRQ", "IRL", "ISR", "ITA",
    "JAM", "JPN", "JOR", "KAZ", "KEN", "KIR", "KWT", "KGZ", "LAO", "LVA", "LBN", "LSO", "LBR", "LBY",
    "LIE", "LTU", "LUX", "MDG", "MWI", "MYS", "MDV", "MLI", "MLT", "MHL", "MRT", "MUS", "MEX", "FSM",
    "MCO", "MNG", "MNE", "MAR", "MOZ", "MMR", "NAM", "NRU", "NPL", "NLD", "NZL", "NIC", "NER", "NGA",
    "MKD", "NOR", "OMN", "PAK", "PLW", "PAN", "PNG", "PRY", "PER", "PHL", "POL", "PRT", "QAT", "KOR",
    "MDA", "ROU", "RUS", "RWA", "KNA", "LCA", "VCT", "WSM", "SMR", "STP", "SAU", "SEN", "SRB", "SYC",
    "SLE", "SGP", "SVK", "SVN", "SLB", "SOM", "ZAF", "SSD", "ESP", "LKA", "SDN", "SUR", "SWE", "CHE",
    "SYR", "TJK", "THA", "TLS", "TGO", "TON", "TTO", "TUN", "TUR", "TKM", "TUV", "UGA", "UKR", "ARE",
    "GBR", "TZA", "USA", "URY", "UZB", "VUT", "VEN", "VNM", "YEM", "ZMB", "ZWE",
)
CWC_NON_PARTIES = ("EGY", "ISR", "PRK", "SSD")
CWC_NON_UN_PARTIES = ("COK", "VAT", "NIU", "PSE")
CWC = tuple(sorted(set(UN_MEMBERS) - set(CWC_NON_PARTIES) | set(CWC_NON_UN_PARTIES)))

#: regime -> (members, expected count, as_of)
REGIMES: dict[str, tuple[tuple[str, ...], int, str]] = {
    "WA": (WA, 42, WA_AS_OF),
    "MTCR": (MTCR, 35, MTCR_AS_OF),
    "NSG": (NSG, 48, NSG_AS_OF),
    "AG": (AG, 43, AG_AS_OF),  # 42 countries + the EU
    "CWC": (CWC, 193, CWC_AS_OF),
}

#: Joining dates worth showing next to a member (the recent accessions analysts ask about).
NOTES = {
    ("WA", "IND"): "joined 2017-12-08",
    ("MTCR", "IND"): "joined 2016-06-27",
    ("AG", "IND"): "joined 2018-01-19",
    ("AG", "EUU"): "the European Union participates alongside its member states",
    ("NSG", "CHN"): "joined 2004",
    ("CWC", "PSE"): "State of Palestine, acceded 2018",
}


def check() -> None:
    """Each list has its stated size and no duplicates (a typo would otherwise go unnoticed)."""
    if len(UN_MEMBERS) != 193 or len(set(UN_MEMBERS)) != 193:
        raise ValueError(f"UN member list has {len(set(UN_MEMBERS))} distinct codes, expected 193")
    for regime, (members, expected, _) in REGIMES.items():
        if len(set(members)) != len(members) or len(members) != expected:
            raise ValueError(f"{regime}: {len(set(members))} distinct members, expected {expected}")


def regime_rows() -> list[dict[str, str]]:
    """One row per (regime, member) for `regimes.csv`."""
    check()
    rows = []
    for regime, (members, _, as_of) in REGIMES.items():
        for iso3 in members:
            note = NOTES.get((regime, iso3))
            rows.append({"regime": regime, "iso3": iso3, "as_of": as_of,
                         "source": SOURCES[regime] + (f"; {note}" if note else "")})
    return rows
