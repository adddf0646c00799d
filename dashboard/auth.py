"""Who is using the dashboard, and what they may reach: checked on the server, failing closed.

Off by default (one local analyst). When a users file or a trusted proxy header is configured, every
request needs a signed-in user: pages go to `/login`, every other route (Dash's own included) gets
401. What a user may do is decided per request from the users file as it is *now* (re-read when it
changes), so deleting or demoting a user takes effect at the next click:

- Sign-in is Flask-Login. The cookie holds only a random session token; the token's hash lives in a
  `login_sessions` table in the scenario database, shared by every worker and host. Logout deletes
  the row, so a copied cookie is dead after logout; a session also ends after `SESSION_HOURS`.
- Every Dash callback declares its roles (`@shared` for the ally view's allowlist, `@analyst_only`
  otherwise). The gate looks the request's callback up in the app's own callback map: a callback
  without a declaration, or one it does not know, is refused to allies (default deny), and
  `undeclared_callbacks` lets a test fail when a new callback forgets its role.
- Unknown users cost the same password check as known ones (no enumeration by timing); sign-in is
  rate limited per client address and per user name (Flask-Limiter); the `next` redirect must stay on
  this site; every response carries CSP, X-Frame-Options and nosniff.
- Proxy mode (`--auth-header NAME`) honours the header only from the `--trusted-proxy` addresses; a
  request from anywhere else that carries it is refused with a logged warning.

Users file: JSON `{"users": [{"username", "role", "password_hash"}]}`, hashes made by
`werkzeug.security.generate_password_hash` (`decontrol users add FILE NAME --role ROLE`).
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import logging
import os
import secrets
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import flask
import flask_login
from werkzeug.security import check_password_hash, generate_password_hash

from optimizer.errors import DecontrolError
from optimizer.paths import user_home
from optimizer.validation import user_entry

log = logging.getLogger("decontrol.auth")

ROLES: tuple[str, ...] = ("analyst", "ally")
#: Requests that never need a login: the login form itself and the static files it uses.
PUBLIC_PATHS: tuple[str, ...] = ("/login", "/logout")
PUBLIC_PREFIXES: tuple[str, ...] = ("/assets/",)
ROLE_HEADER_SUFFIX = "-Role"
SESSION_HOURS = 12
#: Sign-in attempts allowed per client address and per user name (Flask-Limiter notation).
LOGIN_LIMIT = "10 per minute"
ROLE_ATTR = "_decontrol_roles"
#: The work of one real password check, done for unknown users too (so both take the same time).
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))

F = TypeVar("F", bound=Callable[..., Any])


# ------------------------------------------------------------------------------------------ callback roles
def shared(fn: F) -> F:
    """Declare a callback part of the ally view (both roles may call it). Its payload must be built
    from `optimizer.audience` for an ally: a test calls every shared callback as an ally."""
    setattr(fn, ROLE_ATTR, ("analyst", "ally"))
    return fn


def analyst_only(fn: F) -> F:
    """Declare a callback for analysts only (allies get 403 from the request gate)."""
    setattr(fn, ROLE_ATTR, ("analyst",))
    return fn


def _roles_of(app: Any, fn: Any) -> tuple[str, ...] | None:
    """A callback function's declared roles. Dash adds one callback of its own per cancel button of a
    background callback (`cancel_call`): it gets the narrowest roles among the background callbacks."""
    roles = getattr(fn, ROLE_ATTR, None)
    if roles is None and (getattr(fn, "__module__", ""), getattr(fn, "__name__", "")) == ("dash.dash", "cancel_call"):
        narrowest: set[str] = set(ROLES)
        for entry in app.callback_map.values():
            if entry.get("background") and entry.get("callback") is not None:
                narrowest &= set(getattr(entry["callback"], ROLE_ATTR, None) or ("analyst",))
        roles = tuple(r for r in ROLES if r in narrowest) or ("analyst",)
    return roles


def callback_roles(app: Any) -> dict[str, tuple[str, ...] | None]:
    """Each server-side callback of a Dash app (by its callback-map key) -> its declared roles
    (None: undeclared). Client-side callbacks run in the browser and are left out."""
    out: dict[str, tuple[str, ...] | None] = {}
    for key, entry in app.callback_map.items():
        fn = entry.get("callback")
        if fn is not None:
            out[key] = _roles_of(app, fn)
    return out


def undeclared_callbacks(app: Any) -> list[str]:
    """Server-side callbacks without a declared role (must be empty; a test checks it)."""
    return sorted(k for k, roles in callback_roles(app).items() if roles is None)


def may_call(app: Any, body: Any, role: str) -> bool:
    """Whether `role` may run the callback a `/_dash-update-component` request body names.

    Unknown callbacks are refused to everyone; undeclared ones are analyst-only (default deny)."""
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return False
    entry = app.callback_map.get(body["output"])
    if entry is None or entry.get("callback") is None:
        return False
    roles = _roles_of(app, entry["callback"]) or ("analyst",)
    return role in roles


# ------------------------------------------------------------------------------------------ users file
def load_users(path: Path) -> dict[str, dict[str, str]]:
    """username -> {"role", "password_hash"}; a clear DecontrolError for a missing or malformed file."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DecontrolError(f"users file {path} does not exist (create it with `decontrol users add`)") from None
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DecontrolError(f"cannot read users file {path}: {exc}") from None
    rows = doc.get("users") if isinstance(doc, dict) else None
    if not isinstance(rows, list):
        raise DecontrolError(f'users file {path} must hold {{"users": [...]}}')
    users: dict[str, dict[str, str]] = {}
    problems = []
    for i, row in enumerate(rows):
        entry, problem = user_entry(row, ROLES)  # the users file's pydantic model
        if entry is None:
            problems.append(
                f"{row['username']}: {problem}" if problem != "no username" else f"entry {i + 1}: {problem}"
            )
            continue
        users[entry.username] = {"role": entry.role, "password_hash": str(entry.password_hash)}
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
    _write_users(Path(path), users)


