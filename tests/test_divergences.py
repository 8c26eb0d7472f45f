"""Tests of mlhw.divergences: closed forms against Monte Carlo, each other and SciPy."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import integrate, stats

from mlhw.divergences import MonteCarloKL, kl_diag_gaussians, kl_gaussians, kl_monte_carlo


def _published(mu1, var1, mu2, var2):
    """The worksheet's published closed form, written independently."""
    s1, s2 = np.sqrt(var1), np.sqrt(var2)
    n = np.shape(mu1)[-1]
    return -n / 2 + np.sum(np.log(s2 / s1) + (var1 + (mu1 - mu2) ** 2) / (2 * var2), axis=-1)


def _random_spd(rng, d):
    a = rng.standard_normal((d, d))
    return a @ a.T + d * np.eye(d)


# ---------------------------------------------------------------- closed forms


def test_one_dimensional_value_by_quadrature():
    mu1, s1, mu2, s2 = 0.3, 0.7, -1.1, 1.9
    p, q = stats.norm(mu1, s1), stats.norm(mu2, s2)
    val, _ = integrate.quad(lambda x: p.pdf(x) * (p.logpdf(x) - q.logpdf(x)), -30, 30)
    assert kl_diag_gaussians(mu1, s1**2, mu2, s2**2) == pytest.approx(val, rel=1e-9)


def test_matches_published_formula(rng):
    mu1, mu2 = rng.normal(size=(2, 5, 4))
    var1, var2 = rng.uniform(0.1, 3.0, size=(2, 5, 4))
    np.testing.assert_allclose(kl_diag_gaussians(mu1, var1, mu2, var2),
                               _published(mu1, var1, mu2, var2), rtol=1e-12)


def test_diag_equals_full_covariance_formula(rng):
    d = 6
    mu1, mu2 = rng.normal(size=(2, d))
    var1, var2 = rng.uniform(0.05, 4.0, size=(2, d))
    full = kl_gaussians(mu1, np.diag(var1), mu2, np.diag(var2))
    assert kl_diag_gaussians(mu1, var1, mu2, var2) == pytest.approx(full, rel=1e-12)


def test_diag_is_sum_of_one_dimensional(rng):
    mu1, mu2 = rng.normal(size=(2, 3))
    var1, var2 = rng.uniform(0.2, 2.0, size=(2, 3))
    parts = [kl_diag_gaussians(mu1[j], var1[j], mu2[j], var2[j]) for j in range(3)]
    assert kl_diag_gaussians(mu1, var1, mu2, var2) == pytest.approx(sum(parts), rel=1e-12)


def test_full_covariance_by_2d_quadrature():
    # the defining integral on a fine grid, with SciPy's densities
    mu1, mu2 = np.array([0.2, -0.1]), np.array([0.5, 0.4])
    c1 = np.array([[1.0, 0.3], [0.3, 0.5]])
    c2 = np.array([[0.8, -0.2], [-0.2, 1.2]])
    p, q = stats.multivariate_normal(mu1, c1), stats.multivariate_normal(mu2, c2)
    g = np.linspace(-7, 7, 601)
    xx, yy = np.meshgrid(g, g)
    pts = np.stack([xx, yy], axis=-1)
    integrand = p.pdf(pts) * (p.logpdf(pts) - q.logpdf(pts))
    val = integrate.trapezoid(integrate.trapezoid(integrand, g, axis=1), g)
    assert kl_gaussians(mu1, c1, mu2, c2) == pytest.approx(val, rel=1e-6)


def test_batched_and_broadcast_shapes(rng):
    mu1 = rng.normal(size=(4, 1, 3))
    var2 = rng.uniform(0.5, 2, size=(5, 3))
    out = kl_diag_gaussians(mu1, 1.0, 0.0, var2)
    assert out.shape == (4, 5)
    assert out[2, 3] == pytest.approx(kl_diag_gaussians(mu1[2, 0], np.ones(3), np.zeros(3),
                                                        var2[3]))
    c = np.stack([_random_spd(rng, 3) for _ in range(5)])
    full = kl_gaussians(np.zeros(3), np.eye(3), rng.normal(size=(5, 3)), c)
    assert full.shape == (5,)
    assert isinstance(kl_diag_gaussians([0.0, 1.0], [1.0, 1.0], 0.0, 1.0), float)
    assert isinstance(kl_gaussians([0.0], [[1.0]], [0.0], [[2.0]]), float)


def test_zero_iff_equal_and_accurate_near_equal():
    mu, var = np.array([0.3, -2.0]), np.array([0.5, 7.0])
    assert kl_diag_gaussians(mu, var, mu, var) == 0.0
    assert kl_gaussians(mu, np.diag(var), mu, np.diag(var)) == pytest.approx(0.0, abs=1e-15)
    # var1 = var2 (1 + eps): KL ~ eps^2 / 4 per dimension, no cancellation to zero
    eps = 1e-6
    val = kl_diag_gaussians(0.0, 1.0, 0.0, 1.0 + eps)
    assert val == pytest.approx(eps**2 / 4, rel=1e-4)


