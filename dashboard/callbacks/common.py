"""What every page's wiring shares: turning a `DecontrolError` into an inline alert, not a broken page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from dash import no_update, set_props

from dashboard.components import error_alert
from optimizer.errors import DecontrolError


def guarded(alert_id: str, n_outputs: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Run a callback; on `DecontrolError` show its message in `alert_id` and leave outputs unchanged.

    Any other exception is a defect and propagates (Dash logs it), so bugs are not hidden.
    """

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(fn)
        def wrapper(*args: Any) -> Any:
            try:
                return fn(*args)
            except DecontrolError as exc:
                set_props(alert_id, {"children": error_alert(exc.message, exc.details)})
                return tuple(no_update for _ in range(n_outputs)) if n_outputs > 1 else no_update

        return wrapper

    return decorate
