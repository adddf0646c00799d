"""The scenario store: SQLAlchemy over embedded SQLite by default, any SQLAlchemy URL for a team.

A scenario is what a negotiator wants to find again next week: its inputs (partner, target,
constraints), its results (the package), which dataset and vintage produced them, who saved it and
when. Each save bumps `version`. Saves are *optimistic*: the caller says which version it edited,
and a save based on a stale version is refused (two analysts editing the same scenario never
silently overwrite each other). The check is one conditional UPDATE (`WHERE version = :base`), so
it holds under concurrency on SQLite and PostgreSQL alike, and `save` returns the version *it*
wrote (never a re-read that a colleague's save could have overtaken).

The schema is owned by Alembic migrations (`optimizer/scenarios/migrations`), applied whenever a
store opens a database; a database made before migrations existed is recognised and stamped.
An analyst may give a scenario a *shareable title*: allies see that title (and an opaque share id),
never the internal name, and see no scenario without one.
"""

from __future__ import annotations

import builtins
import json
import os
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import (
    JSON,
    CursorResult,
    DateTime,
    Integer,
    Result,
    String,
    create_engine,
    delete,
    inspect,
    select,
    update,
)
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from optimizer.errors import DecontrolError
from optimizer.paths import user_home

MAX_NAME_LENGTH = 120


def _rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE matched: Session.execute gives a CursorResult for them, typed as a Result."""
    return cast(CursorResult[Any], result).rowcount


class StaleScenarioError(DecontrolError):
    """The scenario changed since the caller read it: nothing was written."""


class NameTakenError(DecontrolError):
    """A new scenario under a name already in the store: nothing was written (each caller says how to
    save a new version in its own words)."""


class _Base(DeclarativeBase):
    """The declarative base of the scenario tables (its own metadata, so tests can create them alone)."""


class _ScenarioRow(_Base):
    __tablename__ = "scenarios"

    name: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    results: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    dataset_id: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    vintage: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    author: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    shared_title: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH), nullable=False, default="")
    share_id: Mapped[str | None] = mapped_column(String(32), nullable=True, unique=True)


@dataclass(frozen=True)
class ScenarioRecord:
    """A stored scenario, detached from the database session."""

    name: str
    version: int
    inputs: dict[str, Any]
    results: dict[str, Any]
    dataset_id: str
    vintage: str
    author: str
    created_at: str
    updated_at: str
    shared_title: str = ""
    share_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def default_db_url() -> str:
    """`$DECONTROL_DB` if set, else SQLite at `<user_home>/scenarios.db` (created on first use)."""
    env = os.environ.get("DECONTROL_DB")
    if env:
        return env
    home = user_home()
    return f"sqlite:///{home / 'scenarios.db'}"


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _iso(dt: datetime) -> str:
    if dt.tzinfo is None:  # SQLite drops the zone; values are always written in UTC
        dt = dt.replace(tzinfo=UTC)
    return dt.isoformat()


def _record(row: _ScenarioRow) -> ScenarioRecord:
    return ScenarioRecord(
        name=row.name,
        version=row.version,
        inputs=row.inputs,
        results=row.results,
        dataset_id=row.dataset_id,
        vintage=row.vintage,
        author=row.author,
        created_at=_iso(row.created_at),
        updated_at=_iso(row.updated_at),
        shared_title=row.shared_title or "",
        share_id=row.share_id,
    )


def validate_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise DecontrolError("scenario name must be a non-empty text")
    name = name.strip()
    if len(name) > MAX_NAME_LENGTH:
        raise DecontrolError(f"scenario name is {len(name)} characters long; at most {MAX_NAME_LENGTH} allowed")
    return name


def _check_json(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DecontrolError(f"scenario {what} must be a JSON object, got {type(value).__name__}")
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise DecontrolError(f"scenario {what} cannot be stored as JSON: {exc}") from None


MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _clear_errors(method: Any) -> Any:
    """A database failure in a store method (corrupt file, read-only or full disk, lost server)
    becomes a DecontrolError saying what to check, never a traceback or a 500."""
    import functools

    @functools.wraps(method)
    def wrapper(self: ScenarioStore, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except DecontrolError:
            raise
        except SQLAlchemyError as exc:
            raise DecontrolError(
                f"the scenario database {self._safe_url()} failed: {_reason(exc)}; nothing was changed"
            ) from None

    return wrapper


def migrate(engine: Any) -> None:
    """Bring the database at `engine` to the newest schema (Alembic `upgrade head`). A database that
    has the first `scenarios` table but no version table is stamped at revision 0001 first."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        tables = set(inspect(conn).get_table_names())
        if "scenarios" in tables and "alembic_version" not in tables:
            command.stamp(cfg, "0001")
        command.upgrade(cfg, "head")


