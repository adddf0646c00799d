"""Every component id in the dashboard, in one place.

Layouts and callbacks import ids from here, never spell them: a renamed id is then one edit, and a
typo is an AttributeError at import rather than a silently dead callback. Prefixes say which page
owns an id (`nav-`, `trade-`, `items-`, `pkg-`).
"""

from __future__ import annotations

import json


def dom_id(component_id: str | dict) -> str:
    """The DOM id Dash gives a component: the string itself, or a pattern-matching dict as sorted JSON."""
    if isinstance(component_id, str):
        return component_id
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))


# --- shell (every page) ---------------------------------------------------------------------------
URL = "nav-url"
PAGE = "nav-page"
PAGE_PATH = "nav-page-path"  # store: the path of the page on display
NAVBAR = "nav-bar"
DATA_BADGE = "nav-data-badge"
PARTNER_STORE = "nav-partner-store"  # the partner chosen last, shared by all pages (session storage)
ALLY_PREVIEW = "nav-ally-preview"  # analyst's switch: show what an ally sees (enforced in callbacks)
NAV_USER = "nav-user"  # signed-in user and logout link (authentication on)
NAV_LINK = "nav-link"  # pattern {"type": NAV_LINK, "path": page path}: a link of the navbar
PREVIEW_BANNER = "nav-preview-banner"  # says an analyst is previewing the ally view
PAGE_VIEW = "nav-page-view"  # store: the audience the page on display was drawn for (internal / ally)

# --- 1. Trade ---------------------------------------------------------------------------------------
TRADE_PARTNER = "trade-partner"
TRADE_YEARS = "trade-years"
TRADE_FLOW = "trade-flow"
TRADE_KPIS = "trade-kpis"
TRADE_SERIES = "trade-series"
TRADE_EVENTS = "trade-events"  # the policy events list under the totals chart (ECCNs link to the Control list)
TRADE_EVENTS_ALL = "trade-events-all"  # button: all the events of the range / the latest only
TRADE_COMPOSITION = "trade-composition"
TRADE_COMPOSITION_NOTE = "trade-composition-note"
TRADE_CONTROLLED = "trade-controlled"
TRADE_CONTROLLED_NOTE = "trade-controlled-note"
TRADE_CONTROLLED_TABLE = "trade-controlled-table"
TRADE_ALERT = "trade-alert"
TRADE_URL_ALERT = "trade-url-alert"  # what the address asked for and could not be shown
TRADE_SHOWN = "trade-shown"  # store: the partner and years the KPIs and series show (the lists below follow it)
TRADE_DRILL = "trade-drill"  # store: the HS prefix drilled into ("" all chapters, "84", "8458", "845891")
TRADE_DRILL_CRUMBS = "trade-drill-crumbs"
TRADE_DRILL_BODY = "trade-drill-body"
TRADE_DRILL_TABLE = "trade-drill-table"
TRADE_DRILL_ALL = "trade-drill-all"  # button: every code of the level / the largest only
TRADE_DRILL_ROW = "trade-drill-row"  # pattern {"type": TRADE_DRILL_ROW, "code": HS code}: drill into it
TRADE_DRILL_CRUMB = "trade-drill-crumb"  # pattern {"type": TRADE_DRILL_CRUMB, "code": HS prefix}: back up