def remove_user(path: Path, username: str) -> None:
    """Delete a user from the users file: their open sessions stop working at their next request."""
    users = load_users(path)
    if username not in users:
        raise DecontrolError(f"no user '{username}' in {path}")
    del users[username]
    _write_users(Path(path), users)


def _write_users(path: Path, users: dict[str, dict[str, str]]) -> None:
    """Write atomically (a reader never sees half a file), readable by the owner only."""
    rows = [{"username": u, **v} for u, v in sorted(users.items())]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"users": rows}, indent=2) + "\n", encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def check_login(users: dict[str, dict[str, str]], username: str, password: str) -> str | None:
    """The user's role when the password matches, else None. An unknown user costs one password
    check against a dummy hash, exactly the work of a known user's wrong password."""
    user = users.get(username or "")
    stored = user["password_hash"] if user and user["password_hash"] else _DUMMY_HASH
    ok = check_password_hash(stored, password or "")
    return user["role"] if ok and user is not None and stored is not _DUMMY_HASH else None


class UserDirectory:
    """The users file, re-read whenever it changes on disk (checked on every request), so a deletion
    or a demotion applies at once. A file that became unreadable refuses everyone (fails closed)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._users: dict[str, dict[str, str]] = load_users(self.path)  # a bad file stops the server at start
        self._stamp = self._stat()

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def users(self) -> dict[str, dict[str, str]]:
        stamp = self._stat()
        with self._lock:
            if stamp != self._stamp:
                try:
                    self._users = load_users(self.path) if stamp is not None else {}
                except DecontrolError as exc:
                    log.error("users file unreadable, refusing every sign-in: %s", exc.message)
                    self._users = {}
                self._stamp = stamp
            return self._users

    def role_of(self, username: str) -> str | None:
        user = self.users().get(username)
        return user["role"] if user else None


def secret_key(home: Path | None = None, *, required: bool = False) -> str:
    """`$DECONTROL_SECRET_KEY`; else (one process) a random key kept under the user home.

    `required`: several workers or hosts share sessions, so each must sign with the same key: it has
    to come from the environment (a key file created on one host would differ on another)."""
    env = os.environ.get("DECONTROL_SECRET_KEY", "").strip()
    if env:
        if len(env) < 32:
            raise DecontrolError(
                "DECONTROL_SECRET_KEY must have at least 32 characters "
                "(e.g. python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        return env
    if required:
        raise DecontrolError(
            "several workers or hosts need one signing key: set DECONTROL_SECRET_KEY "
            "(at least 32 characters, the same on every host)"
        )
    path = (home or user_home()) / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key, encoding="utf-8")
    os.chmod(path, 0o600)
    return key


# ------------------------------------------------------------------------------------------ server-side sessions
class SessionStore:
    """Open sign-in sessions in the scenario database (table `login_sessions`): a cookie is only a
    key to a row, so logout, expiry or a purge end the session on every worker and host."""

    def __init__(self, url: str, hours: int = SESSION_HOURS) -> None:
        from sqlalchemy import Column, DateTime, MetaData, String, Table, create_engine
        from sqlalchemy.exc import SQLAlchemyError

        self.hours = hours
        meta = MetaData()
        self.table = Table(
            "login_sessions",
            meta,
            Column("token_hash", String(64), primary_key=True),
            Column("username", String(120), nullable=False, index=True),
            Column("created_at", DateTime(timezone=True), nullable=False),
        )
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
        from optimizer.scenarios.store import migrate

        try:
            self.engine = create_engine(url, future=True)
            migrate(self.engine)  # the table comes from the scenario database's migrations
        except (SQLAlchemyError, ModuleNotFoundError) as exc:
            raise DecontrolError(f"cannot open the session table in the scenario database: {exc}") from None
        # a worker forked from the server must not share the server's pooled connections
        os.register_at_fork(after_in_child=lambda: self.engine.dispose(close=False))

    @staticmethod
    def _hash(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()  # a database dump holds no live token

    def open(self, username: str) -> str:
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with self.engine.begin() as c:
            c.execute(self.table.delete().where(self.table.c.created_at < now - timedelta(hours=self.hours)))
            c.execute(self.table.insert().values(token_hash=self._hash(token), username=username, created_at=now))
        return token

    def username(self, token: str) -> str | None:
        """The user of an open, unexpired session; None otherwise (or when the database fails)."""
        from sqlalchemy import select
        from sqlalchemy.exc import SQLAlchemyError

        try:
            with self.engine.connect() as c:
                row = c.execute(
                    select(self.table.c.username, self.table.c.created_at).where(
                        self.table.c.token_hash == self._hash(token)
                    )
                ).first()
        except SQLAlchemyError as exc:
            log.error("session lookup failed, treating the request as signed out: %s", exc)
            return None
        if row is None:
            return None
        created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
        return row.username if datetime.now(UTC) - created < timedelta(hours=self.hours) else None

    def close(self, token: str) -> None:
        with self.engine.begin() as c:
            c.execute(self.table.delete().where(self.table.c.token_hash == self._hash(token)))


# ------------------------------------------------------------------------------------------ configuration
@dataclass(frozen=True)
class AuthConfig:
    """How users are identified: a users file (login form), a trusted proxy header, or nobody (off)."""

    users_file: Path | None = None
    header: str | None = None  # e.g. X-Forwarded-User, set by a trusted reverse proxy
    trusted_proxies: tuple[str, ...] = ()  # the only client addresses whose `header` is believed
    session_db_url: str | None = None  # where sessions live (default: SQLite under the user home)
    shared_key: bool = False  # several workers or hosts: the signing key must come from the environment
    login_limit: str = LOGIN_LIMIT
    limiter_storage: str = "memory://"  # Flask-Limiter storage; redis:// to count across workers

    @property
    def enabled(self) -> bool:
        return self.users_file is not None or bool(self.header)

    def check(self) -> None:
        """Refuse a proxy header nobody is trusted to set: otherwise any client could name itself."""
        if self.header and not self.trusted_proxies:
            raise DecontrolError(
                f"--auth-header {self.header} needs --trusted-proxy ADDR (the reverse proxy's "
                "address): without it any client could send the header and pick its user"
            )


@dataclass
class User(flask_login.UserMixin):
    """A signed-in user as Flask-Login sees it; `token` is the server-side session key (None in proxy mode)."""

    name: str
    role: str
    token: str | None = field(default=None)

    def get_id(self) -> str:
        return self.token or ""


def current_user() -> tuple[str, str] | None:
    """(username, role) of the signed-in user of this request, as the users file says now."""
    if not flask.has_request_context() or not flask.current_app.config.get("DECONTROL_AUTH"):
        return None
    user = flask_login.current_user
    return (user.name, user.role) if getattr(user, "is_authenticated", False) else None


def author_name() -> str:
    """Who a saved scenario is recorded as written by: the signed-in user, else (no sign-in, one
    analyst on a laptop) the operating-system user, as the CLI records it."""
    who = current_user()
    if who:
        return who[0]
    from optimizer.scenarios.run import current_user as os_user

    return os_user()


def current_role() -> str:
    """The role of this request: the user's, or `analyst` when authentication is off."""
    if not flask.has_request_context():
        return "analyst"
    if not flask.current_app.config.get("DECONTROL_AUTH"):
        return "analyst"
    who = current_user()
    return who[1] if who else "ally"  # never more than an ally without a user (requests are gated anyway)


