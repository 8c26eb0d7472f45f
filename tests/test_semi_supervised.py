"""Tests of the semi-supervised Gaussian mixture (NTU HW3, problem 4)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

from mlhw import em
from mlhw.metrics import match_labels
from mlhw.mixtures import GMMParams, fit_gmm
from mlhw.semi_supervised import (_ssgmm_log_joint, _ssgmm_m_step, fit_semi_supervised_gmm,
                                  hide_labels)
from mlhw.synthetic import sample_gmm

WEIGHTS = np.array([0.5, 0.3, 0.2])
MEANS = np.array([[0.0, 0.0], [0.0, 3.0], [4.0, 1.0]])
COVS = np.array([[[3.0, 0.0], [0.0, 0.3]], [[3.0, 0.0], [0.0, 0.3]], [[0.5, 0.3], [0.3, 1.0]]])


@pytest.fixture
def data():
    X, z = sample_gmm(300, WEIGHTS, MEANS, COVS, seed=3)
    y = hide_labels(z, 5, seed=4)
    return X, y, z


def _random_params(rng, k=3, d=2):
    a = rng.normal(size=(k, d, d))
    return GMMParams(rng.dirichlet(np.ones(k)), rng.normal(size=(k, d)) * 2,
                     a @ a.transpose(0, 2, 1) + np.eye(d))


def _scipy_logpdf(X, params):
    return np.column_stack([multivariate_normal(m, c).logpdf(X)
                            for m, c in zip(params.means, params.covariances)])


def test_log_joint_labelled_rows(data, rng):
    X, y, _ = data
    p = _random_params(rng)
    lj = _ssgmm_log_joint((X, y), p)
    dens = _scipy_logpdf(X, p)
    lab = y >= 0
    # unlabelled: log pi_k + log N; labelled: log N on the label (no pi), -inf elsewhere
    np.testing.assert_allclose(lj[~lab], np.log(p.weights) + dens[~lab], rtol=1e-10)
    rows = np.flatnonzero(lab)
    np.testing.assert_allclose(lj[rows, y[rows]], dens[rows, y[rows]], rtol=1e-10)
    off = np.ones_like(lj, dtype=bool)
    off[rows, y[rows]] = False
    assert np.all(np.isneginf(lj[rows][off[rows]]))
    lj_all = _ssgmm_log_joint((X, y), p, weights_from="all")
    np.testing.assert_allclose(lj_all[rows, y[rows]],
                               dens[rows, y[rows]] + np.log(p.weights[y[rows]]), rtol=1e-10)


def test_labelled_responsibilities_are_fixed_one_hot(data):
    X, y, _ = data
    res = fit_semi_supervised_gmm(X, y, 3)
    lab = np.flatnonzero(y >= 0)
    expected = np.zeros((len(lab), 3))
    expected[np.arange(len(lab)), y[lab]] = 1.0
    np.testing.assert_array_equal(res.resp[lab], expected)
    np.testing.assert_array_equal(res.labels[lab], y[lab])
    np.testing.assert_allclose(res.resp.sum(axis=1), 1.0)


def test_m_step_is_the_homework_formula(data, rng):
    X, y, _ = data
    p = _random_params(rng)
    _, resp = em.e_step((X, y), p, _ssgmm_log_joint)
    new = _ssgmm_m_step((X, y), resp, p, "full", 0.0)
    unl = y < 0
    for k in range(3):
        lab_k = y == k
        delta = resp[unl, k]
        denom = lab_k.sum() + delta.sum()
        mu = (X[lab_k].sum(axis=0) + delta @ X[unl]) / denom
        dl, du = X[lab_k] - mu, X[unl] - mu
        sigma = (dl.T @ dl + (delta[:, None] * du).T @ du) / denom
        np.testing.assert_allclose(new.means[k], mu, rtol=1e-9)
        np.testing.assert_allclose(new.covariances[k], sigma, rtol=1e-9, atol=1e-12)
        assert new.weights[k] == pytest.approx(delta.sum() / unl.sum(), rel=1e-12)
    all_w = _ssgmm_m_step((X, y), resp, p, "full", 0.0, weights_from="all").weights
    np.testing.assert_allclose(all_w, resp.sum(axis=0) / len(y), rtol=1e-9)
    # the two weight estimates really differ here (balanced labels, unbalanced classes)
    assert np.max(np.abs(all_w - new.weights)) > 1e-3


def test_final_log_likelihood_matches_scipy(data):
    X, y, _ = data
    res = fit_semi_supervised_gmm(X, y, 3)
    dens = _scipy_logpdf(X, res.params)
    unl, lab = y < 0, np.flatnonzero(y >= 0)
    ll = (logsumexp(np.log(res.weights) + dens[unl], axis=1).sum()
          + dens[lab, y[lab]].sum())
    assert res.log_likelihood[-1] == pytest.approx(ll, rel=1e-10)


def test_no_labels_is_unsupervised_em(data):
    X, _, _ = data
    y = np.full(len(X), -1)
    init = {"weights": WEIGHTS, "means": MEANS + 0.3, "covariances": COVS}
    a = fit_semi_supervised_gmm(X, y, 3, init=init, tol=0, max_iter=15)
    b = fit_gmm(X, 3, init=init, tol=0, max_iter=15)
    np.testing.assert_allclose(a.means, b.means, rtol=1e-10)
    np.testing.assert_allclose(a.covariances, b.covariances, rtol=1e-10)
    np.testing.assert_allclose(a.weights, b.weights, rtol=1e-10)
    np.testing.assert_allclose(a.log_likelihood, b.log_likelihood, rtol=1e-12)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_no_labels_matches_sklearn(data):
    GaussianMixture = pytest.importorskip("sklearn.mixture").GaussianMixture
    X, _, _ = data
    y = np.full(len(X), -1)
    init = {"weights": WEIGHTS, "means": MEANS + 0.3, "covariances": COVS}
    a = fit_semi_supervised_gmm(X, y, 3, init=init, tol=0, max_iter=20, reg=0.0)
    gm = GaussianMixture(3, weights_init=WEIGHTS, means_init=MEANS + 0.3,
                         precisions_init=np.linalg.inv(COVS), max_iter=20, tol=0,
                         reg_covar=0.0).fit(X)
    np.testing.assert_allclose(a.means, gm.means_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(a.covariances, gm.covariances_, rtol=1e-8, atol=1e-12)


def test_all_labelled_is_the_supervised_mle(data):
    X, _, z = data
    res = fit_semi_supervised_gmm(X, z, 3, reg=0.0, max_iter=1, tol=0)  # one M-step
    for k in range(3):
        Xk = X[z == k]
        np.testing.assert_allclose(res.means[k], Xk.mean(axis=0), rtol=1e-10)
        np.testing.assert_allclose(res.covariances[k], np.cov(Xk.T, bias=True), rtol=1e-8)
    assert res.n_iter == 1
    assert fit_semi_supervised_gmm(X, z, 3).converged
    np.testing.assert_allclose(res.weights, 1 / 3)  # no unlabelled point: weights kept


def test_no_label_switching(data):
    X, y, z = data
    res = fit_semi_supervised_gmm(X, y, 3)
    np.testing.assert_array_equal(match_labels(z, res.labels).perm, np.arange(3))
    np.testing.assert_allclose(res.means, MEANS, atol=0.5)


@pytest.mark.parametrize("covariance, shape", [("full", (3, 2, 2)), ("diag", (3, 2)),
                                               ("spherical", (3,))])
def test_covariance_types(data, covariance, shape):
    X, y, _ = data
    res = fit_semi_supervised_gmm(X, y, 3, covariance=covariance)
    assert res.covariances.shape == shape and res.covariance == covariance


def test_class_without_labels(data):
    X, _, z = data
    y = hide_labels(z, 4, seed=0)
    y[y == 2] = -1
    res = fit_semi_supervised_gmm(X, y, 3, seed=0)
    assert np.all(np.isfinite(res.means))
    assert res.weights.sum() == pytest.approx(1.0)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), frac=st.floats(0.0, 0.9),
       weights_from=st.sampled_from(["unlabelled", "all"]),
       covariance=st.sampled_from(["full", "diag", "spherical"]))
def test_labelled_rows_stay_one_hot(seed, frac, weights_from, covariance):
    rng = np.random.default_rng(seed)
    X, z = sample_gmm(80, WEIGHTS, MEANS, COVS, seed=rng)
    y = np.where(rng.random(80) < frac, z, -1)
    res = fit_semi_supervised_gmm(X, y, 3, weights_from=weights_from, covariance=covariance,
                                  tol=0, max_iter=25, seed=seed)
    assert np.all(res.resp[y >= 0, y[y >= 0]] == 1.0)


def test_hide_labels_and_sampler():
    X, z = sample_gmm(20_000, WEIGHTS, MEANS, COVS, seed=0)
    np.testing.assert_allclose(np.bincount(z) / len(z), WEIGHTS, atol=0.02)
    np.testing.assert_allclose(np.cov(X[z == 2].T), COVS[2], atol=0.06)
    y = hide_labels(z, 7, seed=1)
    assert np.all(np.bincount(y[y >= 0]) == 7)
    assert np.all(y[y >= 0] == z[y >= 0])
    assert np.all(hide_labels([0, 1, 1], 5) == [0, 1, 1])
