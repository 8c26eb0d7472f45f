"""Tests of mlhw.estimators (NTU ML 2024 HW3, problem 2)."""

import numpy as np
import pytest
import scipy.integrate
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from mlhw.estimators import (
    ELBODecomposition,
    GradientEstimate,
    LinearGaussianModel,
    elbo_decomposition,
    gaussian_expectation,
    gaussian_gradient_quadrature,
    reparameterization_gradient,
    score_function_gradient,
    single_sample_variances,
)


def f(z):
    return 0.5 * z**4 - z**2 + z


def df(z):
    return 2 * z**3 - 2 * z + 1


mus = st.floats(-2, 2)
sigmas = st.floats(0.1, 2)


# ---------------------------------------------------------------------------------- exact values


@settings(max_examples=40, deadline=None)
@given(mus, sigmas)
def test_quadrature_gradient_matches_closed_form(mu, sigma):
    # E[z^3] = mu^3 + 3 mu sigma^2
    np.testing.assert_allclose(gaussian_gradient_quadrature(lambda z: z**3, mu, sigma),
                               [3 * mu**2 + 3 * sigma**2, 6 * mu * sigma], atol=1e-9)
    np.testing.assert_allclose(gaussian_gradient_quadrature(lambda z: z**2, mu, sigma),
                               [2 * mu, 2 * sigma], atol=1e-10)


def test_gaussian_expectation_matches_scipy_quad():
    mu, sigma = 0.3, 0.8
    ref = scipy.integrate.quad(lambda z: np.sin(z) * scipy.stats.norm.pdf(z, mu, sigma),
                               -np.inf, np.inf)[0]
    assert gaussian_expectation(lambda z, e: np.sin(z), mu, sigma) == pytest.approx(ref,
                                                                                   abs=1e-12)
    # closed form E sin(z) = sin(mu) exp(-sigma^2 / 2)
    assert ref == pytest.approx(np.sin(mu) * np.exp(-sigma**2 / 2), abs=1e-10)


def test_quadrature_gradient_matches_finite_difference():
    mu, sigma, h = 0.4, 0.7, 1e-5

    def expect(m, s):
        return gaussian_expectation(lambda z, e: np.cos(2 * z), m, s)

    fd = [(expect(mu + h, sigma) - expect(mu - h, sigma)) / (2 * h),
          (expect(mu, sigma + h) - expect(mu, sigma - h)) / (2 * h)]
    np.testing.assert_allclose(gaussian_gradient_quadrature(lambda z: np.cos(2 * z), mu, sigma),
                               fd, atol=1e-8)


def test_single_sample_variances_closed_form():
    v = single_sample_variances(lambda z: z**2, lambda z: 2 * z, 0.0, 1.0)
    np.testing.assert_allclose(v.score, [15, 74], atol=1e-9)       # E eps^6, E eps^4(eps^2-1)^2-4
    np.testing.assert_allclose(v.reparameterization, [4, 8], atol=1e-9)
    vb = single_sample_variances(lambda z: z**2, lambda z: 2 * z, 0.0, 1.0, baseline=1.0)
    assert vb.score[0] < v.score[0]


# ---------------------------------------------------------------------------------- Monte Carlo


@pytest.mark.parametrize("mu, sigma", [(0.5, 1.0), (-1.0, 0.3), (2.0, 1.5)])
def test_both_estimators_unbiased(mu, sigma):
    exact = gaussian_gradient_quadrature(f, mu, sigma)
    for est in (score_function_gradient(f, mu, sigma, 50, n_repeats=4000, seed=1),
                reparameterization_gradient(df, mu, sigma, 50, n_repeats=4000, seed=2)):
        assert isinstance(est, GradientEstimate) and est.d_mu.shape == (4000,)
        z = np.abs(est.mean - exact) / est.stderr
        assert np.all(z < 4.5), (est.method, est.mean, exact, z)


