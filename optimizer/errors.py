"""Errors a user can act on.

Anything raised as a `DecontrolError` carries a message written for an analyst (file, row, column,
what is wrong). The CLI prints it and exits 2; the dashboard shows it inline. Any other exception is
a bug in decontrol, never the user's fault.
"""

from __future__ import annotations


class DecontrolError(Exception):
    """Bad input the user can fix: CLI exit code 2."""

    exit_code = 2

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details or [])

    def render(self, max_details: int = 20) -> str:
        """The message plus at most `max_details` detail lines, then a count of the rest."""
        lines = [self.message]
        shown = self.details[:max_details]
        lines += [f"  - {d}" for d in shown]
        rest = len(self.details) - len(shown)
        if rest > 0:
            lines.append(f"  ... and {rest} more problem(s)")
        return "\n".join(lines)


class DataValidationError(DecontrolError):
    """A data file or directory failed validation; `details` lists each problem."""


class InfeasibleError(DecontrolError):
    """No package meets the target under the constraints: CLI exit code 3."""

    exit_code = 3
