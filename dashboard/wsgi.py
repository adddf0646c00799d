"""The dashboard as a WSGI application for any WSGI host: `gunicorn dashboard.wsgi:server`.

Configured from the environment (`dashboard.app.ENV`: DECONTROL_DATA, DECONTROL_DB, DECONTROL_USERS,
DECONTROL_AUTH_HEADER, DECONTROL_TRUSTED_PROXIES, DECONTROL_JOBS, DECONTROL_WORKERS, and
DECONTROL_SECRET_KEY), which is what `decontrol serve` sets. Loading this module loads the data,
so a host that preloads (gunicorn `--preload`) holds one copy per host, shared by its workers.
`celery` is the Celery app of `DECONTROL_JOBS=redis://...`, for `celery -A dashboard.wsgi:celery worker`.
"""

from __future__ import annotations

from typing import Any

from dashboard.app import app_from_env

app = app_from_env()
server = app.server
#: The Celery app when jobs go to Redis (else None): Dash's CeleryManager keeps it as `handle`.
_manager = app._background_manager
celery: Any = _manager.handle if _manager is not None and type(_manager).__name__ == "CeleryManager" else None
