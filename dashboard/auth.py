"""Who is using the dashboard, and what they may reach.

Off by default (one local analyst). When a users file or a trusted proxy header is configured, every
page, callback and download needs a login: a Flask `before_request` hook on the Dash server sends
pages to `/login` and answers `/_dash-*` requests with 401 JSON. The role (`analyst` or `ally`) is
read from the signed server session, never from anything the browser sends.

Users file: JSON `{"users": [{"username", "role", "password_hash"}]}`, hashes made by
`werkzeug.security.generate_password_hash` (`decontrol users add FILE NAME --role ROLE`).
"""

from __future__ import annotations

import hmac
import html
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import flask
from werkzeug.security import check_password_hash, generate_password_hash

from optimizer.errors import DecontrolError
from optimizer.paths import user_home

ROLES: tuple[str, ...] = ("analyst", "ally")
#: Requests that never need a login: the login form itself and the static files it uses.
PUBLIC_PATHS: tuple[str, ...] = ("/login", "/logout")
PUBLIC_PREFIXES: tuple[str, ...] = ("/assets/",)
ROLE_HEADER_SUFFIX = "-Role"
#: Component-id prefixes of analyst-only callbacks (package builder internals, tier overrides,
#: scenario management): a callback request from an ally that outputs to one of these is refused.
ANALYST_ONLY_PREFIXES: tuple[str, ...] = ("pkg-", "items-override-feedback", "scn-", "ally-")


# ------------------------------------------------------------------------------------------ users file
def load_users(path: Path) -> dict[str, dict[str, str]]:
    """username -> {"role", "password_hash"}; a clear DecontrolError for a missing or malformed file."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DecontrolError(f"users file {path} does not exist (create it with `decontrol users add`)") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise DecontrolError(f"cannot read users file {path}: {exc}") from None
    rows = doc.get("users") if isinstance(doc, dict) else None
    if not isinstance(rows, list):
        raise DecontrolError(f"users file {path} must hold {{\"users\": [...]}}")
    users: dict[str, dict[str, str]] = {}
    problems = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or not row.get("username"):
            problems.append(f"entry {i + 1}: no username")
            continue
        if row.get("role") not in ROLES:
            problems.append(f"{row['username']}: role must be one of {', '.join(ROLES)}")
            continue
        users[str(row["username"])] = {"role": row["role"], "password_hash": str(row.get("password_hash", ""))}
    if problems:
        raise DecontrolError(f"users file {path} has bad entries", details=problems)
    return users


def add_user(path: Path, username: str, role: str, password: str) -> None:
    """Add or replace one user in the users file (created if missing), password stored hashed only."""
    if role not in ROLES:
        raise DecontrolError(f"unknown role '{role}': expected one of {', '.join(ROLES)}")
    name = (username or "").strip()
    if not name or any(c.isspace() for c in name):
        raise DecontrolError("the username must be non-empty and contain no spaces")
    if len(password or "") < 8:
        raise DecontrolError("the password must have at least 8 characters")
    users = load_users(path) if Path(path).exists() else {}
    users[name] = {"role": role, "password_hash": generate_password_hash(password)}
    rows = [{"username": u, **v} for u, v in sorted(users.items())]
    Path(path).write_text(json.dumps({"users": rows}, indent=2) + "\n", encoding="utf-8")
    os.chmod(path, 0o600)


def check_login(users: dict[str, dict[str, str]], username: str, password: str) -> str | None:
    """The user's role when the password matches, else None."""
    user = users.get(username or "")
    if user is None or not user["password_hash"]:
        check_password_hash(generate_password_hash("x"), password or "")  # same work: no user enumeration by timing
        return None
    return user["role"] if check_password_hash(user["password_hash"], password or "") else None


def secret_key(home: Path | None = None) -> str:
    """`$DECONTROL_SECRET_KEY`, else a random key generated once and kept under the user home."""
    env = os.environ.get("DECONTROL_SECRET_KEY")
    if env:
        return env
    path = (home or user_home()) / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key, encoding="utf-8")
    os.chmod(path, 0o600)
    return key


# ------------------------------------------------------------------------------------------ configuration
@dataclass(frozen=True)
class AuthConfig:
    """How users are identified: a users file (login form), a trusted proxy header, or nobody (off)."""

    users_file: Path | None = None
    header: str | None = None   # e.g. X-Forwarded-User, set by a trusted reverse proxy

    @property
    def enabled(self) -> bool:
        return self.users_file is not None or bool(self.header)


def current_user() -> tuple[str, str] | None:
    """(username, role) of the logged-in user from the server session; None when nobody is."""
    if not flask.has_request_context():
        return None
    user, role = flask.session.get("user"), flask.session.get("role")
    return (user, role) if user and role in ROLES else None


