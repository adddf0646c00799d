from optimizer.coalition.difference import package_difference


def test_items_are_split_into_only_first_both_and_only_second():
    a = [{"eccn": "B", "v": 1}, {"eccn": "A", "v": 2}, {"eccn": "C", "v": 3}]
    b = [{"eccn": "C", "v": 30}, {"eccn": "D", "v": 4}]
    d = package_difference(a, b)
    assert [x["eccn"] for x in d["only_first"]] == ["A", "B"]
    assert d["both"] == [({"eccn": "C", "v": 3}, {"eccn": "C", "v": 30})]
    assert [x["eccn"] for x in d["only_second"]] == ["D"]


def test_identical_and_empty_packages():
    a = [{"eccn": "A"}]
    assert package_difference(a, a) == {"only_first": [], "both": [(a[0], a[0])], "only_second": []}
    assert package_difference([], []) == {"only_first": [], "both": [], "only_second": []}
