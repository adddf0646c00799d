"""The view in the address bar: partner, years, item and drill-down as a query string.

A copied address reopens the same view (`/items?partner=CHN&year=2023&item=2B001`,
`/?partner=JPN&years=2015-2023&hs=8458`). Reading goes one way (URL -> controls) and writing the
other (controls -> URL); each returns "nothing to change" when the other side already agrees, so the
pair settles after one round instead of looping. Unknown values never raise: they fall back to a sane
default and come back as a message the page shows inline.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from dashboard.logic.items import item_years
from dashboard.logic.trade import partner_options, totals_years

_YEARS = re.compile(r"^\s*(\d{4})\s*(?:[-–:]\s*(\d{4}))?\s*$")
_HS = re.compile(r"^\d{2}(\d{2}(\d{2})?)?$")


def parse_query(search: str | None) -> dict[str, str]:
    """`?a=1&b=2` -> {"a": "1", "b": "2"} (the last value of a repeated key; blanks dropped)."""
    return {k: v.strip() for k, v in parse_qsl((search or "").lstrip("?"), keep_blank_values=False) if v.strip()}


def query_string(params: dict[str, Any]) -> str:
    """{"partner": "CHN", "item": None} -> "?partner=CHN" (empty values left out, order kept; a list
    repeats its key: {"compare": ["a", "b"]} -> "?compare=a&compare=b")."""
    kept = {
        k: [str(x) for x in v] if isinstance(v, list | tuple) else str(v)
        for k, v in params.items()
        if v not in (None, "", [], ())
    }
    return "?" + urlencode(kept, safe="-", doseq=True) if kept else ""


def query_list(search: str | None, key: str) -> list[str]:
    """Every value of a repeated key, in order (blanks dropped)."""
    return [v.strip() for k, v in parse_qsl((search or "").lstrip("?")) if k == key and v.strip()]


def same_path(pathname: str | None, path: str) -> bool:
    """Whether the URL shows the page served at `path` (trailing slash ignored)."""
    return ((pathname or "/").rstrip("/") or "/") == (path.rstrip("/") or "/")


@dataclass
class UrlView:
    """What a query string asks a page to show, checked against the data, with what was refused."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _partner(ds: Any, query: dict[str, str], view: UrlView) -> None:
    if "partner" not in query:
        return
    known = [o["value"] for o in partner_options(ds)]
    p = query["partner"].upper()
    if p in known:
        view.values["partner"] = p
    else:
        view.problems.append(f"Unknown partner '{query['partner']}' in the address: choose one of {', '.join(known)}.")


def items_url_view(ds: Any, search: str | None, eccns: set[str]) -> UrlView:
    """Partner, trade year and selected item of the Control list asked by `search`.
    `eccns`: the items of the control list (an unknown item is refused with a message)."""
    query = parse_query(search)
    view = UrlView()
    _partner(ds, query, view)
    _year(ds, query, view)
    if "item" in query:
        eccn = query["item"].upper()
        if eccn in eccns:
            view.values["item"] = eccn
        else:
            view.problems.append(f"No item '{query['item']}' in the control list: showing the list.")
    return view


def trade_url_view(ds: Any, search: str | None) -> UrlView:
    """Partner, year range, flow and HS drill-down of the Trade page asked by `search`."""
    query = parse_query(search)
    view = UrlView()
    _partner(ds, query, view)
    if "years" in query:
        all_years = totals_years(ds)
        m = _YEARS.match(query["years"])
        if m:
            a, b = int(m.group(1)), int(m.group(2) or m.group(1))
            lo, hi = sorted((a, b))
            if all_years and lo <= all_years[-1] and hi >= all_years[0]:
                view.values["years"] = [max(lo, all_years[0]), min(hi, all_years[-1])]
            else:
                m = None
        if not m:
            span = f"{all_years[0]}–{all_years[-1]}" if all_years else "none"
            view.problems.append(f"Years '{query['years']}' are outside the data ({span}): showing all years.")
    if "flow" in query:
        if query["flow"] in ("exports", "imports"):
            view.values["flow"] = query["flow"]
        else:
            view.problems.append(f"Unknown flow '{query['flow']}': showing US exports.")
    if "hs" in query:
        if _HS.match(query["hs"]):
            view.values["hs"] = query["hs"]
        else:
            view.problems.append(f"'{query['hs']}' is not an HS chapter, heading or subheading: showing all chapters.")
    return view


def years_param(years: list[int] | None) -> str | None:
    """[2015, 2023] -> "2015-2023" (one year: "2023")."""
    if not years or len(years) != 2:
        return None
    a, b = int(years[0]), int(years[1])
    return str(a) if a == b else f"{a}-{b}"


