"""k-means against scikit-learn's Lloyd, k-medians against brute force, and their shared
initialisation and empty-cluster policy."""

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.spatial.distance import cdist
from sklearn.cluster import KMeans

import mlhw
from mlhw.lloyd import EmptyClusterWarning, LloydResult, kmeans_plusplus, kmedians


def _blobs(rng, n=300, d=4, k=4):
    centers = rng.normal(0, 5, (k, d))
    return np.concatenate([c + rng.normal(size=(n // k, d)) for c in centers])


@pytest.mark.parametrize("k", [2, 5, 9])
def test_same_init_as_sklearn_gives_same_result(rng, k):
    X = _blobs(rng)
    init = X[rng.choice(len(X), k, replace=False)]
    ours = mlhw.kmeans(X, k, init=init, max_iter=100, tol=0)
    ref = KMeans(k, init=init, n_init=1, algorithm="lloyd", max_iter=100, tol=0).fit(X)
    np.testing.assert_array_equal(ours.labels, ref.labels_)
    np.testing.assert_allclose(ours.centers, ref.cluster_centers_, rtol=1e-10, atol=1e-10)
    assert ours.inertia == pytest.approx(ref.inertia_, rel=1e-10)


def test_mnist_subset_matches_sklearn():
    images, _ = mlhw.load_mnist("train", n=1000)
    X = images.reshape(1000, -1).astype(float)
    init = X[:10]
    ours = mlhw.kmeans(X, 10, init=init, max_iter=30, tol=0)
    ref = KMeans(10, init=init, n_init=1, algorithm="lloyd", max_iter=30, tol=0).fit(X)
    assert np.mean(ours.labels == ref.labels_) == 1.0
    assert ours.inertia == pytest.approx(ref.inertia_, rel=1e-9)


def test_empty_cluster_is_reseeded_with_warning():
    X = np.array([[0.0], [0.1], [0.2], [10.0]])
    init = np.array([[0.1], [5.0], [100.0]])
    with pytest.warns(EmptyClusterWarning):
        res = mlhw.kmeans(X, 3, init=init, tol=0)
    assert np.all(np.isfinite(res.centers))
    assert len(np.unique(res.labels)) == 3


def test_kmeans_plusplus_picks_data_points(rng):
    X = _blobs(rng)
    c = kmeans_plusplus(X, 4, seed=0)
    assert all(any(np.array_equal(ci, x) for x in X) for ci in c)
    assert len({tuple(ci) for ci in c}) == 4


def test_seed_determinism(rng):
    X = _blobs(rng)
    a = mlhw.kmeans(X, 4, seed=3)
    b = mlhw.kmeans(X, 4, seed=3)
    np.testing.assert_array_equal(a.centers, b.centers)


# -- k-medians -------------------------------------------------------------------------------


def _l1_objective(X, labels, centers):
    return np.abs(X - centers[labels]).sum()


def test_one_cluster_is_the_coordinatewise_median(rng):
    X = rng.standard_t(2, size=(51, 3))
    res = kmedians(X, 1, seed=0)
    np.testing.assert_array_equal(res.centers[0], np.median(X, axis=0))
    assert res.objective[-1] == pytest.approx(np.abs(X - np.median(X, axis=0)).sum())


def test_median_minimises_summed_l1_distance(rng):
    # the update is the arg min of sum |x - mu|: perturbing any coordinate cannot help
    X = rng.normal(size=(40, 2))
    med = kmedians(X, 1, seed=0).centers[0]
    best = np.abs(X - med).sum()
    for delta in rng.normal(scale=0.1, size=(200, 2)):
        assert np.abs(X - (med + delta)).sum() >= best - 1e-12


def test_kmedians_result_is_a_fixed_point(rng):
    X = np.concatenate([rng.normal(c, 0.5, size=(30, 2)) for c in ([0, 0], [4, 0], [0, 4])])
    res = kmedians(X, 3, seed=1)
    assert isinstance(res, LloydResult) and res.converged
    np.testing.assert_array_equal(res.labels, np.argmin(cdist(X, res.centers, "cityblock"), axis=1))
    for j in range(3):
        np.testing.assert_array_equal(res.centers[j], np.median(X[res.labels == j], axis=0))
    assert res.objective[-1] == pytest.approx(_l1_objective(X, res.labels, res.centers))


def test_best_of_all_starts_reaches_brute_force_optimum(rng):
    # 1-D, k = 2: enumerate every partition for the true optimum; k-medians from every pair of
    # data points as initial centres must reach it in at least one run, never go below it
    x = np.sort(rng.normal(size=9) * 3)[:, None]
    best = np.inf
    for mask in itertools.product([0, 1], repeat=len(x) - 1):
        labels = np.array((0,) + mask)
        if labels.min() == labels.max():
            continue
        cost = sum(np.abs(x[labels == j] - np.median(x[labels == j])).sum() for j in (0, 1))
        best = min(best, cost)
    runs = [kmedians(x, 2, init=x[[i, j]]).objective[-1]
            for i, j in itertools.combinations(range(len(x)), 2) if x[i, 0] != x[j, 0]]
    assert min(runs) == pytest.approx(best, rel=1e-12)
    assert all(r >= best - 1e-12 for r in runs)


def test_robust_to_an_outlier_unlike_the_mean(rng):
    X = np.concatenate([rng.normal(0, 0.2, size=(20, 2)), [[50.0, 50.0]]])
    med = kmedians(X, 1, seed=0).centers[0]
    assert np.all(np.abs(med) < 0.3)
    assert np.all(X.mean(axis=0) > 2.0)


def test_kmedians_seeds_are_distinct_data_points(rng):
    # the first objective is the l1 cost of the seeds: it must be that of k distinct data points
    X = rng.normal(size=(12, 2))
    costs = {round(float(np.abs(X[:, None] - X[list(s)][None]).sum(-1).min(1).sum()), 9)
             for s in itertools.combinations(range(12), 4)}
    for init in ("k-medians++", "random"):
        assert round(float(kmedians(X, 4, init=init, seed=3).objective[0]), 9) in costs


def test_kmedians_empty_cluster_is_reseeded_with_warning():
    X = np.array([[0.0], [0.1], [0.2], [10.0]])
    with pytest.warns(EmptyClusterWarning):
        res = kmedians(X, 2, init=[[0.1], [100.0]])
    assert res.converged
    assert sorted(np.bincount(res.labels)) == [1, 3]


@settings(max_examples=40, deadline=None)
@given(X=arrays(float, st.tuples(st.integers(3, 25), st.integers(1, 3)),
                elements=st.floats(-100, 100, allow_nan=False)),
       k=st.integers(1, 3), seed=st.integers(0, 2**16))
def test_property_objective_never_increases(X, k, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EmptyClusterWarning)
        res = kmedians(X, k, init="random", seed=seed)
    assert np.all(np.diff(res.objective) <= 1e-9 * (1 + np.abs(res.objective[:-1])))
    assert res.labels.shape == (len(X),)
    assert res.objective[-1] == pytest.approx(_l1_objective(X, res.labels, res.centers),
                                              rel=1e-9, abs=1e-9)
