"""Tests of mlhw.gamma_mixture (CS181 HW4 problem 1: EM for a Gamma mixture)."""

import numpy as np
import pytest
import scipy.optimize as opt
import scipy.stats as st
from hypothesis import given, settings
from hypothesis import strategies as hst

from mlhw import gamma_mixture as gm


@pytest.fixture(scope="module")
def data():
    return gm.gamma_mixture_data(3000, seed=7)


def scipy_log_joint(x, theta, betas, alpha):
    return np.log(theta) + st.gamma.logpdf(np.asarray(x)[:, None], alpha, scale=1 / np.asarray(betas))


# ---------------------------------------------------------------------------------- densities


def test_gamma_logpdf_matches_scipy(rng):
    x = rng.gamma(2.0, 1.0, 50)
    for alpha, beta in [(0.5, 0.3), (1.0, 2.0), (7.5, 4.0)]:
        np.testing.assert_allclose(gm.gamma_logpdf(x, alpha, beta),
                                   st.gamma.logpdf(x, alpha, scale=1 / beta), rtol=1e-12)


def test_exponential_at_zero_is_finite():
    assert gm.gamma_logpdf(0.0, 1.0, 2.0) == pytest.approx(np.log(2.0))


def test_log_likelihood_and_pdf_match_scipy(rng):
    x = rng.gamma(3.0, 2.0, 40)
    theta, betas, alpha = [0.3, 0.7], [1.5, 0.2], 3.0
    expected = np.log(np.exp(scipy_log_joint(x, theta, betas, alpha)).sum(1)).sum()
    assert gm.gamma_mixture_log_likelihood(x, theta, betas, alpha) == pytest.approx(expected,
                                                                                   rel=1e-12)
    grid = np.linspace(0.01, 30, 7)
    pdf = sum(t * st.gamma.pdf(grid, alpha, scale=1 / b) for t, b in zip(theta, betas))
    np.testing.assert_allclose(gm.gamma_mixture_pdf(grid, theta, betas, alpha), pdf, rtol=1e-12)


# -------------------------------------------------------------------------------------- E-step


def test_e_step_is_the_posterior(rng):
    x = rng.gamma(4.0, 1.0, 30)
    theta, betas, alpha = np.array([0.2, 0.5, 0.3]), np.array([3.0, 1.0, 0.4]), 4.0
    q = gm.e_step(x, theta, betas, alpha)
    joint = np.exp(scipy_log_joint(x, theta, betas, alpha))
    np.testing.assert_allclose(q, joint / joint.sum(1, keepdims=True), rtol=1e-10)
    np.testing.assert_allclose(q.sum(1), 1.0)


def test_e_step_survives_far_tails():
    # densities underflow to 0 in linear space at x = 1e4; the log-space E-step does not
    q = gm.e_step([1e4, 1e-6], [0.5, 0.5], [50.0, 0.01], 2.0)
    assert np.all(np.isfinite(q))
    np.testing.assert_allclose(q[0], [0.0, 1.0], atol=1e-12)


# -------------------------------------------------------------------------------------- M-step


def test_m_step_maximises_q_numerically(rng):
    x = rng.gamma(3.0, 1.0, 60)
    q = rng.dirichlet(np.ones(3), size=60)
    alpha = 3.0
    theta, betas = gm.m_step(x, q, alpha)

    def neg_q(v):  # theta by softmax of free logits, betas by exp
        t = np.exp(v[:3] - v[:3].max())
        t /= t.sum()
        return -gm.expected_complete_log_likelihood(x, q, t, np.exp(v[3:]), alpha)

    best = opt.minimize(neg_q, np.zeros(6), method="BFGS", options={"gtol": 1e-10})
    t_num = np.exp(best.x[:3] - best.x[:3].max())
    np.testing.assert_allclose(theta, t_num / t_num.sum(), atol=1e-5)
    np.testing.assert_allclose(betas, np.exp(best.x[3:]), rtol=1e-4)
    assert -best.fun <= gm.expected_complete_log_likelihood(x, q, theta, betas, alpha) + 1e-9


