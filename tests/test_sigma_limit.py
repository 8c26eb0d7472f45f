"""k-means as the sigma -> 0 limit of fixed-sigma EM, and the helpers of its widget."""

import re
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import mlhw
from mlhw.lloyd import (SIGMA_LIMIT_CENTERS, EmptyClusterWarning, responsibility_entropy,
                        sigma_limit_blobs, sigma_path)
from mlhw.mixtures import GMMParams, gmm_predict
from mlhw.widgets import sigma_limit_animation, sigma_limit_widget


def _fixed_em(X, init, sigma, **kw):
    k = len(init)
    start = {"weights": np.full(k, 1 / k), "means": init, "covariances": np.full(k, sigma**2)}
    return mlhw.fit_gmm(X, k, covariance="fixed", sigma2=sigma**2, init=start, **kw)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(2, 5), n_per=st.integers(5, 40),
       spread=st.floats(0.3, 2.0))
def test_small_sigma_em_reproduces_kmeans_exactly(seed, k, n_per, spread):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(k, 2)) * 3 + spread * rng.normal(size=(n_per, k, 2))
    X = X.reshape(-1, 2)
    init = X[rng.choice(len(X), k, replace=False)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", EmptyClusterWarning)
        try:
            km = mlhw.kmeans(X, k, init=init, tol=0)
        except EmptyClusterWarning:
            assume(False)  # EM has no re-seeding policy; compare only runs without empty clusters
    em = _fixed_em(X, init, 1e-4, max_iter=300, tol=1e-12)
    assert em.converged
    np.testing.assert_array_equal(em.labels, km.labels)
    np.testing.assert_allclose(em.means, km.centers, rtol=1e-12, atol=1e-12)
    # responsibilities are exactly one-hot in float64
    assert set(np.unique(em.resp)) <= {0.0, 1.0}


def test_book_data_small_sigma_equals_kmeans_and_large_sigma_does_not():
    X, _ = sigma_limit_blobs(60, seed=0)
    init = X[np.random.default_rng(13).choice(len(X), 4, replace=False)]
    km = mlhw.kmeans(X, 4, init=init, tol=0)
    small = _fixed_em(X, init, 1e-3, max_iter=300, tol=1e-12)
    np.testing.assert_array_equal(small.labels, km.labels)
    np.testing.assert_allclose(small.means, km.centers, rtol=1e-12)
    big = _fixed_em(X, init, 5.0, max_iter=2000, tol=1e-12)
    assert np.ptp(big.means, axis=0).max() < 0.05      # all means collapse together
    assert responsibility_entropy(big.resp) > 0.99 * np.log(4)


def test_weights_do_not_matter_in_the_limit():
    X, _ = sigma_limit_blobs(40, seed=2)
    centers = np.array(SIGMA_LIMIT_CENTERS) + 0.3
    nearest = np.argmin(((X[:, None] - centers) ** 2).sum(-1), axis=1)
    skewed = np.array([0.97, 0.01, 0.01, 0.01])
    disagree = []
    for s in [2.0, 0.5, 0.05, 0.005]:
        r = gmm_predict(X, GMMParams(skewed, centers, np.full(4, s**2)), "fixed")
        disagree.append(int(np.sum(r.argmax(1) != nearest)))
    assert disagree[0] > 0 and disagree[-1] == 0
    assert disagree == sorted(disagree, reverse=True)


def test_responsibility_entropy():
    assert responsibility_entropy(np.eye(3)) == 0.0
    assert responsibility_entropy(np.full((5, 4), 0.25)) == pytest.approx(np.log(4))
    with pytest.raises(ValueError, match="resp"):
        responsibility_entropy([0.5, 0.5])


def test_blobs_are_seeded_and_validated():
    a, la = sigma_limit_blobs(10, seed=4)
    b, lb = sigma_limit_blobs(10, seed=np.random.default_rng(4))
    np.testing.assert_array_equal(a, b)
    assert a.shape == (40, 2) and np.bincount(la).tolist() == [10] * 4
    np.testing.assert_allclose(a[la == 2].mean(0), SIGMA_LIMIT_CENTERS[2], atol=0.6)


def test_sigma_path_shapes_and_entropy_falls():
    X, _ = sigma_limit_blobs(20, seed=1)
    init = X[[0, 25, 45, 70]]
    sig = np.logspace(0.5, -1.5, 8)
    p = sigma_path(X, init, sig)
    assert p.means.shape == (8, 4, 2) and p.resp.shape == (8, 80, 4)
    assert p.weights.shape == (8, 4) and p.entropy.shape == (8,)
    np.testing.assert_allclose(p.resp.sum(-1), 1.0)
    assert p.entropy[0] > 1.0 and p.entropy[-1] < 1e-3
    np.testing.assert_array_equal(p.resp[-1].argmax(1), p.kmeans.labels)


def test_animation_html_is_offline_small_and_accessible():
    X, _ = sigma_limit_blobs(10, seed=0)
    p = sigma_path(X, X[[0, 12, 22, 33]], np.logspace(0, -1, 3))
    html = sigma_limit_animation(p, dpi=40)
    assert "http://" not in html and "https://" not in html
    assert 'class="fa' not in html
    assert re.search(r'<img alt="Animation over 3 values of sigma', html)
    assert html.count("data:image/png;base64") == 3
    assert len(html) < 2_000_000


def test_live_widget_builds():
    pytest.importorskip("ipywidgets")
    X, _ = sigma_limit_blobs(10, seed=0)
    box = sigma_limit_widget(X, X[[0, 12, 22, 33]], sigma_range=(0.05, 5.0), value=0.5)
    slider = box.children[0]
    assert slider.description == "σ" and slider.value == pytest.approx(0.5)
    slider.value = 0.1  # triggers a refit and redraw without error


def test_sigma_path_converges_near_the_split_by_default():
    # near the critical sigma (about 2.2 for these blobs) fixed-sigma EM needs 500-900
    # iterations; the slider and the player call sigma_path with its default max_iter
    X, _ = sigma_limit_blobs()
    p = sigma_path(X, SIGMA_LIMIT_CENTERS, [2.1, 2.15])
    assert p.converged.all(), p.n_iter
    assert sigma_path(X, SIGMA_LIMIT_CENTERS, [2.1], max_iter=500).converged.tolist() == [False]