def problems_alert(view: UrlView) -> Any:
    """An inline, dismissable warning naming what the address asked for and could not be shown;
    `no_update` when all was understood (a later round of the URL <-> controls pair must not wipe
    the message the first round showed)."""
    import dash_bootstrap_components as dbc
    from dash import no_update

    if not view.problems:
        return no_update
    return dbc.Alert(
        " ".join(view.problems), color="warning", dismissable=True, className="py-1 px-2 small mb-2 url-alert"
    )


def scenarios_url_view(search: str | None, known: list[str]) -> UrlView:
    """The scenario picked and the scenarios compared on the Scenarios page, asked by `search`;
    `known`: the values the page's selectors offer (names for analysts, share ids for allies)."""
    view = UrlView()
    pick = parse_query(search).get("scenario")
    if pick is not None:
        if pick in known:
            view.values["scenario"] = pick
        else:
            view.problems.append(f"No saved scenario '{pick}' (or it is not shared with you): showing the first.")
    compared = query_list(search, "compare")
    if compared:
        ok = [c for c in compared if c in known]
        missing = [c for c in compared if c not in known]
        if ok:
            view.values["compare"] = list(dict.fromkeys(ok))
        if missing:
            view.problems.append(f"Not among the saved scenarios, left out of the comparison: {', '.join(missing)}.")
    return view


# ------------------------------------------------------------------------------ Package builder
#: The builder's form keys (`package_inputs.FormValues`) and their defaults: the address names only
#: what differs from them (partner, year and target always), so a link stays short.
PACKAGE_DEFAULTS: dict[str, Any] = {
    "objective": "min-risk",
    "max_items": None,
    "risk_budget": None,
    "locks": "",
    "forced": "",
    "ally_policy": "exclude",
    "ally_penalty": 0.5,
    "coherence": True,
    "bis_alone": False,
    "no_diversion": False,
}
OBJECTIVES = ("min-risk", "max-value", "min-items")
ALLY_POLICIES = ("exclude", "penalty", "ignore")
_ON, _OFF = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def usd_param(target_bn: Any) -> str | None:
    """A target in US$ bn as the address writes it: 0.005 -> "5m", 2.5 -> "2.5bn", 0.0004 -> "400k"."""
    try:
        usd = float(target_bn) * 1e9
    except (TypeError, ValueError):
        return None
    if usd != usd or usd < 0:
        return None
    if usd >= 1e9:
        return f"{usd / 1e9:.10g}bn"
    if usd >= 1e6 or usd == 0:
        return f"{usd / 1e6:.10g}m"
    return f"{usd / 1e3:.10g}k"


def _number(text: str, lo: float | None = None, hi: float | None = None) -> float | None:
    """A finite number within [lo, hi], else None: "inf" and "nan" parse as floats but are no
    setting (an address with `max=inf` used to reach `int(inf)`)."""
    try:
        x = float(text)
    except ValueError:
        return None
    if not math.isfinite(x) or (lo is not None and x < lo) or (hi is not None and x > hi):
        return None
    return x


def _bounded(
    query: dict[str, str],
    key: str,
    view: UrlView,
    out: str,
    label: str,
    refusal: str,
    lo: float | None = None,
    hi: float | None = None,
    whole: bool = False,
) -> None:
    """`query[key]` as the number `out` when it lies within [lo, hi] (and is whole, with `whole`);
    else the message "<label> '<value>' <refusal>" and the form's default."""
    if key not in query:
        return
    x = _number(query[key], lo, hi)
    if x is None or (whole and x != int(x)):
        view.problems.append(f"{label} '{query[key]}' {refusal}")
    else:
        view.values[out] = int(x) if whole else x


def _choice(
    query: dict[str, str], key: str, choices: tuple[str, ...], view: UrlView, out: str, what: str, fallback: str
) -> None:
    """`query[key]` as `out` when it is one of `choices`; else "Unknown <what> ..." and `fallback`."""
    if key not in query:
        return
    if query[key] in choices:
        view.values[out] = query[key]
    else:
        view.problems.append(f"Unknown {what} '{query[key]}' (one of {', '.join(choices)}): {fallback}.")


def _flag(query: dict[str, str], key: str, label: str, view: UrlView, out: str) -> None:
    if key not in query:
        return
    v = query[key].lower()
    if v in _ON or v in _OFF:
        view.values[out] = v in _ON
    else:
        view.problems.append(f"'{key}={query[key]}' is not on (1) or off (0): {label} left as it was.")


def _year(ds: Any, query: dict[str, str], view: UrlView) -> None:
    if "year" not in query:
        return
    years = item_years(ds)
    try:
        y: int | None = int(query["year"])
    except ValueError:
        y = None
    if y in years:
        view.values["year"] = y
    else:
        span = f"{years[0]}–{years[-1]}" if years else "none"
        view.problems.append(f"No trade year '{query['year']}' in the data (years {span}): showing the latest.")


