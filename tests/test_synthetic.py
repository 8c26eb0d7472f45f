"""Tests of mlhw.synthetic: the substitute GMM data set, GMM sampling and the naive E-step."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import logsumexp

from mlhw import em
from mlhw.mixtures import GMMParams, _gmm_log_joint, gmm_log_likelihood
from mlhw.synthetic import (SUBSTITUTE_MEANS, SUBSTITUTE_VARIANCES, SUBSTITUTE_WEIGHTS,
                            gmm_dataset, naive_e_step, sample_gmm)


def _log_space_e_step(X, w, mu, var):
    params = GMMParams(np.asarray(w), np.asarray(mu), np.asarray(var))
    return em.e_step(X, params, lambda x, p: _gmm_log_joint(x, p, "diag"))


# --- the substitute data set ------------------------------------------------------------------

def test_substitute_mixture_is_stated_and_frozen():
    assert SUBSTITUTE_MEANS.shape == SUBSTITUTE_VARIANCES.shape == (6, 10)
    assert np.isclose(SUBSTITUTE_WEIGHTS.sum(), 1.0)
    assert np.all(np.diff(SUBSTITUTE_WEIGHTS) > 0)
    assert np.all(SUBSTITUTE_VARIANCES > 0)
    with pytest.raises(ValueError):
        SUBSTITUTE_MEANS[0, 0] = 1.0


def test_gmm_dataset_shape_seed_and_proportions():
    a = gmm_dataset(20000, seed=3)
    b = gmm_dataset(20000, seed=3)
    c = gmm_dataset(20000, seed=4)
    assert a.X.shape == (20000, 10) and a.labels.shape == (20000,)
    np.testing.assert_array_equal(a.X, b.X)
    assert not np.allclose(a.X[:5], c.X[:5])
    props = np.bincount(a.labels, minlength=6) / len(a.labels)
    np.testing.assert_allclose(props, SUBSTITUTE_WEIGHTS, atol=0.01)
    for k in range(6):
        pts = a.X[a.labels == k]
        np.testing.assert_allclose(pts.mean(0), SUBSTITUTE_MEANS[k], atol=0.12)
        np.testing.assert_allclose(pts.var(0), SUBSTITUTE_VARIANCES[k], rtol=0.15)


def test_gmm_dataset_default_seed_is_reproducible():
    np.testing.assert_array_equal(gmm_dataset(50).X, gmm_dataset(50).X)


def test_sample_diag_gmm_moments(rng):
    w, mu, var = [0.3, 0.7], [[0.0, 5.0], [10.0, -5.0]], [[1.0, 4.0], [0.25, 9.0]]
    X, labels = sample_gmm(40000, w, mu, var, covariance="diag", seed=rng)
    for k in range(2):
        pts = X[labels == k]
        np.testing.assert_allclose(pts.mean(0), mu[k], atol=0.1)
        np.testing.assert_allclose(pts.var(0), var[k], rtol=0.05)
    assert abs(np.mean(labels == 0) - 0.3) < 0.01


@pytest.mark.parametrize("covariance", ["full", "diag", "spherical"])
def test_sample_gmm_matches_covariances(covariance):
    cov = {"full": np.array([[[2.0, 0.8], [0.8, 1.0]]]), "diag": np.array([[2.0, 0.5]]),
           "spherical": np.array([3.0])}[covariance]
    X, z = sample_gmm(40000, [1.0], [[1.0, -2.0]], cov, covariance=covariance, seed=1)
    emp = np.cov(X.T)
    want = {"full": lambda c: c[0], "diag": lambda c: np.diag(c[0]),
            "spherical": lambda c: c[0] * np.eye(2)}[covariance](cov)
    np.testing.assert_allclose(emp, want, atol=0.06)
    np.testing.assert_allclose(X.mean(0), [1.0, -2.0], atol=0.03)
    assert set(z.tolist()) == {0}


def test_one_dimensional_mixture_is_the_normal_draw():
    """A 1-D spherical mixture draws exactly ``rng.normal(mu_z, sigma_z)`` after the labels."""
    X, z = sample_gmm(50, [0.4, 0.6], [[-2.0], [2.0]], [1.0, 0.25], covariance="spherical",
                      seed=3)
    rng = np.random.default_rng(3)
    labels = rng.choice(2, size=50, p=[0.4, 0.6])
    np.testing.assert_array_equal(z, labels)
    np.testing.assert_array_equal(X[:, 0], rng.normal(np.array([-2.0, 2.0])[labels],
                                                      np.sqrt([1.0, 0.25])[labels]))


# --- the naive E-step ---------------------------------------------------------------------------

def test_naive_e_step_agrees_with_log_space_in_low_dimension():
    data = gmm_dataset(300, seed=5)
    w, mu, var = data.weights, data.means, data.variances
    naive = naive_e_step(data.X, w, mu, var)
    ll, resp = _log_space_e_step(data.X, w, mu, var)
    assert naive.n_nan_rows == 0
    np.testing.assert_allclose(naive.resp, resp, atol=1e-12)
    np.testing.assert_allclose(-naive.neg_log_likelihood, ll, rtol=1e-10)
    np.testing.assert_allclose(-naive.neg_log_likelihood,
                               gmm_log_likelihood(data.X, w, mu, var, "diag"), rtol=1e-10)


def test_naive_e_step_underflows_to_nan_where_log_space_does_not(rng):
    d, K = 784, 3
    mu = rng.random((K, d))
    var = np.full((K, d), 0.05)
    X = mu[rng.integers(0, K, 50)] + 0.3 * rng.standard_normal((50, d))
    naive = naive_e_step(X, np.full(K, 1 / K), mu, var)
    assert naive.n_nan_rows == 50  # every row is 0/0 or inf/inf
    assert not np.isfinite(naive.neg_log_likelihood)
    ll, resp = _log_space_e_step(X, np.full(K, 1 / K), mu, var)
    assert np.isfinite(ll) and np.all(np.isfinite(resp))
    np.testing.assert_allclose(resp.sum(1), 1.0)


def test_naive_e_step_docstring_case():
    out = naive_e_step(np.zeros((1, 2000)), [0.5, 0.5], np.ones((2, 2000)), np.ones((2, 2000)))
    assert out.n_nan_rows == 1 and out.neg_log_likelihood == np.inf
    assert out.densities[0] == 0.0


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(1, 3), st.integers(0, 10_000))
def test_naive_matches_logsumexp_when_nothing_underflows(d, K, seed):
    r = np.random.default_rng(seed)
    w = r.dirichlet(np.ones(K))
    mu, var = r.normal(size=(K, d)), r.uniform(0.5, 2.0, (K, d))
    X = r.normal(size=(20, d))
    naive = naive_e_step(X, w, mu, var)
    lj = _gmm_log_joint(X, GMMParams(w, mu, var), "diag")
    np.testing.assert_allclose(np.log(naive.densities), logsumexp(lj, axis=1), rtol=1e-9)
    np.testing.assert_allclose(naive.resp.sum(1), 1.0)


# --- bad input ----------------------------------------------------------------------------------