def audience(preview_ally: Any = False) -> str:
    """The `optimizer.audience` audience of this request: ally for an ally user, or for an analyst
    previewing the ally view (the switch value arrives with the callback; it can only narrow)."""
    return "ally" if current_role() == "ally" or bool(preview_ally) else "internal"


def set_preview(preview_ally: Any) -> None:
    """Draw this request's layouts as an ally sees them when an analyst previews the ally view (the
    router passes the switch's value). Request-scoped (`flask.g`): nothing outlives the request."""
    if flask.has_request_context():
        flask.g.decontrol_ally_preview = bool(preview_ally)


def view_role() -> str:
    """The role a layout is drawn for: the user's, or `ally` while an analyst previews the ally view
    (`set_preview`). It can only narrow: an ally never becomes more than an ally."""
    role = current_role()
    if role == "analyst" and flask.has_request_context() and flask.g.get("decontrol_ally_preview"):
        return "ally"
    return role


# ------------------------------------------------------------------------------------------ safe redirects
def safe_next(target: Any) -> str:
    """`target` when it is a path on this site, else "/". Browsers drop tabs and newlines and read
    backslashes as slashes, so `/%09/evil.example` or `/\\evil.example` would leave the site."""
    text = str(target or "")
    for form in (text, unquote(text)):  # judged as sent and as decoded once: both must be a local path
        if not form.startswith("/") or any(unicodedata.category(c)[0] == "C" or c == "\\" for c in form):
            return "/"
        parts = urlsplit(form)
        if parts.scheme or parts.netloc or form.startswith("//"):
            return "/"
    return text


