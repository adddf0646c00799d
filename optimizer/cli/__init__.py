"""The `decontrol` command line: one argparse parser, one module per command group.

Each command module exposes `register(subparsers)`, which adds its sub-commands and sets
`func(args) -> int` on them. `run(argv, extra=...)` parses, dispatches and turns a
`DecontrolError` into a message on stderr and its exit code (2 bad input, 3 infeasible), so no
user ever sees a traceback. The dashboard package adds `serve` through `extra`, which keeps the
dependency one way (optimizer never imports dashboard).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from importlib import import_module

from optimizer.errors import DecontrolError

#: Command modules inside `optimizer.cli`, in help order. A module that does not exist yet is skipped.
COMMAND_MODULES: tuple[str, ...] = ("data", "items", "optimize", "coalition", "measures", "scenario", "brief",
                                  "diversion")


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on a bad flag already; this keeps its message short and on stderr."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser(extra: Sequence[Callable[[argparse._SubParsersAction], None]] = ()) -> argparse.ArgumentParser:
    parser = _Parser(prog="decontrol", description="Decontrol packages for economic security negotiations.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMAND_MODULES:
        try:
            module = import_module(f"optimizer.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"optimizer.cli.{name}":
                continue
            raise
        module.register(sub)
    for register in extra:
        register(sub)
    return parser


#: A token that argparse would take for an option but is a negative amount ('-1bn', '-$5m', '-.5').
_NEGATIVE = re.compile(r"^-\$?(\d|\.\d)")


def _single_value_flags(parser: argparse.ArgumentParser) -> set[str]:
    """Option strings, in every sub-command, that take exactly one value."""
    out: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                out |= _single_value_flags(sub)
        elif action.option_strings and action.nargs is None:
            out |= set(action.option_strings)
    return out


def attach_negative_values(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """`--target -1bn` -> `--target=-1bn`: argparse reads '-1bn' as an unknown option and says
    "expected one argument"; attached, the value reaches its own check and the helpful message."""
    flags = _single_value_flags(parser)
    out: list[str] = []
    i = 0
    while i < len(argv):
        tok = argv[i]
        if tok in flags and i + 1 < len(argv) and _NEGATIVE.match(argv[i + 1]):
            out.append(f"{tok}={argv[i + 1]}")
            i += 2
            continue
        out.append(tok)
        i += 1
    return out


def run(argv: Sequence[str] | None = None,
        extra: Sequence[Callable[[argparse._SubParsersAction], None]] = ()) -> int:
    """Parse `argv`, run the command, return the process exit code."""
    parser = build_parser(extra)
    args = parser.parse_args(attach_negative_values(parser, list(sys.argv[1:] if argv is None else argv)))
    try:
        return int(args.func(args) or 0)
    except DecontrolError as exc:
        print(f"error: {exc.render()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug in decontrol: say so plainly, keep the traceback for developers
        if os.environ.get("DECONTROL_DEBUG"):
            traceback.print_exc()
        print(f"internal error ({type(exc).__name__}): {exc}. "
              "This is a defect in decontrol; set DECONTROL_DEBUG=1 for details.", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> None:
    sys.exit(run(argv))
