"""Start-up of the `decontrol` command: `--help` loads no heavy library, and the command list it
prints without importing the command modules is the one those modules register."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("pandas", "numpy", "pyarrow", "plotly", "pulp", "sqlalchemy", "dash", "highspy")


def _loaded_after(code: str) -> list[str]:
    """The heavy top-level packages loaded once `code` has run in a fresh interpreter."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    loaded = set(json.loads(out.strip().splitlines()[-1]))
    return sorted(h for h in HEAVY if h in loaded)


def test_importing_the_entry_module_loads_no_heavy_library():
    assert _loaded_after("import dashboard.cli") == []


@pytest.mark.parametrize("argv", [["--help"], [], ["no-such-command"]])
def test_help_and_usage_load_no_heavy_library(argv):
    code = f"import sys\nfrom dashboard.cli import main\ntry:\n    main({argv!r})\nexcept SystemExit:\n    pass"
    assert _loaded_after(code) == []


def test_a_command_loads_what_it_needs():
    """The probe above can see a heavy import: running `items --help` builds that command's parser."""
    code = "from dashboard.cli import main\ntry:\n    main(['items', '--help'])\nexcept SystemExit:\n    pass"
    assert "pandas" in _loaded_after(code)


def test_optimize_help_loads_no_table_library():
    """`optimize --help` and `frontier --help` build their parsers from the scenario's vocabulary alone:
    pandas, numpy and PuLP load when a table is read or a model built."""
    for command in ("optimize", "frontier"):
        code = f"from dashboard.cli import main\ntry:\n    main([{command!r}, '--help'])\nexcept SystemExit:\n    pass"
        assert _loaded_after(code) == [], command


def _full_parser():
    from dashboard.cli import register_overrides, register_serve, register_users
    from optimizer.cli import build_parser

    return build_parser((register_serve, register_users, register_overrides))


def _lazy_parser(only: str = ""):
    from dashboard.cli import register_overrides, register_serve, register_users
    from optimizer.cli import build_parser

    return build_parser((register_serve, register_users, register_overrides), only=only)


def _choices(parser) -> dict[str, str]:
    """Command -> one-line help of a parser's sub-commands, in order."""
    import argparse

    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {c.dest: c.help for c in action._choices_actions}


def test_commands_table_matches_what_the_modules_register():
    from optimizer.cli import COMMANDS

    listed = {c: h for commands in COMMANDS.values() for c, h in commands.items()}
    registered = {c: h for c, h in _choices(_full_parser()).items() if c not in ("serve", "users", "overrides")}
    assert registered == listed, "optimizer.cli.COMMANDS must list each module's commands with their help"
    assert list(registered) == list(listed)


def test_help_without_the_modules_is_the_full_help():
    assert _lazy_parser().format_help() == _full_parser().format_help()


def test_each_command_parses_as_with_every_module_registered():
    from optimizer.cli import COMMANDS

    for commands in COMMANDS.values():
        for command in commands:
            full, lazy = _full_parser(), _lazy_parser(command)
            sub_full = next(a for a in full._actions if a.dest == "command").choices[command]
            sub_lazy = next(a for a in lazy._actions if a.dest == "command").choices[command]
            assert sub_lazy.format_help() == sub_full.format_help(), command


def test_help_exits_0_and_lists_every_command(cli):
    from optimizer.cli import COMMANDS

    code, out, _ = cli("--help")
    assert code == 0
    for commands in COMMANDS.values():
        for command in commands:
            assert command in out


def _program(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_the_program_ends_with_its_exit_code_its_output_and_its_exit_handlers():
    """`main()` (the program: argv from sys.argv) ends the process without the interpreter's teardown,
    but only after the exit handlers have run and the output is out."""
    code = (
        "import atexit, sys\n"
        "from optimizer.cli import exit_now\n"
        "atexit.register(lambda: print('handler ran'))\n"
        "print('output', end=' ')\n"
        "sys.stderr.write('to stderr')\n"
        "exit_now(3)\n"
        "print('never')\n"
    )
    done = _program(code)
    assert (done.returncode, done.stdout, done.stderr) == (3, "output handler ran\n", "to stderr")


def test_the_program_waits_for_a_live_thread():
    """A server's threads still running: the normal exit, which waits for them, not a fast one."""
    code = (
        "import threading, time\n"
        "from optimizer.cli import exit_now\n"
        "threading.Thread(target=lambda: (time.sleep(0.3), print('thread done'))).start()\n"
        "exit_now(0)\n"
    )
    done = _program(code)
    assert (done.returncode, done.stdout) == (0, "thread done\n")


def test_a_whole_command_process_ends_with_its_code_and_output(tmp_path):
    """`python -m optimizer` (the program) prints a command's output and exits with its code."""
    ok = subprocess.run(
        [sys.executable, "-m", "optimizer", "measures", "--partner", "CHN", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0 and json.loads(ok.stdout)
    bad = subprocess.run(
        [sys.executable, "-m", "optimizer", "optimize", "--items", str(tmp_path / "none.csv"), "--target", "5m"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "no such item file" in bad.stderr and not bad.stdout


def test_the_dashboard_entry_module_runs_as_a_program():
    """`python -m dashboard.cli` is the `decontrol` console script: its commands (serve among them)
    and their exit codes, not a silent exit 0."""
    run = [sys.executable, "-m", "dashboard.cli"]
    done = subprocess.run([*run, "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "serve" in done.stdout and "exchange" in done.stdout
    done = subprocess.run(run, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "COMMAND" in done.stderr


def test_main_called_from_code_raises_system_exit():
    """With an argv (from code, as the tests do), `main` raises SystemExit and the caller lives on."""
    from dashboard.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["optimize", "--items", "/nonexistent/items.csv", "--target", "5m"])
    assert exit_.value.code == 2


def test_a_profiled_program_still_writes_its_profile(tmp_path):
    """`python -m cProfile -m optimizer ...` writes the profile at exit: the fast exit steps aside."""
    out = tmp_path / "run.prof"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "optimizer", "measures", "--partner", "CHN"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and out.stat().st_size > 0
