"""Tests of mlhw.first_order_em (CS181 HW4 problem 3: first-order EM is gradient ascent)."""

import warnings

import numpy as np
import pytest
import scipy.stats as st
from hypothesis import given, settings
from hypothesis import strategies as hst

from mlhw import first_order_em as fo
from mlhw.synthetic import sample_gmm


@pytest.fixture(scope="module")
def x():
    return sample_gmm(150, [0.35, 0.65], [[-2.0], [1.5]], [0.8, 1.5], covariance="spherical",
                      seed=0)[0][:, 0]


THETA2 = fo.pack_params([0.4, 0.6], [-1.0, 0.7], [1.3, 2.2])


def random_theta(rng, k):
    w = rng.dirichlet(np.full(k, 3.0))
    return fo.pack_params(w, rng.normal(0, 2, k), rng.uniform(0.3, 3, k))


def central_diff(f, theta, h=1e-6):
    g = np.empty_like(theta)
    for i in range(len(theta)):
        e = np.zeros_like(theta)
        e[i] = h
        g[i] = (f(theta + e) - f(theta - e)) / (2 * h)
    return g


# ---------------------------------------------------------------------------------- parameters


def test_pack_unpack_roundtrip_and_layout():
    theta = fo.pack_params([0.2, 0.3, 0.5], [1.0, 2.0, 3.0], [0.1, 0.2, 0.3])
    np.testing.assert_allclose(theta, [0.2, 0.3, 1.0, 0.1, 2.0, 0.2, 3.0, 0.3])
    w, mu, var = fo.unpack_params(theta)
    np.testing.assert_allclose(w, [0.2, 0.3, 0.5])
    np.testing.assert_allclose(mu, [1.0, 2.0, 3.0])
    np.testing.assert_allclose(var, [0.1, 0.2, 0.3])


def test_log_likelihood_matches_scipy(x):
    w, mu, var = fo.unpack_params(THETA2)
    dens = sum(wk * st.norm.pdf(x, m, np.sqrt(v)) for wk, m, v in zip(w, mu, var))
    assert fo.log_likelihood(x, THETA2) == pytest.approx(np.log(dens).sum(), rel=1e-12)


# ----------------------------------------------------------------------------------- gradients


@settings(max_examples=30, deadline=None)
@given(seed=hst.integers(0, 10_000), k=hst.integers(1, 3))
def test_log_likelihood_gradient_matches_finite_differences(seed, k):
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 2, 25)
    theta = random_theta(rng, k)
    num = central_diff(lambda t: fo.log_likelihood(x, t), theta)
    np.testing.assert_allclose(fo.log_likelihood_grad(x, theta), num, rtol=1e-5, atol=1e-5)


@settings(max_examples=30, deadline=None)
@given(seed=hst.integers(0, 10_000), k=hst.integers(1, 3))
def test_elbo_gradient_matches_finite_differences(seed, k):
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 2, 25)
    theta_t, theta = random_theta(rng, k), random_theta(rng, k)
    num = central_diff(lambda t: fo.elbo(x, t, theta_t), theta)
    np.testing.assert_allclose(fo.elbo_grad(x, theta, theta_t), num, rtol=1e-5, atol=1e-5)


@settings(max_examples=30, deadline=None)
@given(seed=hst.integers(0, 10_000), k=hst.integers(1, 4))
def test_elbo_touches_the_log_likelihood_at_theta_t(seed, k):
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 2, 30)
    theta_t, theta = random_theta(rng, k), random_theta(rng, k)
    ll_t = fo.log_likelihood(x, theta_t)
    assert fo.elbo(x, theta_t, theta_t) == pytest.approx(ll_t, rel=1e-12)
    assert fo.elbo(x, theta, theta_t) <= fo.log_likelihood(x, theta) + 1e-9
    np.testing.assert_allclose(fo.elbo_grad(x, theta_t, theta_t),
                               fo.log_likelihood_grad(x, theta_t), rtol=1e-10, atol=1e-10)


def test_gradients_differ_away_from_theta_t(x):
    theta = fo.pack_params([0.5, 0.5], [-1.5, 1.0], [1.0, 1.0])
    diff = fo.elbo_grad(x, theta, THETA2) - fo.log_likelihood_grad(x, theta)
    assert np.abs(diff).max() > 1.0


# ------------------------------------------------------------------------------------ steps


def test_em_step_matches_sklearn_one_iteration(x):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture

    w, mu, var = fo.unpack_params(THETA2)
    gm = GaussianMixture(2, covariance_type="spherical", max_iter=1, reg_covar=0.0, tol=0.0,
                         weights_init=w, means_init=mu[:, None], precisions_init=1 / var)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm.fit(x[:, None])
    new = fo.em_step(x, THETA2)
    expected = fo.pack_params(gm.weights_, gm.means_[:, 0], gm.covariances_)
    np.testing.assert_allclose(new, expected, rtol=1e-9)


def test_em_step_maximises_the_elbo(x):
    new = fo.em_step(x, THETA2)
    np.testing.assert_allclose(fo.elbo_grad(x, new, THETA2), 0.0, atol=1e-8)
    assert fo.elbo(x, new, THETA2) >= fo.elbo(x, THETA2, THETA2)


@settings(max_examples=20, deadline=None)
@given(seed=hst.integers(0, 10_000), k=hst.integers(1, 3), eta=hst.floats(1e-5, 1e-3))
def test_first_order_em_step_equals_gradient_ascent_step(seed, k, eta):
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 2, 40)
    theta = random_theta(rng, k)
    try:
        ga = fo.gradient_ascent_step(x, theta, eta=eta)
    except ValueError:  # the step left the parameter space; first-order EM must say so too
        with pytest.raises(ValueError, match="eta"):
            fo.first_order_em_step(x, theta, eta=eta)
        return
    np.testing.assert_allclose(fo.first_order_em_step(x, theta, eta=eta), ga,
                               rtol=1e-12, atol=1e-12)


def test_trajectories_agree_and_em_is_monotone(x):
    t0 = fo.pack_params([0.5, 0.5], [-0.5, 0.5], [2.0, 2.0])
    a = fo.trajectory(x, t0, method="first_order_em", n_steps=200, eta=1e-3)
    b = fo.trajectory(x, t0, method="gradient_ascent", n_steps=200, eta=1e-3)
    e = fo.trajectory(x, t0, method="em", n_steps=200)
    assert a.thetas.shape == b.thetas.shape == e.thetas.shape == (201, 5)
    assert np.abs(a.thetas - b.thetas).max() < 1e-12
    np.testing.assert_allclose(a.log_likelihood, b.log_likelihood, rtol=1e-12)
    assert np.all(np.diff(e.log_likelihood) >= -1e-9)
    assert e.log_likelihood[-1] >= a.log_likelihood[-1] - 1e-6
    assert e.eta is None and a.eta == 1e-3


def test_em_converges_to_a_stationary_point(x):
    t0 = fo.pack_params([0.5, 0.5], [-0.5, 0.5], [2.0, 2.0])
    e = fo.trajectory(x, t0, method="em", n_steps=500)
    np.testing.assert_allclose(fo.log_likelihood_grad(x, e.thetas[-1]), 0.0, atol=1e-6)


# ---------------------------------------------------------------------------------- bad input


def test_too_large_a_step_raises_instead_of_nan(x):
    t0 = fo.pack_params([0.5, 0.5], [-0.5, 0.5], [2.0, 2.0])
    for method in ("first_order_em", "gradient_ascent"):
        with pytest.raises(ValueError, match="smaller learning rate"):
            fo.trajectory(x, t0, method=method, n_steps=100, eta=0.05)
