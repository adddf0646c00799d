import json

from dashboard.theme import TIER_ORDER
from optimizer import vocabulary as V
from optimizer.data.validate import ENUMS
from optimizer.estimation.config import ITEM_TIERS
from optimizer.estimation.config import TIERS as POLICY
from optimizer.licensing.instruments import INSTRUMENTS
from optimizer.model import items as model_items
from optimizer.model.constraints import REASONS
from optimizer.model.scenario import MODES
from optimizer.model.solve import STATUSES


def test_values_are_the_stored_strings():
    assert V.TIERS == ("foundational", "transactional", "legacy", "nlr")
    assert V.Tier.LEGACY == "legacy" and f"{V.Tier.NLR}" == "nlr"
    assert json.dumps([V.Mode.LIFT, V.Status.OPTIMAL]) == '["lift", "optimal"]'
    assert V.Reason("fa_below_threshold") is V.Reason.FA_BELOW_THRESHOLD
    assert all(type(t) is str for t in V.TIERS + V.MODES + V.STATUSES + V.REASONS)


def test_every_module_reads_the_one_vocabulary():
    assert POLICY == V.POLICY_TIERS == ENUMS[("tier_overrides", "tier")]
    assert ITEM_TIERS == model_items.TIERS == TIER_ORDER == V.TIERS
    assert MODES == INSTRUMENTS == V.MODES
    assert REASONS == V.REASONS
    assert STATUSES == V.STATUSES


def test_one_set_of_reason_labels_for_every_reason_an_item_is_left_out():
    from optimizer.model.results import BLOCKING_REASONS

    infeasible = {"short_of_target", "no_value", "not_in_best", "no_package", *BLOCKING_REASONS.values()}
    assert infeasible <= set(V.REASONS) | set(V.INFEASIBLE_REASONS)
    assert list(V.REASON_LABELS) == [r.value for r in V.Reason] == [*V.REASONS, *V.INFEASIBLE_REASONS]
    assert set(V.REASONS) | infeasible <= set(V.REASON_LABELS)
    assert list(V.REASON_LABELS)[: len(V.REASONS)] == list(V.REASONS)  # screens first, in check order
    assert V.reason_label("fa_below_threshold") == "Foreign availability below the threshold"
    assert V.reason_label("some_new_reason") == "Some new reason"