def test_empirical_variance_matches_exact():
    mu, sigma, n = 0.5, 1.0, 20
    v = single_sample_variances(f, df, mu, sigma)
    sf = score_function_gradient(f, mu, sigma, n, n_repeats=20000, seed=3)
    rp = reparameterization_gradient(df, mu, sigma, n, n_repeats=20000, seed=3)
    np.testing.assert_allclose(rp.var, v.reparameterization / n, rtol=0.1)
    np.testing.assert_allclose(sf.var, v.score / n, rtol=0.2)
    assert np.all(rp.var < sf.var)


def test_baseline_keeps_mean_and_seeds_are_reproducible():
    a = score_function_gradient(f, 0.5, 1.0, 10, n_repeats=5, seed=7)
    b = score_function_gradient(f, 0.5, 1.0, 10, n_repeats=5, seed=7)
    np.testing.assert_array_equal(a.d_mu, b.d_mu)
    c = score_function_gradient(f, 0.5, 1.0, 10, n_repeats=5, seed=8)
    assert not np.array_equal(a.d_mu, c.d_mu)
    rng = np.random.default_rng(0)
    reparameterization_gradient(df, 0.5, 1.0, 3, seed=rng)       # a Generator is accepted
    # a constant baseline only adds b * mean(score) to the estimate: zero on average
    base = score_function_gradient(f, 0.5, 1.0, 1000, n_repeats=200, baseline=3.0, seed=9)
    exact = gaussian_gradient_quadrature(f, 0.5, 1.0)
    assert np.all(np.abs(base.mean - exact) < 4.5 * base.stderr)


def test_common_random_numbers():
    # identity f: the score estimate of d/dmu is mean((mu + s e) e) / s, the pathwise one is 1
    mu, sigma = 1.0, 2.0
    sf = score_function_gradient(lambda z: z, mu, sigma, 5, seed=11)
    rng = np.random.default_rng(11)
    eps = rng.standard_normal((1, 5))
    np.testing.assert_allclose(sf.d_mu, np.mean((mu + sigma * eps) * eps, axis=1) / sigma)
    rp = reparameterization_gradient(lambda z: np.ones_like(z), mu, sigma, 5, seed=11)
    np.testing.assert_allclose(rp.d_sigma, eps.mean(axis=1))


def test_one_repeat_variance_is_zero_not_nan():
    est = reparameterization_gradient(df, 0.0, 1.0, 4, seed=0)
    np.testing.assert_array_equal(est.var, [0.0, 0.0])


# ---------------------------------------------------------------------------------- bad input


# ---------------------------------------------------------------------------------- linear Gaussian


def random_model(rng, d, k):
    B = rng.normal(size=(d, d))
    return LinearGaussianModel(A=rng.normal(size=(d, k)), b=rng.normal(size=d),
                               noise_cov=B @ B.T + 0.5 * np.eye(d))


def random_q(rng, k):
    C = rng.normal(size=(k, k))
    return rng.normal(size=k), C @ C.T + 0.2 * np.eye(k)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(1, 3), st.integers(0, 2**32 - 1))
def test_log_evidence_equals_elbo_plus_kl(d, k, seed):
    rng = np.random.default_rng(seed)
    model = random_model(rng, d, k)
    x = rng.normal(size=d)
    m, S = random_q(rng, k)
    dec = elbo_decomposition(model, x, m, S)
    assert isinstance(dec, ELBODecomposition)
    assert abs(dec.gap) < 1e-10 * max(1.0, abs(dec.log_evidence))
    assert dec.kl >= 0 and dec.elbo <= dec.log_evidence + 1e-12
    # q = exact posterior: KL = 0 and the ELBO is tight
    pm, pc = model.posterior(x)
    tight = elbo_decomposition(model, x, pm, pc)
    assert abs(tight.kl) < 1e-10
    assert tight.elbo == pytest.approx(tight.log_evidence, abs=1e-10)


