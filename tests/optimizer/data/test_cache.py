"""Validation verdicts across processes (`optimizer/data/cache.py`, used by `load_dataset`): files that
passed, checked by the same code, are not checked again; any change of a file's bytes is checked;
a directory with problems is checked, and its problems listed, every time; nothing is recorded with
the cache off."""

from __future__ import annotations

import os

import pytest

from optimizer.data import cache, load
from optimizer.data.load import clear_cache, load_dataset
from optimizer.errors import DataValidationError


@pytest.fixture()
def checks(tmp_path, monkeypatch) -> list[object]:
    """The cache in a fresh directory, and a record of every full validation `load_dataset` runs."""
    monkeypatch.setenv("DECONTROL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("DECONTROL_CACHE", raising=False)
    calls: list[object] = []
    real = load.validate_dataset

    def counted(raw, paths):  # type: ignore[no-untyped-def]
        calls.append(paths)
        return real(raw, paths)

    monkeypatch.setattr(load, "validate_dataset", counted)
    return calls


def _fresh(shipped):  # type: ignore[no-untyped-def]
    clear_cache()  # the in-process cache would answer before the verdicts are asked
    return load_dataset(shipped_dir=shipped)


def test_a_recorded_pass_skips_the_check_and_loads_the_same_dataset(shipped, checks, tmp_path):
    first = _fresh(shipped)
    assert len(checks) == 1 and len(list((tmp_path / "cache").glob("valid-*.json"))) == 1
    second = _fresh(shipped)
    assert len(checks) == 1 and second is not first
    assert second.dataset_id == first.dataset_id
    for name in ("ccl", "trade", "countries", "concordance"):
        assert second.table(name).equals(first.table(name))


def test_any_change_of_a_files_bytes_is_checked_again(shipped, checks):
    _fresh(shipped)
    ccl = shipped / "ccl.csv"
    st = os.stat(ccl)
    text = ccl.read_text(encoding="utf-8")
    ccl.write_text(text.replace("Machine tools", "Machine tooks"), encoding="utf-8")  # same size
    os.utime(ccl, ns=(st.st_atime_ns, st.st_mtime_ns))  # and the mtime put back
    _fresh(shipped)
    assert len(checks) == 2
    ccl.write_text(text.replace("2B991,2,B", "2B991,X,B"), encoding="utf-8")  # now invalid
    for _ in range(2):  # a failure is never recorded: checked, and its problem listed, each time
        with pytest.raises(DataValidationError) as exc:
            _fresh(shipped)
        assert any("category" in d for d in exc.value.details)
    assert len(checks) == 4


def test_a_file_written_while_it_was_read_records_no_pass(shipped, checks, tmp_path, monkeypatch):
    real = load.read_all

    def read_then_edit(paths):  # type: ignore[no-untyped-def]
        out = real(paths)
        with open(shipped / "events.csv", "a", encoding="utf-8") as fh:
            fh.write("2023-01-01,Another rule,BIS rule,us_control,Federal Register\n")
        return out

    monkeypatch.setattr(load, "read_all", read_then_edit)
    _fresh(shipped)
    assert len(checks) == 1 and not list((tmp_path / "cache").glob("valid-*.json"))


def test_other_code_is_another_key(shipped, checks, monkeypatch, tmp_path):
    _fresh(shipped)
    package = tmp_path / "package"
    package.mkdir()
    (package / "rules.py").write_text("RULE = 1\n", encoding="utf-8")
    monkeypatch.setattr(cache, "_PACKAGE_DIR", package)  # as if the validating code had changed
    _fresh(shipped)
    assert len(checks) == 2


def test_with_the_cache_off_every_load_checks_and_nothing_is_written(shipped, checks, tmp_path, monkeypatch):
    monkeypatch.setenv("DECONTROL_CACHE", "0")
    _fresh(shipped)
    _fresh(shipped)
    assert len(checks) == 2 and not (tmp_path / "cache").exists()


def test_an_unwritable_cache_is_no_error(shipped, checks, tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the cache directory would be", encoding="utf-8")
    monkeypatch.setenv("DECONTROL_CACHE_DIR", str(blocked))
    assert _fresh(shipped).ccl["eccn"].tolist()[0] == "2B001"
    assert _fresh(shipped) is not None and len(checks) == 2
