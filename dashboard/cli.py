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
    p.add_argument("--db", default=None, metavar="URL", help="scenario database URL (default: DECONTROL_DB or SQLite)")
    p.add_argument("--users", type=Path, default=None, metavar="FILE",
                   help="users file (decontrol users add): every page needs a login")
    p.add_argument("--auth-header", default=None, metavar="NAME",
                   help="trusted reverse-proxy header holding the user name, e.g. X-Forwarded-User "
                        "(role from --users, else NAME-Role, default ally)")
    add_data_flag(p)
    p.set_defaults(func=_serve)


def register_users(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("users", help="manage dashboard users (hashed passwords)")
    actions = p.add_subparsers(dest="users_action", required=True)
    add = actions.add_parser("add", help="add or replace a user in a users file")
    add.add_argument("file", type=Path, metavar="FILE")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", choices=("analyst", "ally"), required=True)
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(func=_users_add)


def _users_add(args: argparse.Namespace) -> int:
    import getpass

    from dashboard.auth import add_user
    from optimizer.errors import DecontrolError
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"password for {args.name}: ")
        if password != getpass.getpass("again: "):
            raise DecontrolError("the two passwords differ")
    add_user(args.file, args.name, args.role, password)
    print(f"{args.name} ({args.role}) saved in {args.file}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from dashboard.app import create_app

    app = create_app(data_dir=args.data, db_url=args.db, users_file=args.users, auth_header=args.auth_header)
    print(f"decontrol dashboard on http://{args.host}:{args.port}/", file=sys.stderr)
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


def main(argv: Sequence[str] | None = None) -> None:
    sys.exit(run(argv, extra=(register_serve, register_users)))
