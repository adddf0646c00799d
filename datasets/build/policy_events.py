"""The US-China export-control and trade-policy timeline shown as chart annotations.

Dates were checked against the public record (law-firm alerts, the Federal Register, MOFCOM
announcements, wire reports); `source` names where, and says so when a date is approximate.
Kinds: us_control, china_control, tariff, talks, licensing.

`partners`: whom an event concerns, ISO3 codes separated by ';', or '*' for every partner (a
worldwide rule or tariff). The Trade page shows a partner only the events that concern it: China's
rare-earth controls are not events of US trade with Japan. An event may name its own `partners`
(the 2020 military end-use rule concerns China, Russia and Venezuela); otherwise it concerns China.

`eccns`: the CCL entries an event bears on, ';'-separated, where the rule names them (blank: a rule
on parties, tariffs or talks, or one whose item scope is not itemised here). China's own controls
name Chinese control codes, not ECCNs, so they carry none.
"""

from __future__ import annotations

EVENTS: list[dict[str, str]] = [
    {
        "date": "2018-07-06",
        "kind": "tariff",
        "title": "Section 301 tariffs, first list",
        "summary": "The US imposes a 25% additional duty on about $34bn of Chinese imports (List 1); China retaliates the same day.",
        "source": "USTR notice 83 FR 28710 (2018-06-20), duties from 2018-07-06",
    },
    {
        "date": "2018-08-13",
        "kind": "us_control",
        "title": "Export Control Reform Act (ECRA) enacted",
        "summary": "ECRA, part of the FY2019 NDAA, gives the EAR a permanent statutory basis and requires BIS to identify and control emerging and other essential technologies (section 1758).",
        "source": "Pub. L. 115-232, Title XVII Part I (50 U.S.C. 4801 et seq.), signed 2018-08-13",
    },
    {
        "date": "2019-05-16",
        "kind": "us_control",
        "title": "Huawei added to the Entity List",
        "summary": "BIS adds Huawei and 68 non-US affiliates to the Entity List: a licence for every item subject to the EAR, presumption of denial.",
        "source": "84 FR 22961 (published 2019-05-21, effective 2019-05-16)",
    },
    {
        "date": "2020-01-15",
        "kind": "talks",
        "title": "US-China Phase One agreement signed",
        "summary": "China commits to buy $200bn more US goods and services in 2020-21 than in 2017; the US halves the List 4A tariff to 7.5%.",
        "source": "Economic and Trade Agreement between the US and China, signed 2020-01-15, in force 2020-02-14 (USTR)",
    },
    {
        "date": "2020-06-29",
        "kind": "us_control",
        "title": "Military end-use rule expanded; licence exception CIV removed",
        "summary": "EAR 744.21 widens to military end users and to more items (Supp. 2 to Part 744, e.g. 2A290, 3A991, 5A992, 9A991); CIV no longer covers NS items to D:1 destinations.",
        "source": "85 FR 23459 and 85 FR 23470 (published 2020-04-28, effective 2020-06-29); eCFR 744 Supp. 2 (2026-09-24)",
        "partners": "CHN;RUS;VEN",
        "eccns": "2A290;3A991;5A992;9A991",
    },
    {
        "date": "2023-08-01",
        "kind": "china_control",
        "title": "China's gallium and germanium controls in force",
        "summary": "MOFCOM/GAC Announcement No. 23 (published 3 Jul 2023) makes exports of eight gallium and six germanium items licence-bound.",
        "source": "MOFCOM/GAC Announcement 2023 No. 23 (published 2023-07-03, effective 2023-08-01); shared china-export-controls table",
    },
    {
        "date": "2023-08-11",
        "kind": "us_control",
        "title": "NP2 licence requirement extended to China and Macau",
        "summary": "BIS adds China and Macau to Nuclear Nonproliferation column 2: nuclear-plant equipment 2A290, 2A291, software 2D290 and their technology need a licence.",
        "source": "88 FR 54875 (published 2023-08-14, effective 2023-08-11); Mondaq alert Aug 2023; Country Chart (eCFR 2026-07-23): China NP2 = X",
        "partners": "CHN;MAC",
        "eccns": "2A290;2A291;2D290;2E001;2E002;2E290",
    },
    {
        "date": "2023-12-01",
        "kind": "china_control",
        "title": "China's graphite controls in force",
        "summary": "MOFCOM/GAC Announcement No. 39 (published 20 Oct 2023) makes exports of high-purity and spherical graphite licence-bound.",
        "source": "MOFCOM/GAC Announcement 2023 No. 39 (published 2023-10-20, effective 2023-12-01); shared china-export-controls table",
    },
    {
        "date": "2024-12-01",
        "kind": "china_control",
        "title": "China's dual-use export control regulations in force",
        "summary": "State Council Decree No. 792 consolidates China's dual-use export licensing, with end-user controls and extraterritorial provisions.",
        "source": "Regulations on Export Control of Dual-Use Items, State Council Decree No. 792 (promulgated 2024-10-19, effective 2024-12-01)",
    },
    {
        "date": "2025-01-02",
        "kind": "china_control",
        "title": "China lists 28 US companies for export control",
        "summary": "MOFCOM adds 28 US entities, mostly defence firms, to its export control list: no Chinese dual-use items may be exported to them.",
        "source": "MOFCOM Announcement 2025 No. 1 (2025-01-02)",
    },
    {
        "date": "2025-04-15",
        "kind": "licensing",
        "title": "Licence requirement on H20 chips to China",
        "summary": "Nvidia discloses that the US government requires a licence, indefinitely, for H20 (and AMD MI308) exports to China.",
        "source": "Nvidia Form 8-K of 2025-04-15 (informed 2025-04-09); AMD statement 2025-04-16",
    },
    {
        "date": "2025-07-14",
        "kind": "licensing",
        "title": "H20 sales to China to resume",
        "summary": "Nvidia says the US government assured it licences for H20 sales to China will be granted, reversing the April requirement in practice.",
        "source": "Nvidia statement of 2025-07-14 (Reuters, CNBC reports 2025-07-15)",
    },
    {
        "date": "2025-07-28",
        "kind": "talks",
        "title": "Stockholm talks (28-29 July); new controls reported frozen",
        "summary": "Third round of the consultation mechanism extends the truce talks; the US is reported to hold back new export controls on China meanwhile.",
        "source": "MOFCOM and USTR readouts 2025-07-29; Financial Times report of 2025-07-28 on the freeze (reported, not officially confirmed)",
    },
    {
        "date": "2020-09-19",
        "kind": "china_control",
        "title": "China Unreliable Entity List provisions",
        "summary": "MOFCOM Order No. 4 of 2020 sets up the Unreliable Entity List, in force on publication.",
        "source": "MOFCOM Order 2020 No. 4; Squire Patton Boggs alert Sep 2020",
    },
    {
        "date": "2020-12-01",
        "kind": "china_control",
        "title": "China Export Control Law in force",
        "summary": "China's first comprehensive export control law (adopted 17 Oct 2020) takes effect, with extraterritorial reach.",
        "source": "NPC Standing Committee; CRS Insight IN11524 (26 Oct 2020)",
    },
    {
        "date": "2022-10-07",
        "kind": "us_control",
        "title": "US advanced computing and semiconductor rule",
        "summary": "BIS interim final rule adds 3A090/4A090 advanced chips, SME controls and supercomputer end-use rules for China.",
        "source": "87 FR 62186 (published 2022-10-13, effective 2022-10-07)",
    },
    {
        "date": "2023-10-17",
        "kind": "us_control",
        "title": "US update of the advanced computing rules",
        "summary": "BIS releases two IFRs: performance-density threshold for 3A090, wider SME controls, licences for D:5 destinations.",
        "source": "BIS IFRs released 2023-10-17 (published 2023-10-25); Kelley Drye, Thompson Hine alerts",
    },
    {
        "date": "2024-12-02",
        "kind": "us_control",
        "title": "US HBM and SME rule, 140 Entity List additions",
        "summary": "BIS controls high-bandwidth memory and 24 types of SME, adds new FDP rules and 140 entities.",
        "source": "89 FR 96790 (IFR effective 2024-12-02); Holland & Knight, Thompson Hine alerts",
    },
    {
        "date": "2024-12-03",
        "kind": "china_control",
        "title": "China bans gallium, germanium, antimony exports to the US",
        "summary": "Beijing answers the Dec 2 rule with a ban in principle on gallium, germanium, antimony and superhard materials to the US.",
        "source": "MOFCOM announcement of 2024-12-03; Trade Compliance Resource Hub 2024-12-03",
    },
    {
        "date": "2025-01-15",
        "kind": "us_control",
        "title": "Framework for AI Diffusion",
        "summary": "BIS rule sets worldwide licensing for advanced AI chips and model weights in three country tiers.",
        "source": "BIS IFR released 2025-01-13, published 2025-01-15; compliance date 2025-05-15",
    },
    {
        "date": "2025-04-02",
        "kind": "tariff",
        "title": "US 'reciprocal' tariffs",
        "summary": "Executive Order 14257 imposes country-specific additional tariffs, 34% on China, raised again on 8-9 April.",
        "source": "EO 14257 of 2025-04-02 (cited in the Geneva joint statement)",
    },
    {
        "date": "2025-04-04",
        "kind": "china_control",
        "title": "China controls seven rare earth elements",
        "summary": "MOFCOM/GAC Announcement No. 18: licences for samarium, gadolinium, terbium, dysprosium, lutetium, scandium, yttrium.",
        "source": "MOFCOM/GAC Announcement 2025 No. 18; Holland & Knight alert 2025-04-04",
    },
    {
        "date": "2025-05-12",
        "kind": "talks",
        "title": "Geneva joint statement (90-day truce)",
        "summary": "US and China each suspend 24 points of the April tariffs for 90 days, keep 10%, and set up a consultation mechanism.",
        "source": "Joint Statement on U.S.-China Economic and Trade Meeting in Geneva, 2025-05-12",
    },
    {
        "date": "2025-05-13",
        "kind": "us_control",
        "title": "AI diffusion rule rescission announced",
        "summary": "BIS says it will rescind the AI Diffusion rule and not enforce it from 15 May.",
        "source": "BIS announcement 2025-05-13; Akin Gump, Freshfields alerts",
    },
    {
        "date": "2025-05-13",
        "kind": "us_control",
        "title": "BIS guidance on Huawei Ascend chips",
        "summary": "Guidance that using PRC advanced-computing ICs such as Huawei Ascend anywhere may violate General Prohibition 10.",
        "source": "BIS guidance 2025-05-13; Alston & Bird trade blog",
    },
    {
        "date": "2025-05-23",
        "kind": "licensing",
        "title": "US licence requirements on EDA software and ethane",
        "summary": "Commerce letters require licences for chip-design (EDA) software to China; ethane and other goods follow.",
        "source": "Reports citing letters of 23 May 2025 (FT, via uniteddaily.my); ethane date approximate (late May-early June 2025), not verified",
    },
    {
        "date": "2025-06-09",
        "kind": "talks",
        "title": "London talks (9-10 June)",
        "summary": "First meeting of the US-China economic and trade consultation mechanism agrees a framework to implement Geneva.",
        "source": "MOFCOM readout 2025-06-11; AP and CNBC reports 2025-06-10",
    },
    {
        "date": "2025-07-02",
        "kind": "licensing",
        "title": "EDA and ethane licence requirements lifted",
        "summary": "Synopsys, Cadence and Siemens say Commerce rescinded the EDA restrictions; ethane licences eased the same week.",
        "source": "Company statements 2025-07-02 (Trivium China); ethane lifting date approximate (early July 2025)",
    },
    {
        "date": "2025-08-11",
        "kind": "licensing",
        "title": "H20/MI308 licences tied to 15% revenue share",
        "summary": "Nvidia and AMD agree to pay 15% of China H20/MI308 revenue to the US government for export licences.",
        "source": "Financial Times report of 2025-08-10, confirmed 2025-08-11; licences issued from 2025-08-08",
    },
    {
        "date": "2025-09-29",
        "kind": "us_control",
        "title": "BIS Affiliates rule (50% rule)",
        "summary": "Entity List and MEU restrictions extend to any entity at least 50% owned by listed parties.",
        "source": "BIS IFR 'Expansion of End-User Controls To Cover Affiliates of Certain Listed Entities', effective 2025-09-29",
    },
    {
        "date": "2025-10-09",
        "kind": "china_control",
        "title": "China extraterritorial rare-earth controls",
        "summary": "MOFCOM Announcements 55-58, 61, 62: rare-earth technology, equipment, 0.1% de minimis and FDP-style rules.",
        "source": "MOFCOM Announcement 2025 No. 61 and related announcements of 2025-10-09; Mondaq/King & Wood Mallesons",
    },
    {
        "date": "2025-10-09",
        "kind": "china_control",
        "title": "14 entities added to China's Unreliable Entity List",
        "summary": "Mostly US defence and intelligence firms and entities linked to Taiwan's defence sector, incl. TechInsights.",
        "source": "MOFCOM announcement 2025-10-09; Crowell & Moring (cmtradelaw.com)",
    },
    {
        "date": "2025-10-10",
        "kind": "tariff",
        "title": "US announces additional 100% tariffs",
        "summary": "President announces an extra 100% tariff on China and controls on 'any and all critical software' from 1 November.",
        "source": "Truth Social post 2025-10-10; CBS News, CNA reports",
    },
    {
        "date": "2025-10-30",
        "kind": "talks",
        "title": "Busan Trump-Xi meeting",
        "summary": "Leaders agree to de-escalate: China pauses the October controls, the US pauses the Affiliates rule and the 100% tariff.",
        "source": "White House fact sheet 2025-11-01; MOFCOM statement 2025-10-30",
    },
    {
        "date": "2025-11-07",
        "kind": "china_control",
        "title": "China suspends the October export controls",
        "summary": "MOFCOM/GAC Announcement No. 70 suspends Announcements 55-58, 61 and 62 until 2026-11-10; April rare-earth licensing stays.",
        "source": "MOFCOM/GAC Announcement 2025 No. 70 of 2025-11-07 (Resilinc, FDD summaries)",
    },
    {
        "date": "2025-11-10",
        "kind": "us_control",
        "title": "US suspends the Affiliates rule for one year",
        "summary": "The US pauses the 50% Affiliates rule for a year and lowers the fentanyl tariff from 20% to 10%.",
        "source": "White House fact sheet 2025-11-01 (one-year pause from 2025-11-10); exact Federal Register date not verified",
    },
]

#: Events that concern every partner (worldwide rules and tariffs), by (date, title); the rest concern China.
WORLDWIDE: frozenset[tuple[str, str]] = frozenset(
    {
        ("2018-08-13", "Export Control Reform Act (ECRA) enacted"),
        ("2025-01-15", "Framework for AI Diffusion"),
        ("2025-04-02", "US 'reciprocal' tariffs"),
        ("2025-05-13", "AI diffusion rule rescission announced"),
        ("2025-05-13", "BIS guidance on Huawei Ascend chips"),
        ("2025-09-29", "BIS Affiliates rule (50% rule)"),
        ("2025-11-10", "US suspends the Affiliates rule for one year"),
    }
)
for _event in EVENTS:
    _event.setdefault("partners", "*" if (_event["date"], _event["title"]) in WORLDWIDE else "CHN")
    _event.setdefault("eccns", "")
assert sum(e["partners"] == "*" for e in EVENTS) == len(WORLDWIDE), "a WORLDWIDE entry names no event"