def test_m_step_with_hard_labels_is_per_group_mle():
    x = np.array([1.0, 3.0, 10.0, 14.0])
    q = np.array([[1, 0], [1, 0], [0, 1], [0, 1]], dtype=float)
    theta, betas = gm.m_step(x, q, 2.0)
    np.testing.assert_allclose(theta, [0.5, 0.5])
    np.testing.assert_allclose(betas, [2.0 / 2.0, 2.0 / 12.0])


def test_empty_component_keeps_weight_zero_and_is_harmless():
    x = np.array([1.0, 2.0, 3.0])
    q = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]])
    with pytest.warns(UserWarning, match="empty component"):
        theta, betas = gm.m_step(x, q, 2.0)
    assert theta[1] == 0.0 and np.isfinite(betas).all()
    q2 = gm.e_step(x, theta, betas, 2.0)
    np.testing.assert_allclose(q2[:, 1], 0.0)


# ------------------------------------------------------------------------------------- run_em


def test_run_em_equals_repeated_single_iterations(data):
    x = data[0][:300]
    theta, betas = np.full(3, 1 / 3), np.array([2.0, 0.5, 0.1])
    t5, b5 = gm.run_em(x, theta, betas, 5.0, iterations=5)
    t, b = theta, betas
    lls = [gm.gamma_mixture_log_likelihood(x, t, b, 5.0)]
    for _ in range(5):
        t, b = gm.run_em(x, t, b, 5.0, iterations=1)
        lls.append(gm.gamma_mixture_log_likelihood(x, t, b, 5.0))
    np.testing.assert_allclose(t5, t, rtol=1e-12)
    np.testing.assert_allclose(b5, b, rtol=1e-12)
    assert np.all(np.diff(lls) >= -1e-9)


def test_run_em_recovers_the_generating_mixture(data):
    x, _ = data
    theta, betas = gm.run_em(x, np.full(3, 1 / 3), [2.0, 0.5, 0.1], gm.GENERATING_ALPHA,
                             iterations=300)
    np.testing.assert_allclose(theta, gm.GENERATING_THETA, atol=0.03)
    np.testing.assert_allclose(betas, gm.GENERATING_BETAS, rtol=0.08)


def test_fit_sorted_and_consistent_with_run_em(data):
    x, _ = data
    res = gm.fit_gamma_mixture(x, 3, alpha=5.0, seed=0, tol=1e-10, max_iter=2000)
    assert res.converged and not res.alpha_estimated
    assert np.all(np.diff(res.means) > 0)
    assert np.all(np.diff(res.log_likelihood) >= -1e-9 * abs(res.log_likelihood[-1]))
    theta, betas = gm.run_em(x, res.theta, res.betas, 5.0, iterations=3)
    np.testing.assert_allclose(theta, res.theta, atol=1e-5)
    np.testing.assert_allclose(betas, res.betas, rtol=1e-4)
    assert res.labels.shape == (len(x),) and res.resp.shape == (len(x), 3)


def test_fit_with_given_init_and_restarts(data):
    x = data[0][:500]
    init = {"theta": [1 / 3] * 3, "betas": [2.0, 0.5, 0.1]}
    res = gm.fit_gamma_mixture(x, 3, alpha=5.0, init=init)
    best = gm.fit_gamma_mixture(x, 3, alpha=5.0, n_init=3, seed=1)
    assert best.log_likelihood[-1] >= res.log_likelihood[-1] - 1e-6 * abs(res.log_likelihood[-1])


# ------------------------------------------------------------------------------ shape estimate


def test_single_component_shape_matches_scipy_fit(rng):
    y = rng.gamma(3.3, 1 / 2.0, 400)
    res = gm.fit_gamma_mixture(y, 1, estimate_alpha=True, tol=1e-13, max_iter=200)
    a, _, scale = st.gamma.fit(y, floc=0)
    assert res.alpha == pytest.approx(a, rel=1e-6)
    assert res.betas[0] == pytest.approx(1 / scale, rel=1e-6)


