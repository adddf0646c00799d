"""The rows of a PuLP model through PuLP's public API only (PuLP 3.3 and PuLP 4 alike).

PuLP 3.3 keeps its rows in the private `LpProblem._constraints` dict and deprecates reading
`prob.constraints` as a mapping; PuLP 4 returns them as a list from `prob.constraints()`. Both
versions give that list in insertion order, each row carrying its own `name`, so every reader of
the model (the solver interfaces, the results, the largest achievable) goes through here.
"""

from __future__ import annotations

import pulp


def model_rows(prob: pulp.LpProblem) -> dict[str, pulp.LpConstraint]:
    """{row name: row} in the order the rows were added."""
    return {str(row.name): row for row in prob.constraints()}


__all__ = ["model_rows"]
