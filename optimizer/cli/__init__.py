"""The `decontrol` command line: one argparse parser, one module per command group.

Each command module exposes `register(subparsers)`, which adds its sub-commands and sets
`func(args) -> int` on them. `run(argv, extra=...)` parses, dispatches and turns a
`DecontrolError` into a message on stderr and its exit code (2 bad input, 3 infeasible), so no
user ever sees a traceback. The dashboard package adds `serve` through `extra`, which keeps the
dependency one way (optimizer never imports dashboard).

Start-up: `run` imports only the module of the command being run (pandas, PuLP and the rest load
with it). `decontrol --help`, a bare `decontrol` or an unknown command import none: the command
list comes from `COMMANDS` (tests/optimizer/cli/test_startup.py holds it to what the modules register).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import re
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from importlib import import_module
from typing import TYPE_CHECKING, cast

from optimizer.errors import DecontrolError

#: Command modules inside `optimizer.cli`, in help order, each with the commands it registers and their
#: one-line help: what `decontrol --help` lists without importing the modules. A module that does not
#: exist yet is skipped.
COMMANDS: dict[str, dict[str, str]] = {
    "data": {"data": "import trade data, check and describe data directories"},
    "items": {"items": "the item table (tier, value, risk, foreign availability) for a partner"},
    "trade": {"trade": "trade with a partner: totals, by HS chapter, controlled trade by tier, allies' exports"},
    "optimize": {
        "optimize": "suggest a decontrol package for a concession target",
        "frontier": "least-risk packages for targets from 0 to the largest achievable",
    },
    "coalition": {"coalition": "a coordinated package for the US and allies vs the US-only package"},
    "measures": {"measures": "the partner's own export controls and their status on a date"},
    "exchange": {"exchange": "two-sided package: US gives (decontrol) against US gets (partner relief)"},
    "scenario": {"scenario": "save, list, export and import scenarios"},
    "brief": {"brief": "export a briefing deck (PPTX) and workbook (XLSX)"},
    "diversion": {"diversion": "diversion/transshipment signals from mirror trade data"},
    "hs": {
        "hs": "US trade with a partner down the HS tree, and the CCL items mapped into a code",
        "search": "find control list items by HS code or word (heading, HS names, concordance)",
    },
}
COMMAND_MODULES: tuple[str, ...] = tuple(COMMANDS)

if TYPE_CHECKING:
    #: A command module's `register(subparsers)` (the dashboard passes its own as `extra`).
    Register = Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on a bad flag already; this keeps its message short and on stderr."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser(extra: Sequence[Register] = (), only: str | None = None) -> argparse.ArgumentParser:
    """The `decontrol` parser with every command module registered, or (`only`) with the module of the
    command `only` registered and every other command listed by name and help alone. `extra` (the
    dashboard's commands) is always registered in full."""
    parser = _Parser(prog="decontrol", description="Decontrol packages for economic security negotiations.")
    # typed as adding plain ArgumentParsers, which _Parser is, so that command modules need not know _Parser
    sub = cast(
        "argparse._SubParsersAction[argparse.ArgumentParser]",
        parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser),
    )
    sub.required = True
    for name, commands in COMMANDS.items():
        if only is not None and only not in commands:
            for command, help_text in commands.items():
                sub.add_parser(command, help=help_text)
            continue
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


def command_of(argv: Sequence[str]) -> str:
    """The command `argv` names (its first word that is not an option), "" if none."""
    return next((a for a in argv if not a.startswith("-")), "")


def run(argv: Sequence[str] | None = None, extra: Sequence[Register] = ()) -> int:
    """Parse `argv`, run the command, return the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # "" (no command, or only --help) and an unknown word match no module: nothing is imported
    parser = build_parser(extra, only=command_of(argv))
    args = parser.parse_args(attach_negative_values(parser, argv))
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
    except Exception as exc:  # noqa: BLE001 - a bug in decontrol: say so plainly, keep the traceback for developers
        if os.environ.get("DECONTROL_DEBUG"):
            traceback.print_exc()
        print(
            f"internal error ({type(exc).__name__}): {exc}. "
            "This is a defect in decontrol; set DECONTROL_DEBUG=1 for details.",
            file=sys.stderr,
        )
        return 1


def exit_now(code: int) -> None:
    """End the process with `code` once its output is out and its exit handlers have run, without
    the interpreter's teardown.

    Why: freeing the modules a command loaded (pandas, pyarrow, numpy, PuLP) is work the operating
    system does anyway when the process ends, and it was measured at 60-70 ms of a 0.5 s `decontrol
    frontier` process. What a normal exit does that matters still happens: the `atexit` handlers run
    (temporary directories, a started server's children, logging) and stdout and stderr are flushed.
    With another thread still alive (a server's), the normal exit runs, which waits for it; so it
    does under a profiler or a tracer (`python -m cProfile`, coverage), which write at exit."""
    if threading.active_count() > 1 or sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        # a reader that left (as `run` says: not an error), or a stream already closed
        with contextlib.suppress(BrokenPipeError, ValueError):
            stream.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None, extra: Sequence[Register] = ()) -> None:
    """The program: run the command line and end the process (`exit_now`). Called with `argv` (from
    code, such as a test), it raises SystemExit as `sys.exit` does, and the caller lives on."""
    code = run(argv, extra)
    if argv is not None:
        sys.exit(code)
    exit_now(code)