def current_role() -> str:
    """The role of this request: the session's, or `analyst` when authentication is off."""
    if not flask.has_request_context():
        return "analyst"
    if not flask.current_app.config.get("DECONTROL_AUTH"):
        return "analyst"
    who = current_user()
    return who[1] if who else "ally"  # never more than an ally without a session (requests are gated anyway)


def audience(preview_ally: Any = False) -> str:
    """The `optimizer.audience` audience of this request: ally for an ally user, or for an analyst
    previewing the ally view (the switch value arrives with the callback; it can only narrow)."""
    return "ally" if current_role() == "ally" or bool(preview_ally) else "internal"


# ------------------------------------------------------------------------------------------ Flask wiring
def install(server: flask.Flask, config: AuthConfig, home: Path | None = None) -> None:
    """Gate every request of `server` behind `config` (nothing when authentication is off)."""
    server.config["DECONTROL_AUTH"] = config.enabled
    if not config.enabled:
        return
    users = load_users(config.users_file) if config.users_file is not None else {}
    server.secret_key = secret_key(home)
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")

    @server.before_request
    def _gate():
        req = flask.request
        if config.header:
            _session_from_header(req, config.header, users)
        if req.path in PUBLIC_PATHS or req.path.startswith(PUBLIC_PREFIXES):
            return None
        who = current_user()
        if who is not None:
            if who[1] == "ally" and req.path == "/_dash-update-component" and analyst_only(req.get_json(silent=True)):
                return flask.jsonify({"error": "not available in the ally view"}), 403
            return None
        if req.path.startswith("/_dash-") or req.path.startswith("/_reload-hash"):
            return flask.jsonify({"error": "login required"}), 401
        return flask.redirect("/login?next=" + flask.request.full_path.rstrip("?") if req.path != "/" else "/login")

    @server.route("/login", methods=["GET", "POST"])
    def _login():
        if config.header:
            return flask.redirect("/") if current_user() else (login_page("Sign-in is done by the proxy.", ""), 401)
        token = flask.session.get("csrf") or secrets.token_urlsafe(24)
        flask.session["csrf"] = token
        if flask.request.method == "GET":
            return login_page("", token)
        form = flask.request.form
        if not hmac.compare_digest(str(form.get("csrf", "")), token):
            return login_page("The form expired; please sign in again.", token), 400
        role = check_login(users, form.get("username", ""), form.get("password", ""))
        if role is None:
            return login_page("Unknown user or wrong password.", token), 401
        flask.session.clear()
        flask.session.update(user=form["username"], role=role, csrf=secrets.token_urlsafe(24))
        nxt = str(flask.request.args.get("next", "/"))
        return flask.redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else "/")

    @server.route("/logout")
    def _logout():
        flask.session.clear()
        return flask.redirect("/login")


def analyst_only(body: Any) -> bool:
    """Whether a Dash callback request writes to an analyst-only component."""
    if not isinstance(body, dict):
        return False
    output = str(body.get("output", ""))
    return any(f'"{p}' in output or output.startswith(p) or f"..{p}" in output or f'":"{p}' in output
               for p in ANALYST_ONLY_PREFIXES)


def _session_from_header(req: flask.Request, header: str, users: dict[str, dict[str, str]]) -> None:
    """Proxy mode: the proxy's user header is the identity; the role comes from the users file when
    it names the user, else from `<header>-Role` (default ally: the narrower view)."""
    name = req.headers.get(header, "").strip()
    if not name:
        flask.session.pop("user", None)
        flask.session.pop("role", None)
        return
    role = users[name]["role"] if name in users else req.headers.get(header + ROLE_HEADER_SUFFIX, "ally")
    flask.session.update(user=name, role=role if role in ROLES else "ally")


def login_page(message: str, token: str) -> str:
    """The sign-in form: plain HTML with the app's Bootstrap theme, a CSRF token in a hidden field."""
    alert = f'<div class="alert alert-danger py-2" role="alert">{html.escape(message)}</div>' if message else ""
    form = "" if not token else f"""
      <form method="post" autocomplete="on">
        <input type="hidden" name="csrf" value="{html.escape(token)}">
        <div class="mb-2"><label class="form-label" for="username">User name</label>
          <input class="form-control" id="username" name="username" autocomplete="username" required autofocus></div>
        <div class="mb-3"><label class="form-label" for="password">Password</label>
          <input class="form-control" id="password" name="password" type="password"
                 autocomplete="current-password" required></div>
        <button class="btn btn-primary w-100" type="submit">Sign in</button>
      </form>"""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in · decontrol</title>
<link rel="stylesheet" href="/assets/00-bootstrap-flatly.min.css"><link rel="stylesheet" href="/assets/10-decontrol.css">
</head><body class="bg-light"><main class="container" style="max-width:24rem;margin-top:12vh">
<h1 class="h4 mb-1">decontrol</h1><p class="text-muted small mb-3">decontrol packages for trade talks · sign in</p>
{alert}{form}</main></body></html>"""
