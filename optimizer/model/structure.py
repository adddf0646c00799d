"""The package model's shared structure: `PackageModel` (the PuLP problem and what reads it), its
units and `parent_of`. Its own module so that `build.py` (which creates a model) and
`constraints.py` (whose `define_*` add rows to one) both import it and not each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pulp

from optimizer.model.items import base_eccn
from optimizer.model.scenario import Scenario

#: US$ per model value unit (the model counts value in millions).
VALUE_UNIT = 1e6
#: Weight of the objectives' tie-breaks (see `set_objective`).
TIE = 1e-6

Option = tuple[str, str]  # (item id, relief mode)


@dataclass
class PackageModel:
    """The PuLP problem and everything needed to read, explain and modify it."""

    scenario: Scenario
    items: pd.DataFrame  # validated item table, indexed by item id
    prob: pulp.LpProblem
    objective: str  # the objective actually set (see `set_objective`)
    relaxed: frozenset[str] = frozenset()
    ids: list[str] = field(default_factory=list)  # every item id, table order
    excluded: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (reason, detail)
    candidates: list[str] = field(default_factory=list)  # item ids with variables
    x: dict[Option, pulp.LpVariable] = field(default_factory=dict)
    var_option: dict[str, Option] = field(default_factory=dict)  # variable name -> option
    item_options: dict[str, list[Option]] = field(default_factory=dict)  # item -> its options
    value: dict[Option, float] = field(default_factory=dict)  # model units (US$ m)
    risk: dict[Option, float] = field(default_factory=dict)  # security risk carried
    penalty: dict[str, float] = field(default_factory=dict)  # ally penalty per relieved item
    opposed: dict[str, list[str]] = field(default_factory=dict)  # id -> allies opposing
    offered: dict[str, tuple[str, ...]] = field(default_factory=dict)  # id -> modes it offers
    rows: dict[str, dict[str, pulp.LpConstraint]] = field(default_factory=dict)  # family -> name -> row
    notes: dict[str, str] = field(default_factory=dict)  # row name -> plain words
    warnings: list[str] = field(default_factory=list)
    _attrs: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    solver_cache: dict[str, Any] = field(default_factory=dict, repr=False)  # e.g. CBC's column section

    # ------------------------------------------------------------------ expressions
    def options_of(self, item: str) -> list[Option]:
        """The (item, mode) options with a variable (none for an excluded item)."""
        return self.item_options.get(item, [])

    def chosen(self, items: Iterable[str]) -> pulp.LpAffineExpression:
        """Number of the given items relieved (in any mode)."""
        return pulp.LpAffineExpression({self.x[o]: 1.0 for i in items for o in self.options_of(i)})

    def value_expr(self, items: Iterable[str] | None = None) -> pulp.LpAffineExpression:
        opts = self.x if items is None else [o for i in items for o in self.options_of(i)]
        return pulp.LpAffineExpression({self.x[o]: self.value[o] for o in opts if self.value[o]})

    def risk_expr(self, with_penalty: bool = True) -> pulp.LpAffineExpression:
        pen = self.penalty if with_penalty else {}
        return pulp.LpAffineExpression(
            {v: self.risk[o] + pen.get(o[0], 0.0) for o, v in self.x.items() if self.risk[o] + pen.get(o[0], 0.0)}
        )

    def count_expr(self) -> pulp.LpAffineExpression:
        return pulp.LpAffineExpression({v: 1.0 for v in self.x.values()})

    def attr(self, column: str) -> dict[str, Any]:
        """{item id: value} of an item-table column (cached: pandas cell access is slow in loops)."""
        if column not in self._attrs:
            self._attrs[column] = (
                dict(zip(self.ids, self.items[column].tolist()))
                if column in self.items
                else dict.fromkeys(self.ids, "")
            )
        return self._attrs[column]

    def row(self, name: str) -> pulp.LpConstraint | None:
        for fam in self.rows.values():
            if name in fam:
                return fam[name]
        return None

    def add_row(self, family: str, name: str, row: pulp.LpConstraint, note: str = "") -> pulp.LpConstraint:
        row.name = name
        self.prob.addConstraint(row)
        self.rows.setdefault(family, {})[name] = row
        if note:
            self.notes[name] = note
        return row


def parent_of(item: str) -> str | None:
    """'2B001-rest' -> '2B001' (a sub-item is part of its parent entry); None for an entry."""
    return base_eccn(item) if "-" in item else None


__all__ = ["TIE", "VALUE_UNIT", "Option", "PackageModel", "parent_of"]