# ------------------------------------------------------------------------------------------ security headers
def security_headers(script_hashes: Iterable[str] = ()) -> dict[str, str]:
    """Headers for every response: a CSP allowing this site's scripts (plus Dash's own inline
    scripts by hash), no framing, no MIME sniffing."""
    scripts = " ".join(["'self'", *(h if h.startswith("'") else f"'{h}'" for h in script_hashes)])
    csp = (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    )
    return {
        "Content-Security-Policy": csp,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }


def install_headers(server: flask.Flask, script_hashes: Callable[[], Iterable[str]]) -> None:
    """Add `security_headers` to every response (`script_hashes` is read once, at the first response,
    when every callback is registered)."""
    cached: dict[str, str] = {}

    @server.after_request
    def _headers(resp: flask.Response) -> flask.Response:
        if not cached:
            cached.update(security_headers(script_hashes()))
        for k, v in cached.items():
            resp.headers.setdefault(k, v)
        return resp


# ------------------------------------------------------------------------------------------ Flask wiring
def install(server: flask.Flask, config: AuthConfig, home: Path | None = None, dash_app: Any = None) -> None:
    """Gate every request of `server` behind `config` (nothing when authentication is off).

    `dash_app`: the Dash app whose callback map decides who may run which callback."""
    server.config["DECONTROL_AUTH"] = config.enabled
    if not config.enabled:
        return
    config.check()
    directory = UserDirectory(config.users_file) if config.users_file is not None else None
    sessions = SessionStore(config.session_db_url or f"sqlite:///{(home or user_home()) / 'scenarios.db'}")
    server.secret_key = secret_key(home, required=config.shared_key)
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_PROTECTION=None)
    trusted = set(config.trusted_proxies)
    manager = flask_login.LoginManager()
    manager.session_protection = None  # the session row is the authority; nothing to guess from the client
    manager.init_app(server)
    warned: set[str] = set()

    @manager.user_loader
    def _load(token: str) -> User | None:
        if directory is None:
            return None
        name = sessions.username(token)
        role = directory.role_of(name) if name else None
        return User(name, role, token) if name and role else None  # deleted or unknown: signed out

    @manager.request_loader
    def _from_header(req: flask.Request) -> User | None:
        if not config.header:
            return None
        name = req.headers.get(config.header, "").strip()
        if not name or req.remote_addr not in trusted:
            return None
        listed = directory.role_of(name) if directory is not None else None
        role = listed or req.headers.get(config.header + ROLE_HEADER_SUFFIX, "ally")
        return User(name, role if role in ROLES else "ally")

    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    limiter = Limiter(
        get_remote_address, app=server, storage_uri=config.limiter_storage, default_limits=[], strategy="moving-window"
    )

    @server.before_request
    def _gate():
        req = flask.request
        if config.header and req.headers.get(config.header) and req.remote_addr not in trusted:
            if req.remote_addr not in warned:
                warned.add(req.remote_addr or "")
                log.warning(
                    "REFUSED: %s header from %s, which is not a --trusted-proxy", config.header, req.remote_addr
                )
            return flask.jsonify({"error": f"{config.header} is accepted from the trusted proxy only"}), 403
        if req.path in PUBLIC_PATHS or req.path.startswith(PUBLIC_PREFIXES):
            return None
        who = current_user()
        if who is not None:
            if (
                req.path == "/_dash-update-component"
                and dash_app is not None
                and not may_call(dash_app, req.get_json(silent=True), who[1])
            ):
                return flask.jsonify({"error": "not available to your role"}), 403
            return None
        if req.path.startswith("/_") or req.method != "GET":
            return flask.jsonify({"error": "login required"}), 401
        return flask.redirect("/login?next=" + req.full_path.rstrip("?") if req.path != "/" else "/login")

    def _user_key() -> str:
        return "user:" + str(flask.request.form.get("username", ""))[:120]

    @server.route("/login", methods=["GET", "POST"])
    @limiter.limit(config.login_limit, methods=["POST"])
    @limiter.limit(config.login_limit, methods=["POST"], key_func=_user_key)
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
        users = directory.users() if directory is not None else {}
        role = check_login(users, form.get("username", ""), form.get("password", ""))
        if role is None:
            return login_page("Unknown user or wrong password.", token), 401
        flask.session.clear()
        flask_login.login_user(User(form["username"], role, sessions.open(form["username"])))
        flask.session["csrf"] = secrets.token_urlsafe(24)
        return flask.redirect(safe_next(flask.request.args.get("next", "/")))

    @server.errorhandler(429)
    def _too_many(_exc):
        token = flask.session.get("csrf") or ""
        return login_page("Too many sign-in attempts; wait a minute and try again.", token), 429

    @server.route("/logout")
    def _logout():
        user = flask_login.current_user
        if getattr(user, "token", None):
            sessions.close(user.token)  # the cookie is dead everywhere, even if someone kept a copy
        flask_login.logout_user()
        flask.session.clear()
        return flask.redirect("/login")


