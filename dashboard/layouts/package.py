"""Layout of page 3, Package builder: inputs, results (KPIs, package, frontier, alternatives), partner trade."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html, no_update

from dashboard import ids
from dashboard.components import GRAPH_CONFIG, download_buttons, error_alert, field
from dashboard.ids import dom_id
from dashboard.logic.items import item_years
from dashboard.logic.package import side_trade_view, suggested_target_bn
from dashboard.logic.package_inputs import CATEGORIES
from dashboard.logic.trade import partner_names, partner_options
from dashboard.state import AppState
from optimizer.data.schema import ALLIES
from optimizer.diversion.exposure import STRONG_SIGNAL
from optimizer.errors import DecontrolError
from optimizer.model.scenario import DEFAULT_MIN_FA, MODES

#: The form's inputs survive leaving the page and coming back (the router swaps page layouts, which
#: recreated every widget at its default): what the analyst typed is kept for the browser session
#: (Dash persistence). The run's result is not: kept in session storage, a result restored by the
#: store re-triggered the background phase, and under load the frontier job was started twice and the
#: first one orphaned (the cancel button then never enabled); a run is one click away.
KEPT: dict = {"persistence": True, "persistence_type": "session"}

PATH = "/package"
NAME = "Package builder"
TITLE = "Build a decontrol package"

OBJECTIVE_OPTIONS = [
    {"label": "Least risk", "value": "min-risk"},
    {"label": "Most value (within a risk budget)", "value": "max-value"},
    {"label": "Fewest items", "value": "min-items"},
]
MODE_OPTIONS = [
    {"label": "lift the requirement", "value": "lift"},
    {"label": "licence exception eligibility", "value": "exception"},
    {"label": "presumption of approval", "value": "approval"},
    {"label": "removal from the military end-use list", "value": "meu_removal"},
]
ALLY_POLICY_OPTIONS = [
    {"label": "leave out what an ally opposes", "value": "exclude"},
    {"label": "allow, with a risk penalty per ally", "value": "penalty"},
    {"label": "ignore ally positions", "value": "ignore"},
]


def _invalid(feedback_id: str) -> dbc.FormFeedback:
    return dbc.FormFeedback(id=feedback_id, type="invalid")


def _inputs(state: AppState, partner: str) -> dbc.Card:
    ds = state.dataset()
    years = item_years(ds)
    names = partner_names(ds)
    caps = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(f"Cat. {c}", html_for=dom_id({"type": ids.PKG_CAP, "cat": c}), className="small mb-0"),
                    dbc.Input(
                        id={"type": ids.PKG_CAP, "cat": c},
                        **KEPT,
                        type="number",
                        min=0,
                        step=1,
                        size="sm",
                        placeholder="–",
                    ),
                ],
                width=2,
                className="px-1",
            )
            for c in CATEGORIES
        ],
        className="g-1 mx-0",
    )
    allies = [
        field(
            f"{names.get(iso, iso)} opposes",
            dbc.Input(id={"type": ids.PKG_ALLY, "iso": iso}, **KEPT, size="sm", placeholder="ECCNs, e.g. 2B991 3A991"),
            label_for=dom_id({"type": ids.PKG_ALLY, "iso": iso}),
            feedback=dbc.FormFeedback(id={"type": ids.PKG_ALLY_FEEDBACK, "iso": iso}, type="invalid"),
        )
        for iso in ALLIES
    ]
    more = dbc.Accordion(
        [
            dbc.AccordionItem(
                [
                    field(
                        "Relief modes",
                        dbc.Checklist(id=ids.PKG_MODES, **KEPT, value=list(MODES), options=MODE_OPTIONS),
                        "Each item offers only the instruments that exist for it and the partner; exception and "
                        "approval unlock part of the value and carry part of the risk (assumed shares).",
                        label_for=ids.PKG_MODES,
                        feedback=html.Div(id=ids.PKG_MODES_FEEDBACK, className="invalid-feedback d-block"),
                    ),
                    field(
                        "Risk budget (total risk points)",
                        dbc.Input(
                            id=ids.PKG_RISK_BUDGET,
                            **KEPT,
                            type="number",
                            min=0,
                            step=0.1,
                            size="sm",
                            placeholder="none",
                        ),
                        "Needed when maximising value.",
                        label_for=ids.PKG_RISK_BUDGET,
                        feedback=_invalid(ids.PKG_RISK_BUDGET_FEEDBACK),
                    ),
                    html.Div(
                        [
                            dbc.Label("Max items per CCL category", className="form-label small fw-semibold mb-1"),
                            caps,
                            html.Div(id=ids.PKG_CAPS_FEEDBACK, className="invalid-feedback d-block small"),
                        ],
                        className="mb-2",
                    ),
                    dbc.Switch(
                        id=ids.PKG_BIS_ALONE,
                        **KEPT,
                        value=False,
                        label="Only what BIS can decide alone (no regime, statute or other agency)",
                        className="small",
                    ),
                    dbc.Switch(
                        id=ids.PKG_COHERENCE,
                        **KEPT,
                        value=True,
                        label="Software/technology only with its hardware",
                        className="small",
                    ),
                    dbc.Switch(
                        id=ids.PKG_NO_DIVERSION,
                        value=False,
                        className="small",
                        label=f"Leave out items whose codes show strong diversion signals (score ≥ {STRONG_SIGNAL:.1f}, "
                        "Diversion page)",
                    ),
                ],
                title="Modes, budget, category caps",
            ),
            dbc.AccordionItem(
                [
                    field(
                        "Never relieve (locks)",
                        dbc.Input(id=ids.PKG_LOCKS, **KEPT, size="sm", placeholder="ECCNs, e.g. 4A994"),
                        label_for=ids.PKG_LOCKS,
                        feedback=_invalid(ids.PKG_LOCKS_FEEDBACK),
                    ),
                    field(
                        "Must relieve (forced)",
                        dbc.Input(id=ids.PKG_FORCED, **KEPT, size="sm", placeholder="ECCNs, e.g. 2B991"),
                        label_for=ids.PKG_FORCED,
                        feedback=_invalid(ids.PKG_FORCED_FEEDBACK),
                    ),
                ],
                title="Locks and forced items",
            ),
            dbc.AccordionItem(
                [
                    *allies,
                    field(
                        "Ally positions count as",
                        dbc.Select(
                            id=ids.PKG_ALLY_POLICY, **KEPT, options=ALLY_POLICY_OPTIONS, value="exclude", size="sm"
                        ),
                        label_for=ids.PKG_ALLY_POLICY,
                    ),
                    field(
                        "Penalty per opposing ally (risk points)",
                        dbc.Input(
                            id=ids.PKG_ALLY_PENALTY, **KEPT, type="number", min=0, step=0.1, value=0.5, size="sm"
                        ),
                        label_for=ids.PKG_ALLY_PENALTY,
                        feedback=_invalid(ids.PKG_ALLY_PENALTY_FEEDBACK),
                    ),
                ],
                title="Ally positions",
            ),
        ],
        start_collapsed=True,
        flush=True,
        className="mb-2 small-accordion",
    )
    body = [
        dbc.Row(
            [
                dbc.Col(
                    field(
                        "Partner",
                        dbc.Select(id=ids.PKG_PARTNER, options=partner_options(ds), value=partner, size="sm"),
                        label_for=ids.PKG_PARTNER,
                    ),
                    width=7,
                ),
                dbc.Col(
                    field(
                        "Trade year",
                        dbc.Select(
                            id=ids.PKG_YEAR,
                            size="sm",
                            value=years[-1] if years else None,
                            options=[{"label": str(y), "value": y} for y in years],
                        ),
                        label_for=ids.PKG_YEAR,
                    ),
                    width=5,
                ),
            ],
            className="g-2",
        ),
        field(
            "Concession target, US$ bn per year",
            dbc.InputGroup(
                [
                    dbc.InputGroupText("$"),
                    dbc.Input(
                        id=ids.PKG_TARGET,
                        **KEPT,
                        type="number",
                        step="any",
                        value=suggested_target_bn(ds, partner),
                        debounce=False,
                    ),
                    dbc.InputGroupText("bn"),
                    dbc.FormFeedback(id=ids.PKG_TARGET_FEEDBACK, type="invalid"),
                ],
                size="sm",
                className="has-validation",
            ),
            label_for=ids.PKG_TARGET,
        ),
        field(
            "Objective",
            dbc.RadioItems(
                id=ids.PKG_OBJECTIVE, **KEPT, value="min-risk", options=OBJECTIVE_OPTIONS, className="small"
            ),
            label_for=ids.PKG_OBJECTIVE,
        ),
        field(
            "Foreign-availability threshold (0–1)",
            dcc.Slider(
                id=ids.PKG_FA_THRESHOLD,
                **KEPT,
                min=0,
                max=1,
                step=0.05,
                value=DEFAULT_MIN_FA,
                marks={0: "0", 0.25: "0.25", 0.5: "0.5", 0.75: "0.75", 1: "1"},
                tooltip={"placement": "bottom"},
            ),
            f"Items whose FA score is below it stay out (default {DEFAULT_MIN_FA:g}, as in the CLI).",
            label_for=ids.PKG_FA_THRESHOLD,
        ),
        field(
            "Max items",
            dbc.Input(id=ids.PKG_MAX_ITEMS, **KEPT, type="number", min=1, step=1, size="sm", placeholder="no limit"),
            label_for=ids.PKG_MAX_ITEMS,
            feedback=_invalid(ids.PKG_MAX_ITEMS_FEEDBACK),
        ),
        more,
        html.Div(id=ids.PKG_VALIDATION, role="status"),
        dbc.Row(
            [
                dbc.Col(dbc.Button("Run", id=ids.PKG_RUN, color="primary", className="w-100"), width=7),
                dbc.Col(
                    dbc.Button(
                        "Cancel", id=ids.PKG_CANCEL, color="secondary", outline=True, className="w-100", disabled=True
                    ),
                    width=5,
                ),
            ],
            className="g-2",
        ),
        dbc.Progress(id=ids.PKG_PROGRESS, value=0, className="mt-2", style={"height": "6px"}),
        html.Div(id=ids.PKG_PROGRESS_TEXT, className="small text-muted mt-1", role="status"),
    ]
    return dbc.Card(dbc.CardBody(body, className="p-2"), className="pkg-inputs")


#: What the frontier's place says before there is a run to draw (the figure's own empty message).
FRONTIER_PLACEHOLDER = "Run the optimizer to see the trade-off between concession value and risk."


def frontier_placeholder() -> html.Div:
    """The frontier's place before a run: text, not an empty chart, so the page loads no plotly.js
    until there is a frontier to draw."""
    return html.Div(
        FRONTIER_PLACEHOLDER,
        className="text-muted small d-flex align-items-center justify-content-center text-center",
        style={"height": "300px"},
    )


def frontier_area(figure: Any, result: dict | None) -> Any:
    """The frontier's place for a run's figure: the graph once there is a solved run, else the
    placeholder (`figure` passes through when it is `no_update`)."""
    if figure is no_update:
        return no_update
    if not result or not result.get("ok"):
        return frontier_placeholder()
    return dcc.Graph(id=ids.PKG_FRONTIER, figure=figure, config=GRAPH_CONFIG, style={"height": "300px"})


def _results() -> html.Div:
    return html.Div(
        [
            html.Div(id=ids.PKG_ERROR),
            html.Div(id=ids.PKG_URL_ALERT),
            html.Div(id=ids.PKG_OPENED_NOTE, className="small text-muted mb-1", role="status"),
            html.Div(id=ids.PKG_STATUS),
            dbc.Button(id=ids.PKG_USE_MAX, color="warning", size="sm", className="mb-2", style={"display": "none"}),
            dcc.Loading(dbc.Row(id=ids.PKG_KPIS, className="g-2 mb-2"), type="dot", delay_show=300),
            dbc.Row(
                [
                    dbc.Col(
                        dbc.Card(
                            dbc.CardBody(html.Div(frontier_placeholder(), id=ids.PKG_FRONTIER_BOX), className="p-1")
                        ),
                        lg=12,
                    )
                ],
                className="g-2 mb-2",
            ),
            dbc.Card(
                dbc.CardBody(
                    [
                        html.Div(id=ids.PKG_TABLE),
                        download_buttons(ids.PKG_CSV, ids.PKG_XLSX, ids.PKG_DOWNLOAD, "The package shown"),
                    ],
                    className="p-2",
                ),
                className="mb-2",
            ),
            dbc.Card(dbc.CardBody(html.Div(id=ids.PKG_ALTERNATIVES), className="p-2"), className="mb-2"),
            dbc.Row(
                [
                    dbc.Col(
                        dbc.Card(dbc.CardBody(html.Div(id=ids.PKG_BINDING), className="p-2"), className="h-100"), md=6
                    ),
                    dbc.Col(
                        dbc.Card(
                            dbc.CardBody(
                                [
                                    html.Div(id=ids.PKG_EXCLUDED),
                                    download_buttons(
                                        ids.PKG_EXCLUDED_CSV,
                                        ids.PKG_EXCLUDED_XLSX,
                                        None,
                                        "The items left out, with their reasons",
                                    ),
                                ],
                                className="p-2",
                            ),
                            className="h-100",
                        ),
                        md=6,
                    ),
                ],
                className="g-2",
            ),
        ]
    )


def _side_trade(state: AppState, partner: str) -> Any:
    """The partner's trade beside the builder for the page as drawn (this partner, the latest year),
    so the first render waits for no callback; the side callback runs when the partner or year changes."""
    ds = state.dataset()
    years = item_years(ds)
    try:
        return side_trade_view(ds, partner, years[-1] if years else None)
    except DecontrolError as exc:
        return error_alert(exc.message, exc.details)


def layout(state: AppState, partner: str) -> html.Div:
    return html.Div(
        [
            html.H1(TITLE, className="h4 mb-2"),
            dbc.Row(
                [
                    dbc.Col(_inputs(state, partner), lg=3, className="pkg-col"),
                    dbc.Col(_results(), lg=6, className="pkg-col"),
                    dbc.Col(
                        [
                            # the panel comes with the layout: no spinner over it on mount (Loading's default
                            # hides its children until its first effect has run, 0.2 s after they were drawn)
                            dcc.Loading(
                                html.Div(_side_trade(state, partner), id=ids.PKG_SIDE_TRADE),
                                type="dot",
                                delay_show=300,
                                show_initially=False,
                            ),
                            html.Div(id=ids.PKG_SIDE_NOTE, className="small mt-2"),
                        ],
                        lg=3,
                        className="pkg-col",
                    ),
                ],
                className="g-2",
            ),
            dcc.Store(id=ids.PKG_RESULT),
            dcc.Store(id=ids.PKG_TARGET_SUGGESTED, data=suggested_target_bn(state.dataset(), partner)),
            dcc.Store(id=ids.PKG_EXTRAS),
            dcc.Store(id=ids.PKG_URL_WRITTEN),
            dcc.Store(id=ids.PKG_SHOWN, data={"kind": "main", "index": 0}),
        ]
    )