# --- 2. Control list --------------------------------------------------------------------------------
ITEMS_PARTNER = "items-partner"
ITEMS_YEAR = "items-year"
ITEMS_SEARCH = "items-search"
ITEMS_SEARCH_COUNT = "items-search-count"  # how many rows the search leaves in the grid
ITEMS_TIERS = "items-tiers"
ITEMS_SUMMARY = "items-summary"
ITEMS_GRID = "items-grid"
ITEMS_ALERT = "items-alert"
ITEMS_URL_ALERT = "items-url-alert"  # what the address asked for and could not be shown
ITEMS_CSV = "items-csv"  # download the grid's rows as shown (CSV with provenance rows)
ITEMS_XLSX = "items-xlsx"
ITEMS_DOWNLOAD = "items-download"
ITEMS_PANEL = "items-panel"
ITEMS_PANEL_BODY = "items-panel-body"
ITEMS_SELECTED = "items-selected"  # store: the ECCN shown in the panel
ITEMS_OVERRIDE_TIER = "items-override-tier"
ITEMS_OVERRIDE_REASON = "items-override-reason"
ITEMS_OVERRIDE_AUTHOR = "items-override-author"
ITEMS_OVERRIDE_REASON_FEEDBACK = "items-override-reason-feedback"
ITEMS_OVERRIDE_AUTHOR_FEEDBACK = "items-override-author-feedback"
ITEMS_OVERRIDE_SAVE = "items-override-save"
ITEMS_OVERRIDE_FEEDBACK = "items-override-feedback"
ITEMS_OVERRIDE_VERSION = "items-override-version"  # store: bumps after a recorded override
ITEMS_POTENTIAL = "items-potential"  # graph: potential vs actual US exports per item
ITEMS_POTENTIAL_NOTE = "items-potential-note"
ITEMS_POTENTIAL_SUMMARY = "items-potential-summary"  # the chart's fold: its first opening draws the chart
ITEMS_POTENTIAL_BOX = "items-potential-box"  # holds the chart once drawn (no plotly.js before it is opened)
ITEMS_EVIDENCE = "items-evidence"  # the item panel's trade evidence (series, potential per code, suppliers)
ITEMS_SUPPLIER_RANKING = "items-supplier-ranking"  # table: top exporters to the world and to the partner

# --- 3. Package builder -----------------------------------------------------------------------------
PKG_PARTNER = "pkg-partner"
PKG_URL_ALERT = "pkg-url-alert"  # what the address asked for and could not be shown
PKG_URL_WRITTEN = "pkg-url-written"  # store: the query the builder last wrote (its own echo is not read back)
PKG_YEAR = "pkg-year"
PKG_TARGET = "pkg-target"
PKG_TARGET_FEEDBACK = "pkg-target-feedback"
PKG_OBJECTIVE = "pkg-objective"
PKG_FA_THRESHOLD = "pkg-fa-threshold"
PKG_MAX_ITEMS = "pkg-max-items"
PKG_MAX_ITEMS_FEEDBACK = "pkg-max-items-feedback"
PKG_MODES = "pkg-modes"
PKG_MODES_FEEDBACK = "pkg-modes-feedback"
PKG_RISK_BUDGET = "pkg-risk-budget"
PKG_RISK_BUDGET_FEEDBACK = "pkg-risk-budget-feedback"
PKG_CAP = "pkg-cap"  # pattern-matching: {"type": PKG_CAP, "cat": "0".."9"}
PKG_CAPS_FEEDBACK = "pkg-caps-feedback"
PKG_COHERENCE = "pkg-coherence"
PKG_BIS_ALONE = "pkg-bis-alone"  # switch: only items BIS can decide alone
PKG_NO_DIVERSION = "pkg-no-diversion"  # switch: leave out items whose codes show strong diversion signals
PKG_LOCKS = "pkg-locks"
PKG_LOCKS_FEEDBACK = "pkg-locks-feedback"
PKG_FORCED = "pkg-forced"
PKG_FORCED_FEEDBACK = "pkg-forced-feedback"
PKG_ALLY = "pkg-ally"  # pattern-matching: {"type": PKG_ALLY, "iso": ISO3}
PKG_ALLY_FEEDBACK = "pkg-ally-feedback"  # pattern-matching: {"type": PKG_ALLY_FEEDBACK, "iso": ISO3}
PKG_ALLY_POLICY = "pkg-ally-policy"
PKG_ALLY_PENALTY = "pkg-ally-penalty"
PKG_ALLY_PENALTY_FEEDBACK = "pkg-ally-penalty-feedback"
PKG_VALIDATION = "pkg-validation"
PKG_RUN = "pkg-run"
PKG_CANCEL = "pkg-cancel"
PKG_PROGRESS = "pkg-progress"
PKG_PROGRESS_TEXT = "pkg-progress-text"
PKG_RESULT = "pkg-result"  # store: the last run's package (phase 1) as JSON
PKG_TARGET_SUGGESTED = "pkg-target-suggested"  # store: the target suggested for the partner shown (US$ bn)
PKG_EXTRAS = "pkg-extras"  # store: its frontier and alternatives (phase 2, background job), tagged with the run id
PKG_SHOWN = "pkg-shown"  # store: which package is displayed: {"kind": main|frontier|alternative, "index": n}
PKG_STATUS = "pkg-status"
PKG_OPENED_NOTE = "pkg-opened-note"  # which saved scenario the builder shows, after "Open in builder"
PKG_KPIS = "pkg-kpis"
PKG_TABLE = "pkg-table"
PKG_EXCLUDED = "pkg-excluded"
PKG_BINDING = "pkg-binding"
PKG_FRONTIER = "pkg-frontier"
PKG_FRONTIER_BOX = "pkg-frontier-box"  # holds the frontier graph once there is a run (no plotly.js before)
PKG_ALTERNATIVES = "pkg-alternatives"
PKG_SHOW_ALT = "pkg-show-alt"  # pattern-matching: {"type": PKG_SHOW_ALT, "index": n}
PKG_USE_MAX = "pkg-use-max"
PKG_SIDE_TRADE = "pkg-side-trade"
PKG_SIDE_NOTE = "pkg-side-note"
PKG_ERROR = "pkg-error"
PKG_CSV = "pkg-csv"  # download the shown package (CSV; XLSX with the items left out as a second sheet)
PKG_XLSX = "pkg-xlsx"
PKG_EXCLUDED_CSV = "pkg-excluded-csv"  # download the items left out with their reasons
PKG_EXCLUDED_XLSX = "pkg-excluded-xlsx"
PKG_DOWNLOAD = "pkg-download"