class ScenarioStore:
    """Save, list, rename, duplicate and delete scenarios in one SQL database."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_db_url()
        if self.url.startswith("sqlite:///") and self.url != "sqlite:///:memory:":
            Path(self.url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            self._engine = create_engine(self.url, future=True)
            try:
                migrate(self._engine)
            except (IntegrityError, OperationalError):  # another process migrated at the same moment
                migrate(self._engine)
        except (ArgumentError, SQLAlchemyError, ModuleNotFoundError) as exc:
            raise DecontrolError(f"cannot open the scenario database {self._safe_url()}: {_reason(exc)}") from None
        os.register_at_fork(after_in_child=lambda: self._engine.dispose(close=False))

    @property
    def engine(self) -> Any:
        """The SQLAlchemy engine (other tables of this database: sign-in sessions, tier decisions)."""
        return self._engine

    def _safe_url(self) -> str:
        """The URL without a password, for messages."""
        try:
            from sqlalchemy.engine import make_url

            return make_url(self.url).render_as_string(hide_password=True)
        except Exception:  # noqa: BLE001 - an unparsable URL must not be echoed with its password
            return "<database url>"

    # -- reading ------------------------------------------------------------------------------
    @_clear_errors
    def list(self) -> list[ScenarioRecord]:
        with Session(self._engine) as s:
            rows = s.scalars(select(_ScenarioRow).order_by(_ScenarioRow.name)).all()
            return [_record(r) for r in rows]

    @_clear_errors
    def get(self, name: str) -> ScenarioRecord:
        name = validate_name(name)
        with Session(self._engine) as s:
            row = s.get(_ScenarioRow, name)
            if row is None:
                known = ", ".join(r.name for r in self.list()[:10]) or "none saved yet"
                raise DecontrolError(f"no scenario named '{name}' (known: {known})")
            return _record(row)

    @_clear_errors
    def get_shared(self, share_id: Any) -> ScenarioRecord:
        """The scenario shared under `share_id` (what an ally's request names), with no hint of others."""
        with Session(self._engine) as s:
            row = (
                s.scalars(select(_ScenarioRow).where(_ScenarioRow.share_id == str(share_id or ""))).first()
                if share_id
                else None
            )
            if row is None or not row.shared_title:
                raise DecontrolError("this scenario is not shared")
            return _record(row)

    def shared(self) -> builtins.list[ScenarioRecord]:
        """The scenarios with a shareable title, by title."""
        return sorted((r for r in self.list() if r.shared_title and r.share_id), key=lambda r: r.shared_title)

    @_clear_errors
    def set_shared_title(self, name: str, title: Any) -> ScenarioRecord:
        """Share `name` with allies under `title` (empty: stop sharing). The title is checked like a name;
        it must differ from the internal name (sharing the name would defeat the point)."""
        rec = self.get(name)
        text = str(title or "").strip()
        if text:
            text = validate_name(text)
            if text.casefold() == rec.name.casefold():
                raise DecontrolError("the shareable title must differ from the internal name (allies never see it)")
        with Session(self._engine) as s, s.begin():
            s.execute(
                update(_ScenarioRow)
                .where(_ScenarioRow.name == rec.name)
                .values(shared_title=text, share_id=(rec.share_id or secrets.token_hex(8)) if text else None)
            )
        return self.get(rec.name)

    @_clear_errors
    def exists(self, name: str) -> bool:
        with Session(self._engine) as s:
            return s.get(_ScenarioRow, validate_name(name)) is not None

    # -- writing ------------------------------------------------------------------------------
    @_clear_errors
    def save(
        self,
        name: str,
        inputs: dict[str, Any],
        results: dict[str, Any],
        *,
        dataset_id: str = "",
        vintage: str = "",
        author: str = "",
        base_version: int | None = None,
    ) -> ScenarioRecord:
        """Create `name` (base_version None) or update it from `base_version` (must be current).

        Refuses, writing nothing, when the name exists and no base version was given, or when the
        stored version is no longer `base_version` (someone saved in between).
        """
        name = validate_name(name)
        inputs = _check_json(inputs, "inputs")
        results = _check_json(results, "results")
        now = _now()
        with Session(self._engine) as s, s.begin():
            written = 1 if base_version is None else base_version + 1
            if base_version is None:
                s.add(
                    _ScenarioRow(
                        name=name,
                        version=1,
                        inputs=inputs,
                        results=results,
                        dataset_id=dataset_id,
                        vintage=vintage,
                        author=author,
                        created_at=now,
                        updated_at=now,
                    )
                )
                try:
                    s.flush()
                except IntegrityError:
                    raise NameTakenError(
                        f"a scenario named '{name}' already exists; open it and save from its version, "
                        "or choose another name"
                    ) from None
            else:
                res = s.execute(
                    update(_ScenarioRow)
                    .where(_ScenarioRow.name == name, _ScenarioRow.version == base_version)
                    .values(
                        version=base_version + 1,
                        inputs=inputs,
                        results=results,
                        dataset_id=dataset_id,
                        vintage=vintage,
                        author=author,
                        updated_at=now,
                    )
                )
                if _rowcount(res) != 1:
                    current = s.get(_ScenarioRow, name)
                    if current is None:
                        raise StaleScenarioError(f"scenario '{name}' no longer exists; nothing was saved")
                    raise StaleScenarioError(
                        f"scenario '{name}' was saved by {current.author or 'someone'} at {_iso(current.updated_at)} "
                        f"(version {current.version}) after the version {base_version} you edited; nothing was "
                        "saved. Reload it, or save your edits under a new name."
                    )
            row = s.get(_ScenarioRow, name)  # in the writing transaction: this is the version written here
            assert row is not None and row.version == written
            return _record(row)

    @_clear_errors
    def rename(self, name: str, new_name: str, *, base_version: int | None = None) -> ScenarioRecord:
        rec = self.get(name)
        new_name = validate_name(new_name)
        if base_version is not None and rec.version != base_version:
            raise StaleScenarioError(f"scenario '{name}' changed since version {base_version}; not renamed")
        if self.exists(new_name):
            raise DecontrolError(f"a scenario named '{new_name}' already exists; not renamed")
        try:
            with Session(self._engine) as s, s.begin():
                res = s.execute(
                    update(_ScenarioRow)
                    .where(_ScenarioRow.name == rec.name, _ScenarioRow.version == rec.version)
                    .values(name=new_name, version=rec.version + 1, updated_at=_now())
                )
                if _rowcount(res) != 1:
                    raise StaleScenarioError(f"scenario '{name}' changed while renaming; not renamed")
        except IntegrityError:  # a colleague took the new name between the check and the update
            raise DecontrolError(f"a scenario named '{new_name}' was just saved by someone else; not renamed") from None
        return self.get(new_name)

    @_clear_errors
    def duplicate(self, name: str, new_name: str, *, author: str = "") -> ScenarioRecord:
        rec = self.get(name)
        return self.save(
            new_name,
            rec.inputs,
            rec.results,
            dataset_id=rec.dataset_id,
            vintage=rec.vintage,
            author=author or rec.author,
        )

    @_clear_errors
    def delete(self, name: str, *, base_version: int | None = None) -> None:
        rec = self.get(name)
        with Session(self._engine) as s, s.begin():
            q = delete(_ScenarioRow).where(_ScenarioRow.name == rec.name)
            if base_version is not None:
                q = q.where(_ScenarioRow.version == base_version)
            if _rowcount(s.execute(q)) != 1:
                raise StaleScenarioError(f"scenario '{name}' changed since version {base_version}; not deleted")

    def dispose(self) -> None:
        self._engine.dispose()


def _reason(exc: BaseException) -> str:
    """A database error in one line a user can act on (no SQL, no traceback)."""
    text = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    low = text.lower()
    if "file is not a database" in low or "malformed" in low:
        return f"the file is not a readable SQLite database ({text})"
    if "readonly" in low or "read-only" in low or "permission denied" in low or "unable to open" in low:
        return f"the database cannot be written or opened here ({text}): check the path and its permissions"
    if "disk is full" in low or "no space" in low:
        return f"the disk is full ({text})"
    return text
