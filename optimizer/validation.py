"""The one validation layer: reading a number from user input, the field checks of each document
(the scenario, the estimation config, the builder's form, the exchange document), and the pydantic
models of the users and positions files.

Every entry point words its messages for its own reader (a scenario file names the field, the CLI
the flag, the dashboard the form label), so the *rules* live here and the wording stays with the
caller:

- `read_number(v, ...)`: the one number reader. It raises `NumberError` with a `kind` (`type`: not a
  number or text at all, `text`: text that is not a number, `nonfinite`, `whole`: not a whole
  number, `low`/`high`: out of range) and the value read (`x`), and the caller turns that into its
  message;
- `validate_fields(checks, data)`: runs one check function per field (each raising `ValueError` with
  the message of its field) over the fields present, and returns the values and every problem as
  `"field: message"`, in field order. A document's rules are its check functions: the scenario's
  are `Scenario`'s `_CHECKS`, the exchange document's its `_FIELDS`;
- `country_codes(raw, known, ...)`: the country codes a user names (coalition members, allies):
  upper-cased and de-duplicated, with a problem for each code that is not a country of
  countries.csv, is a group of countries (WLD, EUU) or is the partner itself;
- `positions_shape_ok` (the allies' positions file) and `user_entry` (the users file) check those
  files' shapes with pydantic models.

Why the field checks are not a pydantic model: they were one (an `Any` field per check, run as a
`BeforeValidator`), in which pydantic only called the functions, and importing pydantic and
building its first model cost 70-80 ms of every command-line process that reads a scenario
(measured: a whole `decontrol frontier` process at 2,000 items is 0.49 s with it, 0.41 s without).
pydantic is imported where a users or positions file is read.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping
from difflib import get_close_matches
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

#: A document's rules: a check per field, in the order its problems are listed.
FieldChecks = Mapping[str, Callable[[Any], Any]]


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


# ---------------------------------------------------------------------- documents
def validate_fields(
    checks: FieldChecks, data: Mapping[str, Any], problem: Callable[[str, str], str] = lambda f, m: f"{f}: {m}"
) -> tuple[dict[str, Any], list[str]]:
    """Run each field's check on `data`: (the checked values of the fields present, []), or ({},
    every problem as `problem(field, message)`, by default "field: message", in field order). A
    check refuses with `ValueError` (or an assertion); keys without a check are left to the caller,
    which refuses them in its own words."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for field, check in checks.items():
        if field not in data:
            continue
        try:
            values[field] = check(data[field])
        except (ValueError, AssertionError) as exc:
            problems.append(problem(field, str(exc)))
    return ({}, problems) if problems else (values, [])


# ---------------------------------------------------------------------- country codes
def country_codes(
    raw: Iterable[Any],
    known: Collection[str],
    *,
    role: str,
    noun: str | None = None,
    partner: str | None = None,
    groups: Collection[str] = (),
) -> tuple[list[str], list[str]]:
    """(the codes upper-cased and de-duplicated, in order; a problem per bad code).

    A code is bad when it is not in `known` (countries.csv), is one of `groups` (aggregates such as
    WLD), or is the `partner`. `role` names a code in the messages ("member", "ally"); `noun` what
    it may not also be, with its article ("a coalition member"; default: "a " + `role`)."""
    codes: list[str] = []
    problems: list[str] = []
    for value in raw:
        code = str(value).strip().upper()
        if not code or code in codes:
            continue
        if partner is not None and code == partner:
            problems.append(f"{role} {code} is the partner: {noun or 'a ' + role} cannot also be the partner")
        elif code in groups:
            problems.append(f"{role} {code} is a group of countries, not a country")
        elif code not in known:
            # the same letters in another order first, most of them in place (GRB -> GBR, not
            # BGR), then the closest spelling (JPX -> JPN)
            swapped = sorted(
                (k for k in known if sorted(k) == sorted(code)),
                key=lambda k: (-sum(a == b for a, b in zip(k, code)), k),
            )
            near = swapped or get_close_matches(code, sorted(known), n=1, cutoff=0.66)
            hint = f" (did you mean {near[0]}?)" if near else ""
            problems.append(f"unknown {role} '{value}': not an ISO3 code in countries.csv{hint}")
        codes.append(code)
    return codes, problems


# ---------------------------------------------------------------------- positions and users files
@cache
def _positions_adapter() -> Any:
    """An allies' positions document: {ISO3: {item: position}}, every position a text (the words are
    checked where the item table is known)."""
    from pydantic import StrictStr, TypeAdapter

    return TypeAdapter(dict[StrictStr, dict[StrictStr, StrictStr]])


def positions_shape_ok(data: Any) -> bool:
    """Whether `data` has the shape of a positions document (see `_positions_adapter`)."""
    from pydantic import ValidationError

    try:
        _positions_adapter().validate_python(data, strict=True)
    except ValidationError:
        return False
    return True


@cache
def user_entry_model() -> type[BaseModel]:
    """One entry of a users file (`decontrol users add`): a name, a role, the password's hash."""
    from pydantic import BaseModel, ConfigDict, Field, StrictStr

    class UserEntry(BaseModel):
        model_config = ConfigDict(extra="ignore")

        username: StrictStr = Field(min_length=1)
        role: StrictStr
        password_hash: Any = ""  # read as text

    return UserEntry


def user_entry(row: Any, roles: tuple[str, ...]) -> tuple[Any, str]:
    """(the entry: `username`, `role`, `password_hash`, "") or (None, the problem: "no username" or
    "role must be one of ...")."""
    from pydantic import ValidationError

    try:
        entry: Any = user_entry_model().model_validate(row)
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
    "FieldChecks",
    "country_codes",
    "NumberError",
    "number_or_blank",
    "positions_shape_ok",
    "read_number",
    "user_entry",
    "user_entry_model",
    "validate_fields",
]