# --- 4. Scenarios: management (analyst only: `scn-` outputs are refused for allies on the server) ---
SCN_CURRENT = "scn-current"  # store (shell): the package builder's last run, kept across pages
SCN_OPENED = "scn-opened"  # store (shell): {"name", "version"} of the scenario opened in the builder
SCN_OPEN_FORM = "scn-open-form"  # store (shell): form values waiting to be loaded into the builder
SCN_CURRENT_NOTE = "scn-current-note"
SCN_NAME = "scn-name"
SCN_SAVE = "scn-save"
SCN_FEEDBACK = "scn-feedback"
SCN_NEW_NAME = "scn-new-name"
SCN_OPEN = "scn-open"
SCN_RENAME = "scn-rename"
SCN_DUPLICATE = "scn-duplicate"
SCN_DELETE = "scn-delete"
SCN_SHARED_TITLE = "scn-shared-title"  # the title allies see instead of the internal name
SCN_SHARE = "scn-share"
SCN_ACTION_FEEDBACK = "scn-action-feedback"
SCN_LIST_VERSION = "scn-list-version"  # store: bumps after every change to the saved scenarios

# --- 4. Scenarios: list, compare, briefing (both roles; filtered by audience on the server) -------
CMP_LIST = "cmp-list"
CMP_PICK = "cmp-pick"  # the one scenario that actions and the briefing apply to
CMP_SELECT = "cmp-select"  # the scenarios compared side by side
CMP_TOTALS = "cmp-totals"
CMP_DIFF = "cmp-diff"
CMP_INPUTS = "cmp-inputs"  # table: only the inputs that differ between the compared scenarios
CMP_FRONTIER = "cmp-frontier"
CMP_FRONTIER_BOX = "cmp-frontier-box"  # holds the overlay graph once two scenarios are compared
CMP_MARKING = "cmp-marking"
CMP_BRIEF_PPTX = "cmp-brief-pptx"
CMP_BRIEF_XLSX = "cmp-brief-xlsx"
CMP_BRIEF_FEEDBACK = "cmp-brief-feedback"
CMP_DOWNLOAD = "cmp-download"
CMP_ALERT = "cmp-alert"
CMP_URL_ALERT = "cmp-url-alert"  # what the address asked for and could not be shown
CMP_CSV = "cmp-csv"  # download the comparison (totals and items; XLSX adds the differences)
CMP_XLSX = "cmp-xlsx"
CMP_TABLE_DOWNLOAD = "cmp-table-download"

