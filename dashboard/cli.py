"""The `decontrol` console script: the optimizer's commands plus `serve` (the dashboard)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from optimizer.cli import main as cli_main
from optimizer.cli.common import add_data_flag


def register_serve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("serve", help="start the dashboard")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8050)
    p.add_argument("--debug", action="store_true", help="Dash debug mode (hot reload, dev tools)")
    p.add_argument("--db", default=None, metavar="URL", help="scenario database URL (default: DECONTROL_DB or SQLite)")
    p.add_argument(
        "--users",
        type=Path,
        default=None,
        metavar="FILE",
        help="users file (decontrol users add): every page needs a login",
    )
    p.add_argument(
        "--auth-header",
        default=None,
        metavar="NAME",
        help="reverse-proxy header holding the user name, e.g. X-Forwarded-User "
        "(role from --users, else NAME-Role, default ally); needs --trusted-proxy",
    )
    p.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        metavar="ADDR",
        help="address of the reverse proxy whose --auth-header is believed (repeatable)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="gunicorn worker processes (the data is loaded once, before the workers fork); "
        "more than one needs DECONTROL_SECRET_KEY",
    )
    p.add_argument("--threads", type=int, default=8, metavar="N", help="threads per worker (default 8)")
    p.add_argument(
        "--jobs",
        default=None,
        metavar="DIR|redis://...",
        help="where background jobs run: a job directory shared by this host's workers "
        "(default: a fresh one under the temporary directory), or redis://HOST:PORT/DB "
        "for several hosts (Celery workers are started beside the web workers)",
    )
    p.add_argument(
        "--job-workers",
        type=int,
        default=2,
        metavar="N",
        help="Celery worker processes on this host with --jobs redis://... (default 2; 0: none here)",
    )
    add_data_flag(p)
    p.set_defaults(func=_serve)


def register_users(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("users", help="manage dashboard users (hashed passwords)")
    actions = p.add_subparsers(dest="users_action", required=True)
    add = actions.add_parser("add", help="add or replace a user in a users file")
    add.add_argument("file", type=Path, metavar="FILE")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", choices=("analyst", "ally"), required=True)
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(func=_users_add)


def register_overrides(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("overrides", help="the history of tier overrides recorded in the dashboard")
    actions = p.add_subparsers(dest="overrides_action", required=True)
    hist = actions.add_parser("history", help="every tier decision (who, when, from -> to, reason), oldest first")
    hist.add_argument(
        "--db", default=None, metavar="URL", help="scenario database URL (default: DECONTROL_DB or SQLite)"
    )
    hist.add_argument("--eccn", default=None, help="only this item")
    hist.add_argument("--out", type=Path, default=None, metavar="FILE.csv", help="write CSV here (default: print)")
    hist.set_defaults(func=_overrides_history)


def _overrides_history(args: argparse.Namespace) -> int:
    from optimizer.errors import DecontrolError
    from optimizer.estimation.overrides import TierOverrideLog
    from optimizer.scenarios import ScenarioStore

    table = TierOverrideLog(ScenarioStore(args.db).engine).history(args.eccn)
    if args.out is None:
        print(table.to_csv(index=False), end="")
        return 0
    tmp = args.out.with_name(args.out.name + ".tmp")
    try:
        table.to_csv(tmp, index=False)
        tmp.replace(args.out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DecontrolError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    print(f"{len(table)} tier decisions written to {args.out}")
    return 0


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
    """`--debug`: Flask's development server (hot reload). Otherwise gunicorn, with the app loaded
    once in the arbiter and forked into `--workers` processes (see `dashboard.serve`)."""
    from dashboard import serve
    from optimizer.errors import DecontrolError

    if args.workers < 1 or args.threads < 1 or args.job_workers < 0:
        raise DecontrolError("--workers and --threads must be at least 1, --job-workers at least 0")
    env = serve.environment(
        data=args.data,
        db=args.db,
        users=args.users,
        auth_header=args.auth_header,
        trusted_proxies=args.trusted_proxy,
        jobs=args.jobs,
        workers=args.workers,
    )
    if args.debug:
        from dashboard.app import app_from_env

        app = app_from_env({**os.environ, **env})
        print(f"decontrol dashboard (development server) on http://{args.host}:{args.port}/", file=sys.stderr)
        # no version check: it calls plotly.com, which the app's own CSP (connect-src 'self') refuses,
        # a console error on every page of a development server
        app.run(host=args.host, port=args.port, debug=True, dev_tools_disable_version_check=True)
        return 0
    return serve.run(
        env, host=args.host, port=args.port, workers=args.workers, threads=args.threads, job_workers=args.job_workers
    )


def main(argv: Sequence[str] | None = None) -> None:
    """The `decontrol` program (see `optimizer.cli.main`: from code, with `argv`, it raises SystemExit)."""
    cli_main(argv, extra=(register_serve, register_users, register_overrides))


if __name__ == "__main__":
    main()