def login_page(message: str, token: str) -> str:
    """The sign-in form: plain HTML with the app's Bootstrap theme, a CSRF token in a hidden field."""
    alert = f'<div class="alert alert-danger py-2" role="alert">{html.escape(message)}</div>' if message else ""
    form = (
        ""
        if not token
        else f"""
      <form method="post" autocomplete="on">
        <input type="hidden" name="csrf" value="{html.escape(token)}">
        <div class="mb-2"><label class="form-label" for="username">User name</label>
          <input class="form-control" id="username" name="username" autocomplete="username" required autofocus></div>
        <div class="mb-3"><label class="form-label" for="password">Password</label>
          <input class="form-control" id="password" name="password" type="password"
                 autocomplete="current-password" required></div>
        <button class="btn btn-primary w-100" type="submit">Sign in</button>
      </form>"""
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in · decontrol</title>
<link rel="stylesheet" href="/assets/00-bootstrap-flatly.min.css"><link rel="stylesheet" href="/assets/10-decontrol.css">
</head><body class="bg-light"><main class="container" style="max-width:24rem;margin-top:12vh">
<h1 class="h4 mb-1">decontrol</h1><p class="text-muted small mb-3">decontrol packages for trade talks · sign in</p>
{alert}{form}</main></body></html>"""
