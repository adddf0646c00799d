"""The one validation layer: reading a number from user input, and pydantic models over the check
functions of each document (the scenario, the estimation config, the builder's form, the exchange
document, the users and positions files).

Every entry point words its messages for its own reader (a scenario file names the field, the CLI
the flag, the dashboard the form label), so the *rules* live here and the wording stays with the
caller:

- `read_number(v, ...)`: the one number reader. It raises `NumberError` with a `kind` (`type`: not a
  number or text at all, `text`: text that is not a number, `nonfinite`, `whole`: not a whole
  number, `low`/`high`: out of range) and the value read (`x`), and the caller turns that into its
  message;
- `positions_shape_ok` (the allies' positions file) and `UserEntry` / `user_entry` (the users
  file) are pydantic models of those files;
- `fields_model(name, checks)`: a pydantic model whose fields run the given check functions (each
  raising `ValueError` with the message of its field), and `validate_fields(model, data)` that runs
  it and returns the values and every problem as `"field: message"`, in field order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictStr,
    TypeAdapter,
    ValidationError,
    create_model,
)


class NumberError(ValueError):
    """A value that is not an acceptable number; `kind` says why (see the module docstring)."""

    def __init__(self, kind: str, value: Any, x: float | None = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.value = value
        self.x = x


def read_number(
    v: Any,
    *,
    text: bool = True,
    lo: float | None = None,
    hi: float | None = None,
    lo_open: bool = False,
    integer: bool = False,
    finite: bool = True,
) -> float:
    """`v` as a finite float within [lo, hi] (`lo_open`: > lo), a whole number if `integer`.

    Booleans are never numbers; text is read when `text` (surrounding blanks ignored). NaN is never
    a number (`nonfinite`); `finite=False` lets an infinity through to the range checks."""
    if isinstance(v, bool) or not isinstance(v, (int, float, str)) or (isinstance(v, str) and not text):
        raise NumberError("type", v)
    try:
        x = float(v.strip() if isinstance(v, str) else v)
    except ValueError:
        raise NumberError("text", v) from None
    if math.isnan(x) or (finite and math.isinf(x)):
        raise NumberError("nonfinite", v, x)
    if integer and math.isfinite(x) and x != int(x):
        raise NumberError("whole", v, x)
    if lo is not None and (x <= lo if lo_open else x < lo):
        raise NumberError("low", v, x)
    if hi is not None and x > hi:
        raise NumberError("high", v, x)
    return x


def number_or_blank(v: Any) -> float | None:
    """A widget's number: None for blank, NaN for text that is not a number (the form says which)."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    try:
        return read_number(v)
    except NumberError as exc:
        return exc.x if exc.kind == "nonfinite" and exc.x is not None else math.nan


# ---------------------------------------------------------------------- pydantic documents
_MODELS: dict[str, type[BaseModel]] = {}


def fields_model(name: str, checks: Mapping[str, Callable[[Any], Any]]) -> type[BaseModel]:
    """A pydantic model with one optional field per check, in order; a field present in the data is
    passed through its check (whose `ValueError` is the field's message). Extra keys are ignored:
    callers that refuse them say so in their own words first."""
    if name not in _MODELS:
        spec: dict[str, Any] = {
            field: (Annotated[Any, BeforeValidator(check)], None) for field, check in checks.items()
        }
        _MODELS[name] = create_model(name, __config__=ConfigDict(extra="ignore"), **spec)
    return _MODELS[name]


def validate_fields(
    model: type[BaseModel], data: Mapping[str, Any], problem: Callable[[str, str], str] = lambda f, m: f"{f}: {m}"
) -> tuple[dict[str, Any], list[str]]:
    """Run `model` on `data`: (the values of the fields present, []), or ({}, every problem as
    `problem(field, message)`, by default "field: message", in field order)."""
    try:
        doc = model.model_validate(dict(data))
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"])
            cause = (err.get("ctx") or {}).get("error")
            problems.append(problem(field, str(cause if cause is not None else err["msg"])))
        return {}, problems
    present = doc.model_fields_set & set(data)
    return {k: getattr(doc, k) for k in type(doc).model_fields if k in present}, []


# ---------------------------------------------------------------------- positions and users files
#: An allies' positions document: {ISO3: {item: position}}, every position a text (the words are
#: checked where the item table is known).
_POSITIONS = TypeAdapter(dict[StrictStr, dict[StrictStr, StrictStr]])


def positions_shape_ok(data: Any) -> bool:
    """Whether `data` has the shape of a positions document (see `_POSITIONS`)."""
    try:
        _POSITIONS.validate_python(data, strict=True)
    except ValidationError:
        return False
    return True


class UserEntry(BaseModel):
    """One entry of a users file (`decontrol users add`): a name, a role, the password's hash."""

    model_config = ConfigDict(extra="ignore")

    username: StrictStr = Field(min_length=1)
    role: StrictStr
    password_hash: Any = ""  # read as text


def user_entry(row: Any, roles: tuple[str, ...]) -> tuple[UserEntry | None, str]:
    """(the entry, "") or (None, the problem: "no username" or "role must be one of ...")."""
    try:
        entry = UserEntry.model_validate(row)
    except ValidationError as exc:
        if (
            isinstance(row, dict)
            and row.get("username")
            and not any(e["loc"][:1] == ("username",) for e in exc.errors())
        ):
            return None, f"role must be one of {', '.join(roles)}"
        return None, "no username"
    if entry.role not in roles:
        return None, f"role must be one of {', '.join(roles)}"
    return entry, ""


__all__ = [
    "NumberError",
    "UserEntry",
    "fields_model",
    "number_or_blank",
    "positions_shape_ok",
    "read_number",
    "user_entry",
    "validate_fields",
]
