"""The cached rule reference of `--items` tables (`optimizer/estimation/reference.py`): a hit equals
a fresh computation, any change of a data file's content misses (even at the same size and mtime),
invalid data raises and caches nothing, and a broken entry is recomputed."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from optimizer.data import cache as data_cache
from optimizer.errors import DecontrolError
from optimizer.estimation import reference
from optimizer.estimation.reference import compute_reference, rule_reference


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    where = tmp_path / "cache"
    monkeypatch.setenv("DECONTROL_CACHE_DIR", str(where))
    monkeypatch.delenv("DECONTROL_CACHE", raising=False)
    calls: list[object] = []
    real = reference.compute_reference

    def counted(*args: object, **kw: object) -> reference.RuleReference:
        calls.append(args)
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(reference, "compute_reference", counted)
    return where, calls


@pytest.mark.parametrize("partner", [None, "CHN"])
def test_a_hit_equals_a_fresh_computation(cache, partner):
    where, calls = cache
    first = rule_reference(None, partner)
    second = rule_reference(None, partner)
    assert len(calls) == 1 and not first.cached and second.cached
    fresh = compute_reference(None, partner, None)
    for got in (first, second):
        pd.testing.assert_frame_equal(got.items, fresh.items)
        assert (got.trade_synthetic, got.trade_source) == (fresh.trade_synthetic, fresh.trade_source)
    assert len(list(where.glob("rules-*.json"))) == 1 and not list(where.glob("*.tmp"))
    ref = second.items.set_index("eccn")
    assert bool(ref.loc["3A090", "tier_floor"]) and ref.loc["3A090", "tier"] == "foundational"
    if partner:
        assert ref.loc["1A995", "tier"] == "nlr" and ref.loc["5A003", "licence_required"]


def test_a_changed_data_file_misses_even_at_the_same_size_and_mtime(cache, tmp_path):
    where, calls = cache
    data = tmp_path / "data"
    (data / "policy").mkdir(parents=True)
    path = data / "policy" / "tier_overrides.csv"
    head = "eccn,tier,reason,author,date\n5A003,"
    path.write_text(head + "foundational,xx,ana,2026-12-01\n", encoding="utf-8")
    st = os.stat(path)
    a = rule_reference(data, "CHN")
    assert a.items.set_index("eccn").loc["5A003", "tier"] == "foundational"
    path.write_text(head + "transactional,x,ana,2026-12-01\n", encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(path).st_size == st.st_size
    b = rule_reference(data, "CHN")
    assert not b.cached and len(calls) == 2
    assert b.items.set_index("eccn").loc["5A003", "tier"] == "transactional"
    assert rule_reference(data, "CHN").cached and len(calls) == 2
    assert not rule_reference(None, "CHN").cached  # the shipped data alone is another entry


def test_invalid_data_raises_and_caches_nothing(cache, tmp_path):
    where, _ = cache
    data = tmp_path / "bad"
    data.mkdir()
    (data / "ccl.csv").write_text("eccn,heading\n3A090,x\n3A090,y\n", encoding="utf-8")
    with pytest.raises(DecontrolError):
        rule_reference(data, None)
    assert not where.exists() or not list(where.iterdir())


def test_a_broken_entry_is_recomputed_and_the_cache_can_be_off(cache, monkeypatch):
    where, calls = cache
    rule_reference(None, None)
    (entry,) = where.glob("rules-*.json")
    entry.write_text('{"format": 1, "columns": ["eccn"', encoding="utf-8")
    again = rule_reference(None, None)
    assert not again.cached and len(calls) == 2 and rule_reference(None, None).cached
    monkeypatch.setenv("DECONTROL_CACHE", "0")
    for p in where.iterdir():
        p.unlink()
    rule_reference(None, None)
    assert len(calls) == 3 and not list(where.iterdir())


def test_a_write_that_fails_midway_leaves_the_old_entry_whole_and_no_temporary_file(cache, monkeypatch):
    """Entries are written to a temporary file renamed over the entry (os.replace): a reader in
    another process sees the whole old entry or the whole new one, never half of either."""
    where, calls = cache
    first = rule_reference(None, None)
    (entry,) = where.glob("rules-*.json")
    before = entry.read_bytes()

    def broken(*_: object, **__: object) -> None:
        raise OSError("disk full")

    with monkeypatch.context() as mp:
        mp.setattr(reference.json, "dump", broken)
        reference._write_entry(entry, first)  # an unwritable cache is no error
    assert entry.read_bytes() == before and not list(where.glob("*.tmp"))
    assert sorted(p.name for p in where.glob("rules-*")) == [entry.name]
    assert rule_reference(None, None).cached


def _counted_sha(monkeypatch) -> list[object]:
    hashed: list[object] = []
    real = data_cache._sha

    def counted(path):  # type: ignore[no-untyped-def]
        hashed.append(path)
        return real(path)

    monkeypatch.setattr(data_cache, "_sha", counted)
    return hashed


def test_a_hit_on_settled_files_reads_no_file_again(cache, monkeypatch):
    """The shipped data and sources last changed long before they were hashed: their recorded digests
    are reused, so a second look-up hashes nothing (and writes no digests file again)."""
    where, calls = cache
    rule_reference(None, "CHN")
    digests = where / data_cache.DIGESTS_FILE
    assert digests.exists()
    written = digests.stat().st_mtime_ns
    hashed = _counted_sha(monkeypatch)
    assert rule_reference(None, "CHN").cached and len(calls) == 1
    assert hashed == [] and digests.stat().st_mtime_ns == written


def test_a_recorded_digest_is_reused_only_for_the_same_settled_stamp(tmp_path, monkeypatch):
    where = tmp_path / "cache"
    path = tmp_path / "table.csv"
    path.write_text("eccn,tier\n5A003,legacy\n", encoding="utf-8")
    hashed = _counted_sha(monkeypatch)
    first = data_cache.FileDigests(where)
    sha = first.sha(path)
    first.save()
    # written just now: not settled, so read again, however unchanged its stamp
    assert data_cache.FileDigests(where).sha(path) == sha and len(hashed) == 2
    monkeypatch.setattr(data_cache, "SETTLED_NS", -10_000_000_000)  # as if hashed well after the write
    assert data_cache.FileDigests(where).sha(path) == sha and len(hashed) == 2
    # same size, mtime put back: the ctime moved, so the new content is hashed
    st = os.stat(path)
    path.write_text("eccn,tier\n5A003,foundl\n", encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    again = data_cache.FileDigests(where).sha(path)
    assert len(hashed) == 3 and again == data_cache._sha(path) != sha


def test_invalid_data_records_no_digests(cache, tmp_path):
    where, _ = cache
    data = tmp_path / "bad"
    data.mkdir()
    (data / "ccl.csv").write_text("eccn,heading\n3A090,x\n3A090,y\n", encoding="utf-8")
    with pytest.raises(DecontrolError):
        rule_reference(data, None)
    assert not (where / data_cache.DIGESTS_FILE).exists()
