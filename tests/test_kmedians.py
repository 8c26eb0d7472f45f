"""Tests of mlhw.kmedians: median updates, monotone objective, brute-force optimum, bad input."""

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mlhw.kmeans import EmptyClusterWarning
from mlhw.kmedians import KMediansResult, kmedians, kmedians_plusplus, l1_distances


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


def test_result_is_a_fixed_point(rng):
    X = np.concatenate([rng.normal(c, 0.5, size=(30, 2)) for c in ([0, 0], [4, 0], [0, 4])])
    res = kmedians(X, 3, seed=1)
    assert isinstance(res, KMediansResult) and res.converged
    np.testing.assert_array_equal(res.labels, np.argmin(l1_distances(X, res.centers), axis=1))
    for j in range(3):
        np.testing.assert_array_equal(res.centers[j], np.median(X[res.labels == j], axis=0))
    assert res.objective[-1] == pytest.approx(_l1_objective(X, res.labels, res.centers))


def test_l1_distances_against_brute_force(rng):
    X, C = rng.normal(size=(7, 4)), rng.normal(size=(3, 4))
    brute = np.array([[np.sum(np.abs(x - c)) for c in C] for x in X])
    np.testing.assert_allclose(l1_distances(X, C), brute, rtol=1e-14)


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


def test_seeding_and_init_options(rng):
    X = rng.normal(size=(30, 2))
    c = kmedians_plusplus(X, 4, seed=3)
    assert c.shape == (4, 2)
    assert all(any(np.array_equal(row, x) for x in X) for row in c)
    np.testing.assert_array_equal(c, kmedians_plusplus(X, 4, seed=3))
    a = kmedians(X, 3, init="random", seed=5)
    b = kmedians(X, 3, init="random", seed=np.random.default_rng(5))
    np.testing.assert_array_equal(a.labels, b.labels)
    dup = np.zeros((5, 2))
    assert kmedians_plusplus(dup, 3, seed=0).shape == (3, 2)


def test_empty_cluster_is_reseeded_with_warning():
    X = np.array([[0.0], [0.1], [0.2], [10.0]])
    with pytest.warns(EmptyClusterWarning):
        res = kmedians(X, 2, init=[[0.1], [100.0]])
    assert res.converged
    assert sorted(np.bincount(res.labels)) == [1, 3]


def test_max_iter_stops_early(rng):
    X = rng.normal(size=(200, 2))
    res = kmedians(X, 8, init="random", max_iter=1, seed=0)
    assert res.n_iter == 1 and len(res.objective) == 2


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


@pytest.mark.parametrize("kwargs, exc, name", [
    ({"X": [[0.0, np.nan], [1.0, 1.0]], "k": 1}, ValueError, "X"),
    ({"X": [0.0, 1.0], "k": 1}, ValueError, "X"),
    ({"X": [[0.0], [1.0]], "k": 3}, ValueError, "k"),
    ({"X": [[0.0], [1.0]], "k": 0}, ValueError, "k"),
    ({"X": [[0.0], [1.0]], "k": 1.5}, TypeError, "k"),
    ({"X": [[0.0], [1.0]], "k": 1, "init": "k-means++"}, ValueError, "init"),
    ({"X": [[0.0], [1.0]], "k": 2, "init": [[0.0, 1.0]]}, ValueError, "init"),
    ({"X": [[0.0], [1.0]], "k": 1, "init": [[np.inf]]}, ValueError, "init"),
    ({"X": [[0.0], [1.0]], "k": 1, "max_iter": 0}, ValueError, "max_iter"),
    ({"X": [[0.0], [1.0]], "k": 1, "seed": -1}, ValueError, "seed"),
])
def test_bad_input_names_the_argument(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        kmedians(**kwargs)
