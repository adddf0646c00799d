"""The builder's live re-solve: a changed target reuses the built model and gives the package a
fresh solve gives; a run that differs in anything but the target is a new run."""

from dashboard.logic import package
from dashboard.logic.package_inputs import FormValues
from optimizer.model import Scenario, solve_package
from optimizer.model.package import PackageSession


def _values(**kw):
    base = {"partner": "CHN", "target_bn": 0.004, "objective": "min-risk", "modes": ["lift", "exception", "approval"]}
    return FormValues(**(base | kw))


def _same(a: dict, b: dict) -> bool:
    drop = ("total_seconds", "solve_seconds")
    return {k: v for k, v in a.items() if k not in drop} == {k: v for k, v in b.items() if k not in drop}


def test_session_gives_the_fresh_solves_package_at_every_target(shipped_ds):
    from dashboard.state import item_table

    items = item_table(shipped_ds, "CHN")
    sc = Scenario.from_dict({"target_usd": 4e6})
    session = PackageSession(items, sc)
    for target in (1e6, 3.5e6, 6e6, 9e6, 2e6, 1e12):  # the last is infeasible: diagnosed alike
        assert _same(session.solve(target).to_dict(), solve_package(items, sc.replace(target_usd=target)).to_dict())


def test_a_target_change_is_a_live_rerun_of_the_same_settings(shipped_ds):
    first = package.run_package(shipped_ds, _values())
    second = package.run_package(shipped_ds, _values(target_bn=0.006))
    assert first["ok"] and second["ok"] and package.same_settings(second, first)
    assert second["scenario"]["target_usd"] != first["scenario"]["target_usd"]
    other = package.run_package(shipped_ds, _values(target_bn=0.006, objective="min-items"))
    assert not package.same_settings(other, first)
    extras = [package.run_extras(shipped_ds, r, frontier_points=8, alternatives=0) for r in (first, second)]
    assert extras[0]["frontier"] == extras[1]["frontier"]  # the frontier does not depend on the target
    assert extras[0]["run_id"] != extras[1]["run_id"]


def test_the_last_run_is_restored_only_for_its_own_inputs(shipped_ds):
    """Coming back to the builder solves the session's last run again, and nothing else."""
    last = package.run_package(shipped_ds, _values(target_bn=0.002, locks="5A003"))
    again = package.restore_last_run(shipped_ds, _values(target_bn=0.002, locks="5A003"), last)
    assert again is not None and again["scenario"] == last["scenario"]
    assert again["package"]["items"] and again["package"]["items"] == last["package"]["items"]
    # inputs changed since the run, no run yet, a failed run, a form that no longer passes: nothing
    assert package.restore_last_run(shipped_ds, _values(target_bn=0.002, locks="5A003, 6C005"), last) is None
    assert package.restore_last_run(shipped_ds, _values(), None) is None
    assert package.restore_last_run(shipped_ds, _values(), {"ok": False}) is None
    assert package.restore_last_run(shipped_ds, _values(target_bn=-1), last) is None
