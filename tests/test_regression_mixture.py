"""Tests of the mixture of linear regressions (NTU HW3, problem 5)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from mlhw import em
from mlhw.regression_mixture import (RegressionMixtureParams, _regmix_log_joint, _regmix_m_step,
                                     fit_regression_mixture, regression_mixture_log_likelihood,
                                     sample_regression_mixture)

TRUE_COEFS = np.array([[1.0, 2.0], [0.0, -1.0], [-2.0, 0.5]])
TRUE_VARS = np.array([0.1, 0.2, 0.05])
TRUE_WEIGHTS = np.array([0.5, 0.3, 0.2])


@pytest.fixture
def data():
    X, y, z = sample_regression_mixture(300, TRUE_COEFS, TRUE_VARS, TRUE_WEIGHTS, seed=1)
    return X, y, z


def _params(rng, k, m):
    return RegressionMixtureParams(rng.dirichlet(np.ones(k)), rng.normal(size=(k, m)),
                                   rng.uniform(0.2, 2.0, size=k))


def _q(X, y, resp, p):
    return float(np.sum(resp * _regmix_log_joint((X, y), p)))


def test_log_joint_matches_scipy(data, rng):
    X, y, _ = data
    p = _params(rng, 3, 2)
    lj = _regmix_log_joint((X, y), p)
    expected = np.log(p.weights) + norm.logpdf(y[:, None], loc=X @ p.coefs.T,
                                               scale=np.sqrt(p.variances))
    np.testing.assert_allclose(lj, expected, rtol=1e-12)


def test_m_step_is_the_published_closed_form(data, rng):
    """w_k by the normal equations, rho_k the weighted mean squared residual, pi_k = N_k / N."""
    X, y, _ = data
    resp = rng.dirichlet(np.ones(3), size=len(y))
    p = _regmix_m_step((X, y), resp, _params(rng, 3, 2), reg=1e-12)
    for k in range(3):
        r = resp[:, k]
        w = np.linalg.solve(X.T @ (r[:, None] * X), X.T @ (r * y))
        np.testing.assert_allclose(p.coefs[k], w, rtol=1e-10)
        rho = np.sum(r * (y - X @ w) ** 2) / r.sum()
        np.testing.assert_allclose(p.variances[k], rho, rtol=1e-10)
    np.testing.assert_allclose(p.weights, resp.mean(axis=0), rtol=1e-12)


def test_weighted_lstsq_matches_sklearn(data, rng):
    LinearRegression = pytest.importorskip("sklearn.linear_model").LinearRegression
    X, y, _ = data
    resp = rng.dirichlet(np.ones(2), size=len(y))
    p = _regmix_m_step((X, y), resp, _params(rng, 2, 2))
    for k in range(2):
        lr = LinearRegression(fit_intercept=False).fit(X, y, sample_weight=resp[:, k])
        np.testing.assert_allclose(p.coefs[k], lr.coef_, rtol=1e-8, atol=1e-10)


def test_m_step_is_a_stationary_point_and_maximum_of_q(data, rng):
    """Finite-difference gradient of Q(theta | theta_t) vanishes at the M-step solution."""
    X, y, _ = data
    _, resp = em.e_step((X, y), _params(rng, 3, 2), _regmix_log_joint)
    p = _regmix_m_step((X, y), resp, _params(rng, 3, 2), reg=1e-12)
    h = 1e-5
    q0 = _q(X, y, resp, p)
    for k in range(3):
        for j in range(2):
            c_plus, c_minus = p.coefs.copy(), p.coefs.copy()
            c_plus[k, j] += h
            c_minus[k, j] -= h
            g = (_q(X, y, resp, RegressionMixtureParams(p.weights, c_plus, p.variances))
                 - _q(X, y, resp, RegressionMixtureParams(p.weights, c_minus, p.variances))) / (2 * h)
            assert abs(g) < 1e-4
        v_plus, v_minus = p.variances.copy(), p.variances.copy()
        v_plus[k] += h
        v_minus[k] -= h
        g = (_q(X, y, resp, RegressionMixtureParams(p.weights, p.coefs, v_plus))
             - _q(X, y, resp, RegressionMixtureParams(p.weights, p.coefs, v_minus))) / (2 * h)
        assert abs(g) < 1e-3
    # directional derivative along the simplex (e_0 - e_k) is zero (the Lagrange condition)
    for k in (1, 2):
        d = np.zeros(3)
        d[0], d[k] = 1.0, -1.0
        g = (_q(X, y, resp, RegressionMixtureParams(p.weights + h * d, p.coefs, p.variances))
             - _q(X, y, resp, RegressionMixtureParams(p.weights - h * d, p.coefs, p.variances))
             ) / (2 * h)
        assert abs(g) < 1e-3
    # and it is a maximum: random feasible perturbations never increase Q
    for _ in range(20):
        w = p.weights + 0.01 * rng.normal(size=3) * p.weights
        q = _q(X, y, resp, RegressionMixtureParams(w / w.sum(),
                                                   p.coefs + 0.05 * rng.normal(size=(3, 2)),
                                                   p.variances * np.exp(0.1 * rng.normal(size=3))))
        assert q < q0


def test_recovers_three_lines(data):
    X, y, z = data
    res = fit_regression_mixture(X, y, 3, n_init=5, seed=0)
    order = np.argsort(res.coefs[:, 0])[::-1]  # intercepts 1 > 0 > -2
    np.testing.assert_allclose(res.coefs[order], TRUE_COEFS, atol=0.15)
    np.testing.assert_allclose(res.weights[order], TRUE_WEIGHTS, atol=0.08)
    np.testing.assert_allclose(res.variances[order], TRUE_VARS, atol=0.15)
    assert res.converged
    ll_true = regression_mixture_log_likelihood(X, y, TRUE_WEIGHTS, TRUE_COEFS, TRUE_VARS)
    assert res.log_likelihood[-1] >= ll_true
    true_of_component = np.argsort(order)
    assert np.mean(true_of_component[res.labels] == z) > 0.8
    np.testing.assert_allclose(res.resp.sum(axis=1), 1.0)


def test_log_likelihood_history_is_the_observed_likelihood(data):
    X, y, _ = data
    res = fit_regression_mixture(X, y, 2, seed=3, max_iter=5, tol=0)
    assert len(res.log_likelihood) == 6 and res.n_iter == 5
    ll = regression_mixture_log_likelihood(X, y, res.weights, res.coefs, res.variances)
    assert ll == pytest.approx(res.log_likelihood[-1], rel=1e-12)
    assert res.params.coefs is res.coefs


def test_k1_is_ordinary_least_squares(data):
    X, y, _ = data
    res = fit_regression_mixture(X, y, 1, seed=0)
    w = np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose(res.coefs[0], w, rtol=1e-10)
    assert res.variances[0] == pytest.approx(np.mean((y - X @ w) ** 2), rel=1e-10)
    assert res.weights[0] == 1.0


def test_same_seed_same_fit(data):
    X, y, _ = data
    a = fit_regression_mixture(X, y, 3, seed=7, init="random")
    b = fit_regression_mixture(X, y, 3, seed=7, init="random")
    np.testing.assert_array_equal(a.coefs, b.coefs)


def test_fixed_init_dict_and_params(data):
    X, y, _ = data
    init = {"weights": TRUE_WEIGHTS, "coefs": TRUE_COEFS, "variances": TRUE_VARS}
    a = fit_regression_mixture(X, y, 3, init=init)
    b = fit_regression_mixture(X, y, 3, init=RegressionMixtureParams(**init))
    np.testing.assert_allclose(a.coefs, TRUE_COEFS, atol=0.15)
    np.testing.assert_array_equal(a.coefs, b.coefs)


def test_variance_floor_keeps_likelihood_finite():
    # three points, three components: each line can pass through one point exactly
    X = np.column_stack([np.ones(3), [0.0, 1.0, 2.0]])
    y = np.array([0.0, 5.0, -1.0])
    res = fit_regression_mixture(X, y, 3, seed=0, reg=1e-3, max_iter=50, tol=0)
    assert np.all(res.variances >= 1e-3)
    assert np.all(np.isfinite(res.log_likelihood))


def test_empty_component_keeps_its_line():
    X = np.column_stack([np.ones(5), np.arange(5.0)])
    y = np.arange(5.0)
    resp = np.column_stack([np.ones(5), np.zeros(5)])
    prev = RegressionMixtureParams(np.array([0.5, 0.5]), np.array([[0.0, 0.0], [3.0, 4.0]]),
                                   np.array([1.0, 2.0]))
    with pytest.warns(UserWarning, match="empty component"):
        p = _regmix_m_step((X, y), resp, prev)
    np.testing.assert_array_equal(p.coefs[1], [3.0, 4.0])
    assert p.variances[1] == 2.0 and p.weights[1] == 0.0
    assert np.isneginf(_regmix_log_joint((X, y), p)[:, 1]).all()


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 4), n=st.integers(8, 60),
       init=st.sampled_from(["points", "random"]))
def test_responsibilities_are_distributions_and_variances_floored(seed, k, n, init):
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), rng.normal(size=(n, 2))])
    y = rng.standard_t(3, size=n)
    res = fit_regression_mixture(X, y, k, init=init, seed=seed, max_iter=25, tol=0)
    np.testing.assert_allclose(res.resp.sum(axis=1), 1.0)
    assert np.all(res.variances >= 1e-6)


def test_sampler_shapes_and_statistics():
    X, y, z = sample_regression_mixture(20_000, [[1.0, 2.0]], [0.25], seed=0,
                                        x_range=(0.0, 1.0))
    assert X.shape == (20_000, 2) and np.all((X[:, 1] >= 0) & (X[:, 1] < 1))
    resid = y - X @ np.array([1.0, 2.0])
    assert np.var(resid) == pytest.approx(0.25, rel=0.05)
    assert set(np.unique(z)) == {0}
    X2, _, _ = sample_regression_mixture(5, [[1.0, 2.0]], [0.25], intercept=False, seed=0)
    assert not np.all(X2[:, 0] == 1)