@pytest.mark.parametrize("eps", [0.5, 0.02, 0.0099, 1e-4, 1e-8, 1e-12, 1e-15, -1e-10, -0.3])
@pytest.mark.parametrize("scale", [1e-3, 3.0, 1e5])
def test_full_relative_accuracy_against_50_digit_reference(eps, scale):
    mpmath = pytest.importorskip("mpmath")
    var1, var2 = scale, scale * (1 + eps)
    if var1 == var2:
        pytest.skip("eps below the resolution of float64 at this scale")
    with mpmath.workdps(50):
        r = mpmath.mpf(var1) / mpmath.mpf(var2)
        exact = float((r - 1 - mpmath.log(r)) / 2)
    assert kl_diag_gaussians(0.0, var1, 0.0, var2) == pytest.approx(exact, rel=1e-13)


def test_asymmetry():
    a = kl_diag_gaussians(0.0, 1.0, 0.0, 4.0)
    b = kl_diag_gaussians(0.0, 4.0, 0.0, 1.0)
    assert a != pytest.approx(b)


# ---------------------------------------------------------------- Monte Carlo oracle


@pytest.mark.parametrize("d", [1, 3, 8])
def test_closed_form_within_monte_carlo_error(rng, d):
    mu1, mu2 = rng.normal(size=(2, d))
    var1, var2 = rng.uniform(0.3, 2.0, size=(2, d))
    mc = kl_monte_carlo(mu1, var1, mu2, var2, n_samples=100_000, seed=7)
    assert isinstance(mc, MonteCarloKL) and mc.n_samples == 100_000
    assert abs(mc.estimate - kl_diag_gaussians(mu1, var1, mu2, var2)) < 4 * mc.std_error


def test_full_closed_form_within_monte_carlo_error(rng):
    c1, c2 = _random_spd(rng, 4), _random_spd(rng, 4)
    mu1, mu2 = rng.normal(size=(2, 4))
    mc = kl_monte_carlo(mu1, c1, mu2, c2, n_samples=100_000, seed=3)
    assert abs(mc.estimate - kl_gaussians(mu1, c1, mu2, c2)) < 4 * mc.std_error


def test_monte_carlo_is_seeded_and_log_density_matches_scipy(rng):
    args = ([0.0, 1.0], [1.0, 2.0], [0.5, 0.5], [1.5, 0.7])
    a = kl_monte_carlo(*args, n_samples=1000, seed=11)
    b = kl_monte_carlo(*args, n_samples=1000, seed=np.random.default_rng(11))
    assert a == b
    from mlhw._gaussian import mvn_logpdf
    c = _random_spd(rng, 3)
    x = rng.normal(size=(10, 3))
    mu = rng.normal(size=3)
    np.testing.assert_allclose(mvn_logpdf(x, mu, np.linalg.cholesky(c)),
                               stats.multivariate_normal(mu, c).logpdf(x), rtol=1e-12)


# ---------------------------------------------------------------- properties

finite = st.floats(-50, 50, allow_nan=False)
variances = st.floats(1e-3, 1e3, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(d=st.integers(1, 5), data=st.data())
def test_property_nonnegative_zero_iff_equal_and_matches_full(d, data):
    mu1 = data.draw(arrays(float, d, elements=finite))
    mu2 = data.draw(arrays(float, d, elements=finite))
    var1 = data.draw(arrays(float, d, elements=variances))
    var2 = data.draw(arrays(float, d, elements=variances))
    kl = kl_diag_gaussians(mu1, var1, mu2, var2)
    assert kl >= 0.0
    assert kl_diag_gaussians(mu1, var1, mu1, var1) == 0.0
    if not (np.array_equal(mu1, mu2) and np.array_equal(var1, var2)):
        # strictly positive unless equal (up to rounding for nearly equal inputs)
        dm = np.max(np.abs(mu1 - mu2) / np.sqrt(var2))
        dv = np.max(np.abs(np.log(var1 / var2)))
        if max(dm, dv) > 1e-6:
            assert kl > 0.0
    full = kl_gaussians(mu1, np.diag(var1), mu2, np.diag(var2))
    assert kl == pytest.approx(full, rel=1e-9, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(shift=st.floats(-5, 5), scale=st.floats(0.1, 10))
def test_property_invariant_under_affine_change_of_variables(shift, scale):
    # KL is invariant under the same invertible affine map applied to both distributions
    mu1, var1, mu2, var2 = np.array([0.1, 2.0]), np.array([0.5, 1.5]), np.array([1.0, -1]), \
        np.array([2.0, 0.3])
    a = kl_diag_gaussians(mu1, var1, mu2, var2)
    b = kl_diag_gaussians(scale * mu1 + shift, scale**2 * var1, scale * mu2 + shift,
                          scale**2 * var2)
    assert b == pytest.approx(a, rel=1e-9)


# ---------------------------------------------------------------- bad input


def test_non_broadcastable_and_empty_and_type():
    with pytest.raises(ValueError, match="broadcast"):
        kl_diag_gaussians(np.zeros(3), np.ones(2), 0.0, 1.0)
    with pytest.raises(ValueError, match="mu2"):
        kl_diag_gaussians(0.0, 1.0, [], 1.0)
    with pytest.raises(TypeError, match="mu1"):
        kl_diag_gaussians("abc", 1.0, 0.0, 1.0)


def test_overflow_is_an_error_not_inf():
    with pytest.raises(FloatingPointError):
        kl_diag_gaussians(0.0, 1.0, 1e200, 1e-200)