def package_url_view(ds: Any, search: str | None) -> UrlView:
    """The Package builder's inputs asked by `search` (`/package?partner=CHN&target=5m&fa=0.5`), as
    `FormValues` keys; each refused value is left at the form's default with a message. ECCN lists
    (lock, force, oppose) are handed over as written: the form's own validation names unknown items.
    The address fills the form only: the run waits for Run, as it always does."""
    from optimizer.cli.optimize import parse_usd
    from optimizer.data.schema import ALLIES
    from optimizer.errors import DecontrolError
    from optimizer.model.scenario import MODES

    query = parse_query(search)
    view = UrlView()
    _partner(ds, query, view)
    _year(ds, query, view)
    v = view.values
    if "target" in query:
        try:
            v["target_bn"] = round(parse_usd(query["target"]) / 1e9, 12)
        except DecontrolError:
            view.problems.append(
                f"Target '{query['target']}' is not an amount with its unit (e.g. 5m, 2.5bn): showing the suggested target."
            )
    _choice(query, "objective", OBJECTIVES, view, "objective", "objective", "least risk")
    _bounded(
        query, "fa", view, "min_fa", "Foreign-availability threshold", "is not between 0 and 1: the default.", 0, 1
    )
    _bounded(
        query, "max", view, "max_items", "Max items", "is not a whole number of at least 1: no limit.", 1, whole=True
    )
    _bounded(query, "risk", view, "risk_budget", "Risk budget", "is not a number of points >= 0: no budget.", 0)
    if "modes" in query:
        asked = [m.strip() for m in query["modes"].split(",") if m.strip()]
        unknown = [m for m in asked if m not in MODES]
        if unknown or not asked:
            view.problems.append(
                f"Unknown relief modes {', '.join(unknown) or '(none)'} (of {', '.join(MODES)}): all modes."
            )
        else:
            v["modes"] = [m for m in MODES if m in asked]
    for key, out in (("lock", "locks"), ("force", "forced")):
        if key in query:
            v[out] = ", ".join(e for e in re.split(r"[\s,;]+", query[key].upper()) if e)
    _choice(query, "allies", ALLY_POLICIES, view, "ally_policy", "ally policy", "exclude")
    _bounded(query, "penalty", view, "ally_penalty", "Ally penalty", "is not a number >= 0: the default.", 0)
    _flag(query, "coherence", "coherence", view, "coherence")
    _flag(query, "bis_alone", "'BIS alone'", view, "bis_alone")
    _flag(query, "nodiv", "the diversion screen", view, "no_diversion")
    caps: dict[str, int] = {}
    for cap in query_list(search, "cap"):
        cat, _, count = cap.partition(":")
        num = _number(count, 0)
        if cat.strip() in [str(c) for c in range(10)] and num is not None and num == int(num):
            caps[cat.strip()] = int(num)
        else:
            view.problems.append(f"Cap '{cap}' is not CATEGORY:N (e.g. 3:2): left out.")
    if caps:
        v["caps"] = caps
    oppose: dict[str, str] = {}
    for entry in query_list(search, "oppose"):
        iso, _, eccns = entry.partition(":")
        iso = iso.strip().upper()
        if iso in ALLIES and eccns.strip():
            oppose[iso] = ", ".join(e for e in re.split(r"[\s,;]+", eccns.upper()) if e)
        else:
            view.problems.append(
                f"Opposition '{entry}' is not ALLY:ECCNs with an ally of {', '.join(ALLIES)}: left out."
            )
    if oppose:
        v["ally_oppose"] = oppose
    return view


def _differs(value: Any, default: Any) -> bool:
    if value in (None, "") and default in (None, ""):
        return False
    try:
        return abs(float(value) - float(default)) > 1e-12
    except (TypeError, ValueError):
        return value != default


