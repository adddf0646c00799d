"""The `decontrol` console script: the optimizer's commands plus `serve` (the dashboard)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from optimizer.cli import run
from optimizer.cli.common import add_data_flag


def register_serve(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="start the dashboard")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8050)
    p.add_argument("--debug", action="store_true", help="Dash debug mode (hot reload, dev tools)")
    add_data_flag(p)
    p.set_defaults(func=_serve)


def _serve(args: argparse.Namespace) -> int:
    from dashboard.app import create_app

    app = create_app(data_dir=args.data)
    print(f"decontrol dashboard on http://{args.host}:{args.port}/", file=sys.stderr)
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


def main(argv: Sequence[str] | None = None) -> None:
    sys.exit(run(argv, extra=(register_serve,)))
