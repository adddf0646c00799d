"""Placeholder app factory; replaced by the full dashboard."""

from __future__ import annotations

from pathlib import Path


def create_app(data_dir: Path | None = None):
    import dash
    from dash import html

    app = dash.Dash(__name__, title="decontrol")
    app.layout = html.Div([html.H1("decontrol"), html.P("Dashboard under construction.")])
    return app