def package_query(form: Any) -> str:
    """The query string of the builder's form (`FormValues`): partner, year and target always, the rest
    where it differs from the form's defaults."""
    from optimizer.data.schema import ALLIES
    from optimizer.model.scenario import DEFAULT_MIN_FA, MODES

    def num(x: Any) -> str | None:
        try:
            return f"{float(x):.10g}"
        except (TypeError, ValueError):
            return None

    d = PACKAGE_DEFAULTS
    modes = [m for m in MODES if m in (form.modes or [])]
    ecc = lambda s: ",".join(e for e in re.split(r"[\s,;]+", str(s or "").upper()) if e) or None  # noqa: E731
    caps = [
        f"{cat}:{int(float(n))}"
        for cat, n in (form.caps or {}).items()
        if n not in (None, "") and num(n) is not None and float(n) == int(float(n))
    ]
    oppose = [f"{iso}:{ecc(form.ally_oppose.get(iso))}" for iso in ALLIES if ecc((form.ally_oppose or {}).get(iso))]
    params: dict[str, Any] = {
        "partner": form.partner,
        "year": form.year,
        "target": usd_param(form.target_bn),
        "objective": form.objective if _differs(form.objective, d["objective"]) else None,
        "fa": num(form.min_fa) if _differs(form.min_fa, DEFAULT_MIN_FA) else None,
        "max": num(form.max_items) if _differs(form.max_items, None) else None,
        "risk": num(form.risk_budget) if _differs(form.risk_budget, None) else None,
        "modes": ",".join(modes) if modes != list(MODES) else None,
        "lock": ecc(form.locks),
        "force": ecc(form.forced),
        "allies": form.ally_policy if _differs(form.ally_policy, d["ally_policy"]) else None,
        "penalty": num(form.ally_penalty)
        if form.ally_policy == "penalty" and _differs(form.ally_penalty, d["ally_penalty"])
        else None,
        "coherence": "0" if not form.coherence else None,
        "bis_alone": "1" if form.bis_alone else None,
        "nodiv": "1" if form.no_diversion else None,
        "cap": caps,
        "oppose": oppose,
    }
    return query_string(params)


# ------------------------------------------------------------------------------ Allies
#: Positions longer than this stay out of the address (a link is not a document).
POSITIONS_IN_URL = 500


def allies_url_view(ds: Any, search: str | None, choices: tuple[str, ...]) -> UrlView:
    """Partner, coalition members, shared risk budget and (short) positions of the Allies page asked
    by `search` (`/allies?partner=CHN&members=JPN,NLD&budget=1.5&positions=JPN+3A991+oppose`); the
    positions text is checked by the page itself, as if typed."""
    query = parse_query(search)
    view = UrlView()
    _partner(ds, query, view)
    if "members" in query:
        asked = [m.strip().upper() for m in query["members"].split(",") if m.strip() and m.strip().lower() != "none"]
        ok = [c for c in choices if c in asked]
        unknown = [m for m in asked if m not in choices]
        view.values["members"] = ok
        if unknown:
            view.problems.append(
                f"Not among the coalition allies ({', '.join(choices)}), left out: {', '.join(unknown)}."
            )
    _bounded(query, "budget", view, "budget", "Risk budget", "is not a number of points >= 0: the default.", 0)
    if "positions" in query:
        view.values["positions"] = query["positions"]
    return view


def allies_query(
    partner: Any, members: list[str] | None, budget: Any, positions: str | None, choices: tuple[str, ...]
) -> str:
    """The Allies page's query string (positions only when short enough for an address)."""
    text = (positions or "").strip()
    try:
        b: str | None = f"{float(budget):.10g}"
    except (TypeError, ValueError):
        b = None
    return query_string(
        {
            "partner": partner,
            "members": ",".join(c for c in choices if c in (members or [])) or "none",
            "budget": b,
            "positions": text if len(text) <= POSITIONS_IN_URL else None,
        }
    )


def package_form(values: dict[str, Any], partner: str, year: Any, suggested_bn: Any) -> dict[str, Any]:
    """The whole builder form an address asks for (`scenarios.form_from_inputs` format: caps in
    category order, oppositions in `ALLIES` order): what it names, the form's defaults for the rest
    (a copied link reproduces the run whatever the colleague's browser kept), the partner's
    suggested target when it names none."""
    from dashboard.logic.package_inputs import CATEGORIES
    from optimizer.data.schema import ALLIES
    from optimizer.model.scenario import DEFAULT_MIN_FA, MODES

    caps = values.get("caps") or {}
    oppose = values.get("ally_oppose") or {}
    return {
        **PACKAGE_DEFAULTS,
        "partner": values.get("partner", partner),
        "year": values.get("year", year),
        "target_bn": values.get("target_bn", suggested_bn),
        "min_fa": DEFAULT_MIN_FA,
        "modes": list(MODES),
        **{k: v for k, v in values.items() if k not in ("caps", "ally_oppose")},
        "caps": [caps.get(c) for c in CATEGORIES],
        "ally_oppose": [oppose.get(iso, "") for iso in ALLIES],
    }


def current_form(form: Any) -> dict[str, Any]:
    """The builder's `FormValues` in the `package_form` format (to compare the two)."""
    from dashboard.logic.package_inputs import CATEGORIES
    from optimizer.data.schema import ALLIES

    d = dict(form.__dict__)
    d["caps"] = [(form.caps or {}).get(c) for c in CATEGORIES]
    d["ally_oppose"] = [(form.ally_oppose or {}).get(iso) or "" for iso in ALLIES]
    return d


def same_value(a: Any, b: Any) -> bool:
    """Form values equal as the form reads them ("2023" == 2023, 0.5 == "0.5", None == "")."""
    if isinstance(a, list) or isinstance(b, list):
        return list(a or []) == list(b or [])
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b)
    return not _differs(a, b)
