"""Tests of mlhw.hac: SciPy oracle, a brute-force oracle with the documented tie rule,
properties of linkage matrices, the CS181 first-merge table, and bad input."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.cluster import hierarchy

from mlhw.hac import METHODS, cluster_distance, cluster_distances, linkage

SCIPY_COMBOS = [(m, meth) for m in ("cityblock", "euclidean", "chebyshev")
                for meth in ("single", "complete", "average")] + [("euclidean", "centroid")]
OURS = {"cityblock": "l1", "euclidean": "l2", "chebyshev": "linf",
        "single": "min", "complete": "max", "average": "avg", "centroid": "centroid"}


def brute_force_linkage(X, metric, method):
    """O(n^4) HAC from the definitions, merging the lexicographically smallest pair
    (min point index of A, min point index of B) among exact ties."""
    n = len(X)
    P = cluster_distances([X[[i]] for i in range(n)], metric, "min")  # point distances
    clusters = {i: [i] for i in range(n)}          # id -> member indices
    Z = []
    for t in range(n - 1):
        best = None
        for a, b in itertools.combinations(clusters, 2):
            A, B = clusters[a], clusters[b]
            if method == "centroid":
                d = cluster_distance(X[A], X[B], metric, "centroid")
            else:
                block = P[np.ix_(A, B)]
                d = {"min": block.min, "max": block.max, "avg": block.mean}[method]()
            key = (d, *sorted((min(A), min(B))))
            if best is None or key < best[0]:
                best = (key, a, b)
        (d, _, _), a, b = best
        members = clusters.pop(a) + clusters.pop(b)
        clusters[n + t] = members
        Z.append([min(a, b), max(a, b), d, len(members)])
    return np.array(Z)


@pytest.mark.parametrize("metric,method", SCIPY_COMBOS)
@pytest.mark.parametrize("n,d", [(2, 1), (3, 2), (12, 1), (40, 2), (150, 5)])
def test_matches_scipy(metric, method, n, d, rng):
    X = rng.normal(size=(n, d))
    expected = hierarchy.linkage(X, method=method, metric=metric)
    for m, meth in [(metric, method), (OURS[metric], OURS[method])]:
        Z = linkage(X, m, meth)
        np.testing.assert_array_equal(Z[:, [0, 1, 3]], expected[:, [0, 1, 3]])
        np.testing.assert_allclose(Z[:, 2], expected[:, 2], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("metric", ["l1", "l2", "linf"])
@pytest.mark.parametrize("method", ["min", "max", "avg", "centroid"])
def test_matches_definitions(metric, method, rng):
    """Every combination, including centroid under l1 and linf that SciPy lacks."""
    X = rng.uniform(size=(15, 3))
    Z = linkage(X, metric, method)
    expected = brute_force_linkage(X, metric, method)
    np.testing.assert_array_equal(Z[:, [0, 1, 3]], expected[:, [0, 1, 3]])
    np.testing.assert_allclose(Z[:, 2], expected[:, 2], rtol=1e-10)


@pytest.mark.parametrize("metric", ["l1", "linf"])
@pytest.mark.parametrize("method", ["min", "max"])
def test_tie_rule_on_integer_grid(metric, method):
    """Integer points give many exact ties; the documented rule fixes the whole tree."""
    for seed in range(15):
        X = np.random.default_rng(seed).integers(0, 6, size=(25, 2)).astype(float)
        np.testing.assert_array_equal(linkage(X, metric, method),
                                      brute_force_linkage(X, metric, method))


def test_tie_rule_small_example():
    # four corners of a unit square: every side is at distance 1
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    Z = linkage(X, "l1", "min")
    # slots (0, 1) merge first, then {0,1} (slot 0) with point 2, then with point 3
    np.testing.assert_array_equal(Z, [[0, 1, 1, 2], [2, 4, 1, 3], [3, 5, 1, 4]])


def test_centroid_inversion_matches_scipy():
    # equilateral triangle: after the first merge the centroid is closer to the third point
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, np.sqrt(3) / 2]])
    Z = linkage(X, "l2", "centroid")
    assert Z[1, 2] < Z[0, 2]
    np.testing.assert_allclose(Z, hierarchy.linkage(X, "centroid"))
    assert not METHODS["centroid"].monotone


@settings(max_examples=40, deadline=None)
@given(X=arrays(float, st.tuples(st.integers(2, 25), st.integers(1, 3)),
                elements=st.floats(-10, 10, allow_nan=False, width=32)),
       metric=st.sampled_from(["l1", "l2", "linf"]),
       method=st.sampled_from(["min", "max", "avg", "centroid"]))
def test_linkage_properties(X, metric, method):
    Z = linkage(X, metric, method)
    n = len(X)
    assert Z.shape == (n - 1, 4)
    assert hierarchy.is_valid_linkage(Z)
    assert Z[-1, 3] == n
    assert np.all(Z[:, 0] < Z[:, 1])
    assert np.all(np.isfinite(Z)) and np.all(Z[:, 2] >= 0)
    sizes = np.concatenate([np.ones(n), Z[:, 3]])
    np.testing.assert_array_equal(Z[:, 3], sizes[Z[:, 0].astype(int)] + sizes[Z[:, 1].astype(int)])
    if METHODS[method].monotone:
        assert np.all(np.diff(Z[:, 2]) >= -1e-12 * max(1.0, Z[-1, 2]))
    hierarchy.dendrogram(Z, no_plot=True)


def test_duplicate_points():
    X = np.zeros((5, 2))
    for method in ("min", "max", "avg", "centroid"):
        Z = linkage(X, "l2", method)
        np.testing.assert_array_equal(Z[:, 2], 0.0)
        assert hierarchy.is_valid_linkage(Z)


def test_default_is_l2_average(rng):
    X = rng.normal(size=(20, 2))
    np.testing.assert_array_equal(linkage(X), linkage(X, "euclidean", "average"))


# CS181 HW4 problem 1: black {x1, x2}, red {x3}, blue {x4}
X1, X2, X3, X4 = [0.1, 0.5], [0.35, 0.75], [0.28, 1.35], [0.0, 1.01]
CLUSTERS = [np.array([X1, X2]), np.array([X3]), np.array([X4])]
PAIRS = {(0, 1): "black-red", (0, 2): "black-blue", (1, 2): "red-blue"}
PUBLISHED = {  # the published first-merge table, which is right
    "l1": dict(min="black-blue", max="black-blue", avg="black-blue", centroid="black-blue"),
    "l2": dict(min="black-blue", max="red-blue", avg="red-blue", centroid="red-blue"),
    "linf": dict(min="red-blue", max="red-blue", avg="red-blue", centroid="red-blue"),
}


@pytest.mark.parametrize("metric", ["l1", "l2", "linf"])
@pytest.mark.parametrize("method", ["min", "max", "avg", "centroid"])
def test_first_merge_table(metric, method):
    D = cluster_distances(CLUSTERS, metric, method)
    iu = np.triu_indices(3, 1)
    k = int(np.argmin(D[iu]))
    assert PAIRS[(iu[0][k], iu[1][k])] == PUBLISHED[metric][method]


def test_cluster_distance_by_hand():
    assert cluster_distance([X1, X2], [X4], "l1", "centroid") == pytest.approx(0.61)
    assert cluster_distance([X3], [X4], "linf", "min") == pytest.approx(0.34)
    assert cluster_distance([X1, X2], [X3], "l2", "max") == pytest.approx(np.hypot(0.18, 0.85))
    assert cluster_distance([X1, X2], [X3], "l1", "avg") == pytest.approx((1.03 + 0.67) / 2)


@pytest.mark.parametrize("bad,exc,word", [
    (np.arange(5.0), ValueError, "X"),                    # 1-D is not read as condensed
    (np.zeros((1, 2)), ValueError, "at least 2"),
    (np.array([[0.0, np.nan], [1.0, 2.0]]), ValueError, "finite"),
    (np.zeros((3, 0)), ValueError, "X"),
    ([["a", "b"], ["c", "d"]], TypeError, "X"),
])
def test_bad_X(bad, exc, word):
    with pytest.raises(exc, match=word):
        linkage(bad)


def test_bad_metric_and_method():
    X = np.zeros((3, 2))
    with pytest.raises(ValueError, match="metric.*'l3'"):
        linkage(X, "l3")
    with pytest.raises(ValueError, match="method.*'ward'"):
        linkage(X, "l2", "ward")
    with pytest.raises(ValueError, match="method"):
        cluster_distance(X, X, "l2", "median")
    with pytest.raises(ValueError, match="B: expected points of dimension 2"):
        cluster_distance(X, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="clusters"):
        cluster_distances([X])