# --- 5. Allies and coalition (analyst only: `ally-` outputs are refused for ally users) ----------
ALLY_PARTNER = "ally-partner"
ALLY_URL_ALERT = "ally-url-alert"  # what the address asked for and could not be shown
ALLY_MEMBERS = "ally-members"
ALLY_RISK_BUDGET = "ally-risk-budget"
ALLY_POSITIONS = "ally-positions"
ALLY_PANELS = "ally-panels"
ALLY_RUN = "ally-run"
ALLY_COALITION = "ally-coalition"
ALLY_ALERT = "ally-alert"
ALLY_TO_BUILDER = "ally-to-builder"  # open the Package builder with these oppositions
ALLY_DIFF_SUMMARY = "ally-diff-summary"  # coalition vs US-only: counts of items only in one, in both
ALLY_DIFF_COALITION = "ally-diff-coalition"  # table: items only in the coalition package
ALLY_DIFF_US_ONLY = "ally-diff-us-only"  # table: items only in the US-only package
ALLY_DIFF_BOTH = "ally-diff-both"  # table: items in both
ALLY_CSV = "ally-csv"  # download the coalition run (gains per member and both packages)
ALLY_XLSX = "ally-xlsx"
ALLY_DOWNLOAD = "ally-download"
ALLY_RUN_INPUTS = "ally-run-inputs"  # store: the inputs of the coalition shown (its download solves them again)

# --- Diversion (analyst and ally; the ally view is a whitelist of columns, see logic.diversion) ----
DIV_TARGET = "div-target"
DIV_TIERS = "div-tiers"
DIV_ECCN = "div-eccn"
DIV_CSV = "div-csv"
DIV_XLSX = "div-xlsx"
DIV_DOWNLOAD = "div-download"
DIV_ALERT = "div-alert"
DIV_BANNER = "div-banner"
DIV_TABLE = "div-table"
DIV_PAIR = "div-pair"
DIV_PAIR_FIGURE = "div-pair-figure"
DIV_MATRIX = "div-matrix"

# --- Gives and gets (measures and shared exposure: both roles, whitelisted; `exg-` optimizer: analysts) --
EXG_PARTNER = "exg-partner"
EXG_DATE = "exg-date"
EXG_HORIZON = "exg-horizon"
EXG_MEMBERS = "exg-members"
EXG_UNSOURCED = "exg-unsourced"
EXG_ALERT = "exg-alert"
EXG_MEASURES_BANNER = "exg-measures-banner"
EXG_MEASURES = "exg-measures"
EXG_EXPOSURE = "exg-exposure"
EXG_BALANCE = "exg-balance"
EXG_RISK_PRICE = "exg-risk-price"
EXG_PREMIUM = "exg-premium"
EXG_RUN = "exg-run"
EXG_PARAMS = "exg-params"  # store: the parameters of the last run (results are recomputed on the server)
EXG_STATUS = "exg-status"
EXG_KPIS = "exg-kpis"
EXG_GIVES = "exg-gives"
EXG_GETS = "exg-gets"
EXG_BALANCE_FIGURE = "exg-balance-figure"
EXG_REFERENCES = "exg-references"
EXG_SAVE_NAME = "exg-save-name"
EXG_SAVE = "exg-save"
EXG_SAVE_FEEDBACK = "exg-save-feedback"
EXG_SLIDE = "exg-slide"
EXG_XLSX = "exg-xlsx"
EXG_DOWNLOAD = "exg-download"