def test_shape_estimate_recovers_alpha(data):
    x, _ = data
    res = gm.fit_gamma_mixture(x, 3, estimate_alpha=True, n_init=3, seed=0)
    assert res.alpha_estimated
    assert res.alpha == pytest.approx(gm.GENERATING_ALPHA, rel=0.1)
    np.testing.assert_allclose(res.theta, gm.GENERATING_THETA, atol=0.03)


def test_shape_estimate_is_a_likelihood_maximum(data):
    """At convergence no direction of (theta, betas, alpha) raises the log-likelihood."""
    x = data[0][:800]
    res = gm.fit_gamma_mixture(x, 3, estimate_alpha=True, seed=2, tol=1e-13, max_iter=5000,
                               newton_steps=3)

    def nll(v):
        t = np.exp(np.append(v[:2], 0.0))
        return -gm.gamma_mixture_log_likelihood(x, t / t.sum(), np.exp(v[2:5]), np.exp(v[5]))

    v0 = np.concatenate([np.log(res.theta[:2] / res.theta[2]), np.log(res.betas),
                         [np.log(res.alpha)]])
    best = opt.minimize(nll, v0, method="BFGS")
    assert -best.fun <= res.log_likelihood[-1] + 1e-4


@pytest.mark.parametrize("alpha0", [1e-3, 0.3, 50.0, 1e5])
def test_shape_estimate_from_extreme_starts_is_monotone(data, alpha0):
    x = data[0][:400]
    res = gm.fit_gamma_mixture(x, 2, alpha=alpha0, estimate_alpha=True, seed=0, max_iter=400)
    ll = res.log_likelihood
    assert np.all(np.diff(ll) >= -1e-9 * abs(ll[-1]))
    assert 0.5 < res.alpha < 50


def test_shape_objective_is_the_profiled_q(rng):
    x = rng.gamma(2.0, 1.0, 30)
    q = rng.dirichlet(np.ones(2), size=30)
    for a in (0.4, 2.0, 9.0):
        theta, betas = gm.m_step(x, q, a)
        assert gm.shape_objective(x, q, a) == pytest.approx(
            gm.expected_complete_log_likelihood(x, q, theta, betas, a), rel=1e-12)
    grid = np.linspace(0.2, 10, 50)
    vals = gm.shape_objective(x, q, grid)
    assert vals.shape == grid.shape and np.all(np.diff(vals, 2) < 0)  # concave


@settings(max_examples=40, deadline=None)
@given(n=hst.floats(1.0, 1e4), s=hst.floats(1e-6, 5.0), alpha=hst.floats(1e-3, 1e4),
       steps=hst.integers(1, 3))
def test_guarded_newton_never_decreases_the_profile(n, s, alpha, steps):
    c = -s * n  # c / N = mean log x - log mean x (< 0 by Jensen)
    new = gm._newton_alpha(alpha, n, c, steps)
    assert new > 0
    assert gm._profile_q(new, n, c) >= gm._profile_q(alpha, n, c) - 1e-12 * abs(
        gm._profile_q(alpha, n, c))


# ------------------------------------------------------------------------------------- data


def test_data_is_seeded_and_follows_the_stated_mixture():
    x1, z1 = gm.gamma_mixture_data(4000, seed=3)
    x2, z2 = gm.gamma_mixture_data(4000, seed=3)
    x3, _ = gm.gamma_mixture_data(4000, seed=4)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(z1, z2)
    assert not np.array_equal(x1, x3)
    assert np.all(x1 > 0)
    np.testing.assert_allclose(np.bincount(z1) / 4000, gm.GENERATING_THETA, atol=0.03)
    for k in range(3):
        assert x1[z1 == k].mean() == pytest.approx(gm.GENERATING_ALPHA / gm.GENERATING_BETAS[k],
                                                   rel=0.05)


# ---------------------------------------------------------------------------------- bad input


GOOD = dict(x=[1.0, 2.0, 3.0], theta=[0.5, 0.5], betas=[1.0, 0.5], alpha=2.0)
