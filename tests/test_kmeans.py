"""k-means against scikit-learn's Lloyd, its invariants and its failure modes."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.cluster import KMeans

import mlhw
from mlhw.kmeans import EmptyClusterWarning, kmeans_plusplus


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


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 6), st.sampled_from(["k-means++", "random"]))
def test_objective_never_increases(seed, k, init):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(40, 3)) * rng.uniform(0.1, 10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EmptyClusterWarning)
        res = mlhw.kmeans(X, k, init=init, seed=seed, tol=0)
    assert np.all(np.diff(res.objective) <= 1e-9 * res.objective[0])
    d2 = ((X[:, None, :] - res.centers[None]) ** 2).sum(-1)
    assert res.objective[-1] == pytest.approx(d2.min(1).sum())
    np.testing.assert_array_equal(res.labels, d2.argmin(1))


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


@pytest.mark.parametrize("args, kwargs, match", [
    ((np.ones((5, 2)), 0), {}, "k"),
    ((np.ones((5, 2)), 6), {}, "k"),
    ((np.ones((5, 2)), 2), {"init": "kmeans+++"}, "init"),
    ((np.ones((5, 2)), 2), {"init": np.ones((3, 2))}, "init"),
    ((np.ones((5, 2)), 2), {"init": np.array([[0.0, np.inf], [1, 1]])}, "init"),
    ((np.array([[np.nan, 1.0]] * 5), 2), {}, "X"),
    ((np.ones((5, 2)), 2), {"tol": -1}, "tol"),
    ((np.ones((5, 2)), 2), {"max_iter": 0}, "max_iter"),
])
def test_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        mlhw.kmeans(*args, **kwargs)


def test_k_must_be_integer():
    with pytest.raises(TypeError, match="k"):
        mlhw.kmeans(np.ones((5, 2)), 2.5)