def test_log_evidence_and_joint_match_scipy(rng):
    model = random_model(rng, 3, 2)
    x = rng.normal(size=3)
    ref = scipy.stats.multivariate_normal(model.b, model.A @ model.A.T + model.noise_cov)
    assert model.log_evidence(x) == pytest.approx(ref.logpdf(x), abs=1e-12)
    z = rng.normal(size=(5, 2))
    ref_joint = (scipy.stats.multivariate_normal(np.zeros(2), np.eye(2)).logpdf(z)
                 + np.array([scipy.stats.multivariate_normal(model.A @ zi + model.b,
                                                             model.noise_cov).logpdf(x)
                             for zi in z]))
    np.testing.assert_allclose(model.log_joint(x, z), ref_joint, atol=1e-12)
    assert model.log_joint(x, z[0]) == pytest.approx(ref_joint[0], abs=1e-12)


def test_posterior_matches_gaussian_conditioning(rng):
    model = random_model(rng, 3, 2)
    x = rng.normal(size=3)
    # joint of (z, x): cov [[I, A^T], [A, A A^T + Sigma]]; condition z on x
    Sxx = model.A @ model.A.T + model.noise_cov
    gain = model.A.T @ np.linalg.inv(Sxx)
    mean, cov = model.posterior(x)
    np.testing.assert_allclose(mean, gain @ (x - model.b), atol=1e-12)
    np.testing.assert_allclose(cov, np.eye(2) - gain @ model.A, atol=1e-12)
    # Bayes' rule pointwise: log p(z | x) = log p(x, z) - log p(x)
    z = rng.normal(size=(4, 2))
    post = scipy.stats.multivariate_normal(mean, cov).logpdf(z)
    np.testing.assert_allclose(model.log_joint(x, z) - model.log_evidence(x), post, atol=1e-10)


def test_elbo_closed_form_matches_monte_carlo(rng):
    model = random_model(rng, 2, 2)
    x = rng.normal(size=2)
    m, S = random_q(rng, 2)
    est, se = model.elbo_monte_carlo(x, m, S, 200_000, seed=5)
    assert abs(est - model.elbo(x, m, S)) < 4.5 * se


def test_decomposition_one_dimensional_closed_form():
    # z ~ N(0, 1), x | z ~ N(a z, s2): posterior N(a x / (a^2 + s2), s2 / (a^2 + s2))
    a, s2, x, m, v = 2.0, 0.5, 1.3, 0.1, 0.4
    pm, pv = a * x / (a**2 + s2), s2 / (a**2 + s2)
    kl = np.log(np.sqrt(pv / v)) + (v + (m - pm) ** 2) / (2 * pv) - 0.5
    model = LinearGaussianModel(A=[[a]], b=[0.0], noise_cov=[[s2]])
    dec = elbo_decomposition(model, [x], [m], [[v]])
    assert dec.kl == pytest.approx(kl, abs=1e-14)
    assert dec.log_evidence == pytest.approx(scipy.stats.norm(0, np.sqrt(a**2 + s2)).logpdf(x),
                                             abs=1e-14)


def test_grad_log_joint_matches_finite_differences(rng):
    model = random_model(rng, 3, 2)
    x = rng.normal(size=3)
    z = rng.normal(size=(4, 2))
    h = 1e-6
    fd = np.stack([(model.log_joint(x, z + h * e) - model.log_joint(x, z - h * e)) / (2 * h)
                   for e in np.eye(2)], axis=1)
    np.testing.assert_allclose(model.grad_log_joint(x, z), fd, atol=1e-6)
    np.testing.assert_allclose(model.grad_log_joint(x, z[0]), fd[0], atol=1e-6)


def test_reparameterized_elbo_gradient_is_unbiased(rng):
    # d/dm ELBO(N(m, C C^T)) = E_eps[grad_z log p(x, m + C eps)]: the entropy does not involve m
    model = random_model(rng, 2, 2)
    x = rng.normal(size=2)
    m, S = random_q(rng, 2)
    C = np.linalg.cholesky(S)
    z = m + rng.standard_normal((100_000, 2)) @ C.T
    g = model.grad_log_joint(x, z)
    h = 1e-6
    exact = np.array([(model.elbo(x, m + h * e, S) - model.elbo(x, m - h * e, S)) / (2 * h)
                      for e in np.eye(2)])
    assert np.all(np.abs(g.mean(0) - exact) < 4.5 * g.std(0) / np.sqrt(len(g)) + 1e-6)
