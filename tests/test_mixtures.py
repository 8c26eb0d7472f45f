"""Gaussian mixtures against scikit-learn's GaussianMixture given the same initial parameters."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import multivariate_normal
from sklearn.mixture import GaussianMixture

import mlhw
from mlhw.mixtures import _gmm_log_joint, _gmm_m_step, gmm_log_likelihood, n_parameters


def _data(rng, d=3):
    return np.concatenate([rng.normal(m, s, (150, d)) for m, s in ((-3, 1.0), (0, 0.5), (4, 2.0))])


def _init(X, cov, d):
    covs = {"full": np.array([np.eye(d) * v for v in (1.0, 2.0, 0.5)]),
            "diag": np.array([[1.0] * d, [2.0] * d, [0.5] * d]),
            "spherical": np.array([1.0, 2.0, 0.5])}[cov]
    return {"weights": np.array([0.2, 0.3, 0.5]), "means": X[[0, 200, 400]],
            "covariances": covs}


def _precisions(cov, covs):
    return np.linalg.inv(covs) if cov == "full" else 1.0 / covs


@pytest.mark.parametrize("cov", ["full", "diag", "spherical"])
@pytest.mark.parametrize("scale", [1.0, 1e-3])
def test_matches_sklearn_after_fixed_iterations(rng, cov, scale):
    # without a floor the updates are the same; scikit-learn's reg_covar adds the floor where
    # mlhw clips at it (tests/test_numerical_trouble.py shows why)
    reg = 0.0
    X = _data(rng) * scale
    init = _init(X, cov, 3)
    ours = mlhw.fit_gmm(X, 3, covariance=cov, init=init, max_iter=15, tol=0, reg=reg)
    ref = GaussianMixture(3, covariance_type=cov, max_iter=15, tol=0, reg_covar=reg,
                          weights_init=init["weights"], means_init=init["means"],
                          precisions_init=_precisions(cov, init["covariances"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref.fit(X)
    np.testing.assert_allclose(ours.weights, ref.weights_, rtol=1e-9)
    np.testing.assert_allclose(ours.means, ref.means_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.covariances, ref.covariances_, rtol=1e-8, atol=1e-12)
    assert ours.log_likelihood[-1] / len(X) == pytest.approx(ref.score(X), rel=1e-10)
    np.testing.assert_allclose(ours.resp, ref.predict_proba(X), atol=1e-9)
    assert ours.n_iter == 15


def _sklearn_fit(X, cov, init, n_iter):
    ref = GaussianMixture(3, covariance_type=cov, max_iter=n_iter, tol=0, reg_covar=0.0,
                          weights_init=init["weights"], means_init=init["means"],
                          precisions_init=_precisions(cov, init["covariances"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ref.fit(X)


def _clip(cov_type, covs, reg):
    """The floor of mlhw applied to unconstrained covariances: the closest feasible maximiser."""
    if cov_type != "full":
        return np.maximum(covs, reg)
    vals, vecs = np.linalg.eigh(covs)
    return (vecs * np.maximum(vals, reg)[:, None, :]) @ vecs.transpose(0, 2, 1)


@pytest.mark.parametrize("cov", ["full", "diag", "spherical"])
def test_active_floor_is_the_unconstrained_m_step_clipped(rng, cov):
    # the same floor, active: one EM step of mlhw with reg equals scikit-learn's step without a
    # floor, clipped at reg (variances for diag/spherical, eigenvalues for full)
    X = _data(rng) * 1e-3                     # variances of about 1e-6 to 6e-6 after one step
    for reg in (2e-6, 1e-4):              # the first clips some variances, the second all
        init = _init(X, cov, 3)
        init["covariances"] = np.maximum(init["covariances"] * 4e-6, reg * (cov != "full"))
        if cov == "full":
            init["covariances"] = init["covariances"] + reg * np.eye(3)
        ref = _sklearn_fit(X, cov, init, 1)
        ours = mlhw.fit_gmm(X, 3, covariance=cov, init=init, max_iter=1, tol=0, reg=reg)
        expect = _clip(cov, ref.covariances_, reg)
        assert not np.allclose(expect, ref.covariances_, rtol=1e-3, atol=0), "floor not active"
        np.testing.assert_allclose(ours.covariances, expect, rtol=1e-9, atol=1e-18)
        np.testing.assert_allclose(ours.means, ref.means_, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(ours.weights, ref.weights_, rtol=1e-9)


@pytest.mark.parametrize("cov", ["full", "diag", "spherical"])
def test_initial_covariances_below_the_floor_are_raised(rng, cov):
    # a start outside the set EM maximises over is clipped onto it (with a warning), so that
    # the likelihood still never decreases
    X = _data(rng) * 1e-3
    init = _init(X, cov, 3)
    init["covariances"] = init["covariances"] * 1e-6          # below reg = 1e-4 everywhere
    with pytest.warns(RuntimeWarning, match="init: initial covariances"):
        res = mlhw.fit_gmm(X, 3, covariance=cov, init=init, max_iter=5, tol=0, reg=1e-4)
    assert np.all(np.diff(res.log_likelihood) >= -1e-9 * np.abs(res.log_likelihood[1:]))
    vals = (np.linalg.eigvalsh(res.covariances) if cov == "full" else res.covariances)
    assert vals.min() >= 1e-4 * (1 - 1e-12)


@pytest.mark.parametrize("cov", ["full", "diag", "spherical"])
def test_inactive_floor_changes_nothing(rng, cov):
    # a floor below every variance leaves the fit exactly scikit-learn's without one, where
    # scikit-learn's reg_covar (added to every variance) moves it
    X = _data(rng)
    init = _init(X, cov, 3)
    ours = mlhw.fit_gmm(X, 3, covariance=cov, init=init, max_iter=15, tol=0, reg=1e-6)
    ref = _sklearn_fit(X, cov, init, 15)
    np.testing.assert_allclose(ours.covariances, ref.covariances_, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(ours.means, ref.means_, rtol=1e-9, atol=1e-12)


def test_log_joint_against_scipy(rng):
    X = rng.normal(size=(20, 3))
    A = rng.normal(size=(2, 3, 3))
    covs = A @ A.transpose(0, 2, 1) + np.eye(3)
    p = mlhw.GMMParams(np.array([0.3, 0.7]), rng.normal(size=(2, 3)), covs)
    lj = _gmm_log_joint(X, p, "full")
    for k in range(2):
        ref = np.log(p.weights[k]) + multivariate_normal(p.means[k], covs[k]).logpdf(X)
        np.testing.assert_allclose(lj[:, k], ref, rtol=1e-10)
    diag = mlhw.GMMParams(p.weights, p.means, np.array([[1.0, 2.0, 3.0], [0.5, 0.5, 4.0]]))
    lj = _gmm_log_joint(X, diag, "diag")
    for k in range(2):
        ref = np.log(p.weights[k]) + multivariate_normal(p.means[k], np.diag(diag.covariances[k])
                                                         ).logpdf(X)
        np.testing.assert_allclose(lj[:, k], ref, rtol=1e-10)


def test_one_hot_m_step_is_supervised_estimate(rng):
    X = _data(rng)
    y = np.repeat([0, 1, 2], 150)
    resp = np.eye(3)[y]
    p = _gmm_m_step(X, resp, "full", 0.0)
    for k in range(3):
        np.testing.assert_allclose(p.means[k], X[y == k].mean(0), rtol=1e-12)
        np.testing.assert_allclose(p.covariances[k], np.cov(X[y == k].T, ddof=0), rtol=1e-10)
    np.testing.assert_allclose(p.weights, [1 / 3] * 3)


def test_fixed_sigma_keeps_variance_and_small_sigma_is_kmeans(rng):
    X = _data(rng, d=2)
    init_centers = X[[0, 200, 400]]
    km = mlhw.kmeans(X, 3, init=init_centers, tol=0)
    init = {"weights": np.full(3, 1 / 3), "means": init_centers, "covariances": np.ones(3)}
    g = mlhw.fit_gmm(X, 3, covariance="fixed", sigma2=1e-4, init=init, max_iter=200, tol=0)
    np.testing.assert_array_equal(g.covariances, 1e-4)
    np.testing.assert_array_equal(g.labels, km.labels)
    np.testing.assert_allclose(g.means, km.centers, rtol=1e-9)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 4),
       st.sampled_from(["full", "diag", "spherical"]))
def test_resp_rows_sum_to_one_and_history_ends_at_the_likelihood(seed, k, cov):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(30, 2)) * rng.uniform(0.1, 10, size=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mlhw.fit_gmm(X, k, covariance=cov, init="random", seed=seed, max_iter=30)
    assert np.all((res.resp >= 0) & (res.resp <= 1))
    np.testing.assert_allclose(res.resp.sum(1), 1.0)
    direct = gmm_log_likelihood(X, res.weights, res.means, res.covariances, cov)
    assert res.log_likelihood[-1] == pytest.approx(direct)


def test_collapsing_component_stays_finite():
    X = np.r_[np.zeros((20, 2)), np.random.default_rng(0).normal(size=(20, 2))]
    res = mlhw.fit_gmm(X, 2, covariance="diag", init="kmeans", seed=0, max_iter=50, reg=1e-6)
    assert np.all(np.isfinite(res.covariances)) and np.all(res.covariances >= 1e-6)
    assert np.all(np.isfinite(res.log_likelihood))


def test_n_parameters():
    assert n_parameters(3, 2, "full") == 2 + 6 + 9
    assert n_parameters(3, 2, "diag") == 2 + 6 + 6
    assert n_parameters(3, 2, "spherical") == 2 + 6 + 3


def test_nonfinite_data():
    with pytest.raises(ValueError, match="X: expected finite"):
        mlhw.fit_gmm(np.array([[np.inf, 0.0], [1.0, 1.0]]), 1)


def test_empty_component_keeps_previous_parameters():
    X = np.r_[np.zeros((10, 2)), np.ones((10, 2))]
    far = np.array([[100.0, 100.0]])
    init = {"weights": np.array([0.4, 0.4, 0.2]), "means": np.r_[X[[0, 10]], far],
            "covariances": np.full(3, 0.01)}
    with pytest.warns(mlhw.mixtures.EmptyComponentWarning):
        res = mlhw.fit_gmm(X, 3, covariance="spherical", init=init, max_iter=5, tol=0)
    np.testing.assert_allclose(res.means[2], far[0])
    assert np.all(np.isfinite(res.covariances))
