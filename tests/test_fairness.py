"""Tests of mlhw.fairness: group and individual fairness metrics, exact fair clustering."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist

from mlhw import fairness as F

# ------------------------------------------------------------------------------------------
# toy data


def test_toy_students_values():
    s = F.toy_students()
    assert s.names == tuple("abcdefgh")
    assert s.X.shape == (8, 3)
    np.testing.assert_array_equal(s.gpa, [4.0, 4.0, 3.91, 3.88, 3.88, 3.72, 3.75, 3.76])
    assert np.all(s.X[:, 1] == 22)
    np.testing.assert_array_equal(s.groups, [0, 0, 0, 0, 1, 1, 1, 1])
    np.testing.assert_array_equal(s.X[:, 2], s.groups)
    assert [s.group_names[g] for g in s.groups] == list("MMMMFFFF")
    with pytest.raises(ValueError):
        s.X[0, 0] = 1.0  # read-only: a chapter cannot alter the shared data by accident


# ------------------------------------------------------------------------------------------
# balance


def test_balance_hand_computed():
    # cluster 0: 1 F, 2 M -> 1/2; cluster 1: 2 F, 1 M -> 1/2
    assert F.balance([0, 0, 0, 1, 1, 1], ["F", "M", "M", "F", "F", "M"]) == 0.5
    # one cluster of 1 F and 3 M: 1/3; the other perfectly mixed
    assert F.balance([0, 0, 0, 0, 1, 1], [1, 0, 0, 0, 1, 0]) == pytest.approx(1 / 3)
    # a cluster with a single group gives 0
    assert F.balance([0, 0, 1, 1], ["F", "F", "M", "M"]) == 0.0
    # one cluster: the balance of the data set
    assert F.balance([5, 5, 5, 5, 5], [0, 1, 1, 1, 0]) == pytest.approx(2 / 3)


def test_balance_three_groups_counts_missing_group():
    # cluster 0 has groups a, b but not c -> 0 although its a/b ratio is 1
    assert F.balance([0, 0, 1, 1, 1], ["a", "b", "a", "b", "c"]) == 0.0
    # counts (2, 1, 1) and (1, 1, 1): min/max = 1/2 and 1
    assert F.balance([0, 0, 0, 0, 1, 1, 1], list("aabcabc")) == 0.5


def test_balance_toy_clusterings():
    s = F.toy_students()
    assert F.balance([0, 0, 0, 0, 0, 1, 1, 1], s.groups) == 0.0      # GPA threshold split
    assert F.balance([0, 0, 1, 1, 0, 0, 1, 1], s.groups) == 1.0      # the seed's 50% split


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1)), min_size=2, max_size=30))
def test_balance_at_most_data_balance_and_label_invariant(pairs):
    labels = np.array([p[0] for p in pairs])
    groups = np.array([p[1] for p in pairs])
    if len(np.unique(groups)) < 2:
        return
    b = F.balance(labels, groups)
    c = np.bincount(groups)
    assert 0.0 <= b <= c.min() / c.max() + 1e-12
    assert F.balance(7 - 2 * labels, groups) == b                  # relabelling clusters
    assert F.balance(labels, 1 - groups) == b                      # swapping group names


def test_balance_bad_input():
    with pytest.raises(ValueError, match="groups"):
        F.balance([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="groups: expected at least two distinct groups"):
        F.balance([0, 1, 1], [1, 1, 1])
    with pytest.raises(ValueError, match="labels"):
        F.balance([[0, 1]], [0, 1])
    with pytest.raises(ValueError, match="labels: expected integer labels"):
        F.balance([0.5, 1.0], [0, 1])
    with pytest.raises(TypeError, match="labels"):
        F.balance(["x", "y"], [0, 1])


# ------------------------------------------------------------------------------------------
# bounded / proportional representation


def test_representation_hand_computed():
    r = F.representation([0, 0, 0, 1, 1, 1], [1, 0, 0, 1, 1, 0], lower=0.4)
    np.testing.assert_array_equal(r.counts, [[2, 1], [1, 2]])
    np.testing.assert_allclose(r.shares, [[2 / 3, 1 / 3], [1 / 3, 2 / 3]])
    np.testing.assert_allclose(r.overall, [0.5, 0.5])
    assert r.max_deviation == pytest.approx(1 / 6)
    assert r.violation == pytest.approx(0.4 - 1 / 3)
    assert not r.satisfied
    ok = F.representation([0, 0, 0, 1, 1, 1], [1, 0, 0, 1, 1, 0], lower=0.3, upper=0.7)
    assert ok.satisfied and ok.violation == 0.0


def test_representation_per_group_bounds_and_exact_proportion():
    s = F.toy_students()
    seed_split = [0, 0, 1, 1, 0, 0, 1, 1]
    r = F.representation(seed_split, s.groups, lower=[0.5, 0.5], upper=[0.5, 0.5])
    assert r.satisfied and r.max_deviation == 0.0
    r = F.representation([0, 0, 0, 0, 0, 1, 1, 1], s.groups, upper=[1.0, 0.6])
    assert r.violation == pytest.approx(0.4) and r.max_deviation == pytest.approx(0.5)


def test_representation_bad_bounds():
    with pytest.raises(ValueError, match="lower: expected shares in"):
        F.representation([0, 1], [0, 1], lower=-0.1)
    with pytest.raises(ValueError, match="upper: expected a scalar or 2 bounds"):
        F.representation([0, 1], [0, 1], upper=[0.5, 0.5, 0.5])
    with pytest.raises(ValueError, match="lower: expected lower <= upper"):
        F.representation([0, 1], [0, 1], lower=0.6, upper=0.4)


# ------------------------------------------------------------------------------------------
# Lipschitz (Dwork et al.)


def test_lipschitz_hand_computed():
    r = F.lipschitz_fairness([3.0, 2.5, 1.0], [0, 0, 1])
    assert r.constant == pytest.approx(1 / 1.5)          # closest split pair: 2.5 vs 1.0
    assert r.worst_pair == (1, 2)
    assert r.violations.shape == (0, 2)
    r = F.lipschitz_fairness([3.0, 2.5, 1.0], [0, 0, 1], lipschitz=0.4)
    assert r.violations.tolist() == [[0, 2], [1, 2]]
    same = F.lipschitz_fairness([1.0, 2.0], [4, 4])
    assert same.constant == 0.0 and same.worst_pair == (0, 0)


def test_lipschitz_infinite_for_identical_individuals_split():
    s = F.toy_students()
    r = F.lipschitz_fairness(s.gpa, [0, 0, 1, 1, 0, 0, 1, 1])   # d and e both 3.88
    assert r.constant == np.inf and r.worst_pair == (3, 4)
    r = F.lipschitz_fairness(s.gpa, [0, 0, 0, 0, 0, 1, 1, 1])
    assert r.constant == pytest.approx(1 / 0.12)


def test_lipschitz_soft_outcomes_total_variation():
    P = np.array([[1.0, 0.0], [0.8, 0.2], [0.0, 1.0]])
    r = F.lipschitz_fairness([0.0, 1.0, 3.0], P)
    # TV distances 0.2 (d=1), 1.0 (d=3), 0.8 (d=2): constant max(0.2, 1/3, 0.4) = 0.4
    assert r.constant == pytest.approx(0.4) and r.worst_pair == (1, 2)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(-5, 5).map(lambda v: round(v, 6)), st.integers(0, 2)),
                min_size=2, max_size=12))
def test_lipschitz_matches_brute_force(pairs):
    x = np.array([p[0] for p in pairs])
    lab = np.array([p[1] for p in pairs])
    best = 0.0
    for i, j in itertools.combinations(range(len(x)), 2):
        if lab[i] != lab[j]:
            d = abs(x[i] - x[j])
            best = max(best, np.inf if d == 0 else 1 / d)
    assert F.lipschitz_fairness(x, lab).constant == pytest.approx(best)


def test_lipschitz_bad_input():
    with pytest.raises(ValueError, match="outcomes: expected 3 entries"):
        F.lipschitz_fairness([1.0, 2.0, 3.0], [0, 1])
    with pytest.raises(ValueError, match="outcomes: expected rows of probabilities"):
        F.lipschitz_fairness([1.0, 2.0], [[0.5, 0.6], [1.0, 0.0]])
    with pytest.raises(ValueError, match="lipschitz"):
        F.lipschitz_fairness([1.0, 2.0], [0, 1], lipschitz=-1)
    with pytest.raises(ValueError, match="metric"):
        F.lipschitz_fairness([1.0, 2.0], [0, 1], metric="cosine")
    with pytest.raises(ValueError, match="X: expected finite"):
        F.lipschitz_fairness([np.nan, 2.0], [0, 1])


# ------------------------------------------------------------------------------------------
# average-distance fairness (Kleindessner et al.)


def test_average_distance_hand_computed():
    r = F.average_distance_fairness([0.0, 1.0, 1.2, 5.0], [0, 0, 1, 1])
    np.testing.assert_allclose(r.own, [1.0, 1.0, 3.8, 3.8])
    np.testing.assert_allclose(r.other, [3.1, 2.1, 0.7, 4.5])
    assert r.unfair.tolist() == [2]
    assert r.alpha == pytest.approx(3.8 / 0.7)


def test_average_distance_singletons_and_one_cluster():
    r = F.average_distance_fairness([0.0, 1.0, 5.0], [0, 1, 1])
    assert r.own[0] == 0.0 and r.ratios[0] == 0.0     # a singleton is treated fairly
    one = F.average_distance_fairness([0.0, 1.0, 5.0], [2, 2, 2])
    assert np.all(np.isinf(one.other)) and one.alpha == 0.0


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(-5, 5), st.floats(-5, 5), st.integers(0, 2)),
                min_size=3, max_size=10))
def test_average_distance_matches_loops(rows):
    X = np.array([r[:2] for r in rows])
    lab = np.array([r[2] for r in rows])
    r = F.average_distance_fairness(X, lab)
    D = cdist(X, X)
    for i in range(len(X)):
        mine = [j for j in range(len(X)) if lab[j] == lab[i] and j != i]
        own = np.mean(D[i, mine]) if mine else 0.0
        others = [np.mean(D[i, lab == c]) for c in set(lab.tolist()) - {lab[i]}]
        assert r.own[i] == pytest.approx(own, abs=1e-12)
        assert r.other[i] == pytest.approx(min(others) if others else np.inf, abs=1e-12)


# ------------------------------------------------------------------------------------------
# service in your neighbourhood (Jung et al.)


def test_service_hand_computed():
    r = F.service_fairness([0.0, 1.0, 10.0, 11.0], [0.5, 10.5])
    np.testing.assert_allclose(r.radii, 1.0)
    np.testing.assert_allclose(r.distances, 0.5)
    assert r.alpha == 0.5
    # served by a far centre through labels: 10.5 away from 0.0 with radius 1
    r = F.service_fairness([0.0, 1.0, 10.0, 11.0], [0.5, 10.5], [1, 0, 0, 1])
    assert r.alpha == pytest.approx(10.5)


def test_service_radius_is_ceil_n_over_k_neighbour():
    x = np.array([0.0, 1.0, 3.0, 6.0, 10.0])
    r = F.service_fairness(x, [0.0, 10.0])       # ceil(5/2) = 3 points, x included
    expected = [np.sort(np.abs(x - xi))[2] for xi in x]
    np.testing.assert_allclose(r.radii, expected)


def test_service_zero_radius():
    r = F.service_fairness([1.0, 1.0, 2.0, 3.0], [1.0, 2.5])       # k=2: 2 points per ball
    assert r.radii[0] == 0.0 and r.ratios[0] == 0.0                # at distance 0: fair
    r = F.service_fairness([1.0, 1.0, 2.0, 3.0], [1.5, 2.5])
    assert r.ratios[0] == np.inf and r.alpha == np.inf


def test_service_bad_input():
    with pytest.raises(ValueError, match="centers: expected 1 coordinate"):
        F.service_fairness([0.0, 1.0], [[0.0, 1.0]])
    with pytest.raises(ValueError, match="labels: expected centre indices"):
        F.service_fairness([0.0, 1.0], [0.0], [0, 1])
    with pytest.raises(ValueError, match="centers"):
        F.service_fairness([0.0, 1.0], [0.0, 1.0, 2.0])


# ------------------------------------------------------------------------------------------
# partitions and exact fair clustering


def test_partitions_counts_are_stirling_and_unique():
    bell = [1, 1, 2, 5, 15, 52, 203, 877, 4140]
    for n in range(1, 9):
        total = 0
        for k in range(1, n + 1):
            P = F.partitions(n, k)
            assert P.shape[1] == n
            assert len({tuple(r) for r in P}) == len(P)
            assert np.all(P[:, 0] == 0)
            assert all(len(set(r)) == k for r in P.tolist())
            total += len(P)
        assert total == bell[n]


def test_partitions_lexicographic_and_many_points():
    P = F.partitions(7, 3)
    assert [tuple(r) for r in P.tolist()] == sorted(tuple(r) for r in P.tolist())
    assert F.partitions(300, 1).tolist() == [[0] * 300]          # S(n, 1) = S(n, n) = 1
    assert F.partitions(300, 300).tolist() == [list(range(300))]


def test_partitions_bad_input():
    with pytest.raises(ValueError, match="k: expected 1 <= k <= n"):
        F.partitions(3, 4)
    with pytest.raises(ValueError, match="n: expected at most"):
        F.partitions(20, 5)


def _brute_force(X, groups, k, min_share, cost):
    best = np.inf
    for lab in itertools.product(range(k), repeat=len(X)):
        lab = np.array(lab)
        if len(set(lab.tolist())) != k:
            continue
        total = 0.0
        ok = True
        for c in range(k):
            m = lab == c
            if np.mean(groups[m] == 1) < min_share - 1e-12:
                ok = False
            if cost == "kmeans":
                total += np.sum((X[m] - X[m].mean(axis=0)) ** 2)
            else:
                total += np.sum(np.abs(X[m] - np.median(X[m], axis=0)))
        if ok:
            best = min(best, total)
    return best


@pytest.mark.parametrize("cost", ["kmeans", "kmedians"])
@pytest.mark.parametrize("k,min_share", [(2, 0.0), (2, 0.4), (3, 0.3)])
def test_fair_clustering_matches_brute_force(rng, cost, k, min_share):
    X = rng.normal(size=(7, 2))
    groups = np.array([0, 1, 0, 1, 1, 0, 1])
    res = F.fair_clustering(X, groups, k, min_share=min_share, cost=cost)
    assert res.cost == pytest.approx(_brute_force(X, groups, k, min_share, cost))
    for lab in res.optimal_labels:                 # every reported optimum is feasible
        for c in range(k):
            assert np.mean(groups[lab == c]) >= min_share - 1e-12


def test_fair_clustering_unconstrained_not_worse_than_sklearn(rng):
    from sklearn.cluster import KMeans

    X = rng.normal(size=(9, 2))
    res = F.fair_clustering(X, np.arange(9) % 2, 3)
    inertia = KMeans(3, n_init=10, random_state=0).fit(X).inertia_
    assert res.cost <= inertia + 1e-9
    assert res.unconstrained_cost == pytest.approx(res.cost)


def test_fair_clustering_toy_results():
    s = F.toy_students()
    free = F.fair_clustering(s.X, s.groups, 2, features=[0])
    assert free.labels.tolist() == [0, 0, 0, 0, 0, 1, 1, 1]
    assert free.cost == pytest.approx(0.0159866667, rel=1e-6)
    fair = F.fair_clustering(s.X, s.groups, 2, min_share=0.5, features=[0])
    assert fair.labels.tolist() == [0, 0, 1, 1, 0, 1, 1, 0]    # {a, b, e, h} and {c, d, f, g}
    assert fair.cost == pytest.approx(0.0661)
    assert fair.n_feasible == 34 and len(fair.optimal_labels) == 1
    # seeing gender, the unconstrained optimum separates men from women
    seen = F.fair_clustering(s.X, s.groups, 2)
    assert seen.labels.tolist() == [0, 0, 0, 0, 1, 1, 1, 1]
    # k-medians on GPA cannot tell feasible 50% clusterings apart: all cost 0.68
    med = F.fair_clustering(s.X, s.groups, 2, min_share=0.5, features=[0], cost="kmedians")
    assert med.cost == pytest.approx(0.68) and len(med.optimal_labels) == 34


def test_fair_clustering_centers():
    s = F.toy_students()
    res = F.fair_clustering(s.X, s.groups, 2, features=[0, 2])
    for c in range(2):
        np.testing.assert_allclose(res.centers[c], s.X[res.labels == c][:, [0, 2]].mean(axis=0))


def test_fair_clustering_bad_input():
    s = F.toy_students()
    with pytest.raises(ValueError, match=r"min_share: expected at most 0.5"):
        F.fair_clustering(s.X, s.groups, 2, min_share=0.75)
    with pytest.raises(ValueError, match="min_share: expected a share in"):
        F.fair_clustering(s.X, s.groups, 2, min_share=1.5)
    with pytest.raises(ValueError, match="k: expected 1 <= k <= n"):
        F.fair_clustering(s.X, s.groups, 9)
    with pytest.raises(TypeError, match="k"):
        F.fair_clustering(s.X, s.groups, 2.0)
    with pytest.raises(ValueError, match="protected"):
        F.fair_clustering(s.X, s.groups, 2, protected="F")
    with pytest.raises(ValueError, match="features: expected distinct column indices"):
        F.fair_clustering(s.X, s.groups, 2, features=[0, 3])
    with pytest.raises(ValueError, match="features: expected a non-empty sequence"):
        F.fair_clustering(s.X, s.groups, 2, features=["GPA"])
    with pytest.raises(ValueError, match="cost"):
        F.fair_clustering(s.X, s.groups, 2, cost="kmedoids")
    with pytest.raises(ValueError, match="groups: expected 8 entries"):
        F.fair_clustering(s.X, s.groups[:7], 2)


def test_fairness_summary_toy():
    s = F.toy_students()
    m = F.fairness_summary(s.gpa, [0, 0, 0, 0, 0, 1, 1, 1], s.groups)
    assert m.balance == 0.0 and m.max_deviation == pytest.approx(0.5)
    assert m.lipschitz == pytest.approx(1 / 0.12)
    assert m.n_unfair == 0 and m.average_distance_alpha < 1
    seed = F.fairness_summary(s.gpa, [0, 0, 1, 1, 0, 0, 1, 1], s.groups)
    assert seed.balance == 1.0 and seed.max_deviation == 0.0 and seed.lipschitz == np.inf
    assert list(seed.as_dict())[0] == "balance"


# ------------------------------------------------------------------------------------------
# widgets


def test_fair_clustering_animation_small():
    from mlhw import widgets

    html = widgets.fair_clustering_animation(ks=(2,), shares=(0.5, 0.75), features=("GPA",))
    assert html.count("data:image/png;base64") == 2
    assert "font-awesome" not in html and 'alt="Frame slider' in html   # no CDN, accessible
    assert html.count("<table>") == 1 and html.index("<table>") > html.index("_anim_img")
    assert "lists every frame" in html                               # the alt points to the table
    bare = widgets.fair_clustering_animation(ks=(2,), shares=(0.5,), features=("GPA",),
                                             table=False)
    assert "<table>" not in bare and "lists every frame" not in bare


def test_fair_clustering_table_matches_the_fits():
    import html as html_lib
    import re

    from mlhw import widgets

    s = F.toy_students()
    ks, shares, feats = (1, 2, 3), (0.0, 0.5, 0.75), ("GPA", "GPA, gender")
    text = widgets._fair_table(s, *widgets._fair_frames(s, ks, shares, feats, "kmeans"))
    assert "<caption>" in text and text.count('<th scope="col">') == 13
    rows = re.findall(r"<tr>(.*?)</tr>", text)[1:]
    assert len(rows) == len(ks) * len(shares) * len(feats)
    i = 0
    for f in feats:
        for k in ks:
            for sh in shares:
                cells = [html_lib.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", rows[i])]
                i += 1
                assert cells[:4] == [str(i), f, str(k), f"{sh:.0%}"]
                if sh > 0.5:                               # only half the applicants are women
                    assert cells[4].startswith("infeasible") and len(cells) == 5
                    continue
                res = F.fair_clustering(s.X, s.groups, k, min_share=sh,
                                        features=widgets.FAIR_FEATURES[f])
                m = F.fairness_summary(s.gpa, res.labels, s.groups)
                tiers = [set(t) for t in cells[4].split(" / ")]
                assert sorted(map(sorted, tiers)) == sorted(
                    sorted(np.array(s.names)[res.labels == c]) for c in np.unique(res.labels))
                means = [np.mean([s.gpa[s.names.index(x)] for x in t]) for t in tiers]
                assert means == sorted(means, reverse=True)       # the top tier comes first
                assert float(cells[5]) == pytest.approx(res.cost, abs=5e-5)
                assert float(cells[8]) == pytest.approx(m.balance, abs=5e-4)
                assert cells[10] == ("infinite" if np.isinf(m.lipschitz) else f"{m.lipschitz:.3g}")
                assert int(cells[11]) == m.n_unfair


def test_fair_clustering_widget_builds():
    pytest.importorskip("ipywidgets")
    from mlhw import widgets

    box = widgets.fair_clustering_widget()
    assert len(box.children) == 3
