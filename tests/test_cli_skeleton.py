"""The CLI framework: unknown commands and flags exit 2 with a message, never a traceback."""


def test_unknown_command_exits_2(cli):
    code, out, err = cli("no-such-command")
    assert code == 2
    assert "invalid choice" in err
    assert "Traceback" not in err


def test_help_lists_serve(cli):
    code, out, err = cli("--help")
    assert code == 0
    assert "serve" in out
