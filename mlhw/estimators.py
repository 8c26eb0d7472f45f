"""Monte Carlo gradients of Gaussian expectations and an exactly solvable latent-variable model.

NTU ML 2024 HW3, problem 2 (the reparameterization trick): the score-function and reparameterized
estimators of ``(d/dmu, d/dsigma) E_{N(mu, sigma^2)}[f(z)]`` with exact Gauss-Hermite references,
and a linear-Gaussian model in which ``log p(x) = ELBO + KL`` holds to machine precision.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
from numpy.polynomial.hermite_e import hermegauss

from ._gaussian import check_cov, mvn_logpdf
from ._validation import as_array, check_int, check_rng
from .divergences import kl_gaussians

__all__ = ["ELBODecomposition", "EstimatorVariances", "GradientEstimate", "LinearGaussianModel",
           "elbo_decomposition", "gaussian_expectation", "gaussian_gradient_quadrature",
           "reparameterization_gradient", "score_function_gradient", "single_sample_variances"]


@dataclass(frozen=True)
class GradientEstimate:
    """Monte Carlo estimates of ``(d/dmu, d/dsigma) E_{N(mu, sigma^2)}[f(z)]``.

    Attributes
    ----------
    d_mu, d_sigma : ndarray, shape (n_repeats,)
        One independent estimate per repeat, each an average over ``n_samples`` draws.
    n_samples : int
    method : str
        ``"score"`` or ``"reparameterization"``.
    """

    d_mu: np.ndarray
    d_sigma: np.ndarray
    n_samples: int
    method: str

    @property
    def mean(self) -> np.ndarray:
        """Average over the repeats, shape (2,): ``(d_mu, d_sigma)``."""
        return np.array([self.d_mu.mean(), self.d_sigma.mean()])

    @property
    def var(self) -> np.ndarray:
        """Variance over the repeats (``ddof=1``), shape (2,); NaN-free, 0 for one repeat."""
        if self.d_mu.size < 2:
            return np.zeros(2)
        return np.array([self.d_mu.var(ddof=1), self.d_sigma.var(ddof=1)])

    @property
    def stderr(self) -> np.ndarray:
        """Standard error of :attr:`mean`, shape (2,)."""
        return np.sqrt(self.var / self.d_mu.size)


def _check_gaussian(mu, sigma):
    mu = float(as_array(mu, "mu", ndim=0))
    sigma = float(as_array(sigma, "sigma", ndim=0))
    if sigma <= 0:
        raise ValueError(f"sigma: expected a positive standard deviation, got {sigma!r}")
    return mu, sigma


def _check_callable(func, name):
    if not callable(func):
        raise TypeError(f"{name}: expected a callable, got {type(func).__name__}")


def _evaluate(func, z, name):
    """Call ``func`` on the array ``z`` and insist on a finite result of the same shape."""
    _check_callable(func, name)
    out = np.asarray(func(z), dtype=float)
    try:
        out = np.broadcast_to(out, z.shape)
    except ValueError:
        raise ValueError(f"{name}: expected a vectorised function returning shape {z.shape}, "
                         f"got shape {out.shape}") from None
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{name}: returned non-finite values; expected finite values, got "
                         f"NaN or infinity at {np.count_nonzero(~np.isfinite(out))} of "
                         f"{out.size} points")
    return out


def _draw(mu, sigma, n_samples, n_repeats, seed):
    n_samples = check_int(n_samples, "n_samples", low=1)
    n_repeats = check_int(n_repeats, "n_repeats", low=1)
    eps = check_rng(seed).standard_normal((n_repeats, n_samples))
    return eps, mu + sigma * eps, n_samples


def score_function_gradient(f, mu, sigma, n_samples, *, n_repeats=1, baseline=0.0, seed=None):
    """Score-function (REINFORCE) estimate of the gradient of ``E_{N(mu, sigma^2)}[f(z)]``.

    With ``eps = (z - mu) / sigma`` and a constant baseline ``b`` (derived in the module notes)::

        d_mu    = mean_s (f(z_s) - b) eps_s / sigma
        d_sigma = mean_s (f(z_s) - b) (eps_s^2 - 1) / sigma

    Parameters
    ----------
    f : callable
        Vectorised ``f(z)``: an array of shape ``(n_repeats, n_samples)`` in, the same shape out.
    mu, sigma : float
        Mean and standard deviation (``> 0``).
    n_samples : int
        Draws averaged in one estimate.
    n_repeats : int, keyword-only
        Independent estimates (rows of draws).
    baseline : float, keyword-only
        Constant subtracted from ``f`` (control variate).
    seed : None, int or numpy.random.Generator, keyword-only
        The same seed draws the same ``eps`` in :func:`reparameterization_gradient`.

    Returns
    -------
    GradientEstimate
        With ``d_mu`` and ``d_sigma`` of shape ``(n_repeats,)``.

    Raises
    ------
    TypeError, ValueError
        For a non-callable ``f``, ``sigma <= 0``, non-positive counts, or ``f`` returning
        non-finite values or the wrong shape.

    Examples
    --------
    >>> est = score_function_gradient(lambda z: z**2, 1.0, 0.5, 100_000, seed=0)
    >>> est.mean.round(1)          # exact: (2 mu, 2 sigma) = (2, 1)
    array([2., 1.])
    """
    mu, sigma = _check_gaussian(mu, sigma)
    baseline = float(as_array(baseline, "baseline", ndim=0))
    eps, z, n_samples = _draw(mu, sigma, n_samples, n_repeats, seed)
    fz = _evaluate(f, z, "f") - baseline
    return GradientEstimate(d_mu=np.mean(fz * eps, axis=1) / sigma,
                            d_sigma=np.mean(fz * (eps**2 - 1), axis=1) / sigma,
                            n_samples=n_samples, method="score")


def reparameterization_gradient(df, mu, sigma, n_samples, *, n_repeats=1, seed=None):
    """Reparameterized (pathwise) estimate of the gradient of ``E_{N(mu, sigma^2)}[f(z)]``.

    With ``z = mu + sigma eps``, ``eps ~ N(0, 1)`` (derived in the module notes)::

        d_mu    = mean_s f'(z_s)
        d_sigma = mean_s f'(z_s) eps_s

    Parameters
    ----------
    df : callable
        Vectorised derivative ``f'(z)``.
    mu, sigma, n_samples, n_repeats, seed
        As in :func:`score_function_gradient` (the same seed draws the same ``eps``).

    Returns
    -------
    GradientEstimate

    Raises
    ------
    TypeError, ValueError
        As :func:`score_function_gradient`.

    Examples
    --------
    >>> est = reparameterization_gradient(lambda z: 2 * z, 1.0, 0.5, 100_000, seed=0)
    >>> est.mean.round(2)          # exact: (2, 1)
    array([2., 1.])
    """
    mu, sigma = _check_gaussian(mu, sigma)
    eps, z, n_samples = _draw(mu, sigma, n_samples, n_repeats, seed)
    g = _evaluate(df, z, "df")
    return GradientEstimate(d_mu=g.mean(axis=1), d_sigma=np.mean(g * eps, axis=1),
                            n_samples=n_samples, method="reparameterization")


def gaussian_expectation(h, mu, sigma, *, n_nodes=60):
    """``E_{eps ~ N(0, 1)}[h(mu + sigma eps, eps)]`` by Gauss-Hermite quadrature.

    Parameters
    ----------
    h : callable
        Vectorised ``h(z, eps)``.
    mu, sigma : float
    n_nodes : int, keyword-only
        Quadrature nodes (1 to 150): exact (up to rounding) for ``h`` polynomial in ``eps`` of
        total degree up to ``2 n_nodes - 1``.

    Returns
    -------
    float

    Examples
    --------
    >>> round(gaussian_expectation(lambda z, e: z**4, 0.0, 1.0), 12)   # E eps^4 = 3
    3.0
    """
    mu, sigma = _check_gaussian(mu, sigma)
    eps, w = hermegauss(check_int(n_nodes, "n_nodes", low=1, high=150))
    w = w / np.sqrt(2 * np.pi)
    _check_callable(h, "h")
    values = np.asarray(h(mu + sigma * eps, eps), dtype=float)
    if values.shape != eps.shape or not np.all(np.isfinite(values)):
        raise ValueError(f"h: expected finite values of shape {eps.shape}, got shape "
                         f"{values.shape}")
    return float(w @ values)


def gaussian_gradient_quadrature(f, mu, sigma, *, n_nodes=60):
    """Exact ``(d/dmu, d/dsigma) E_{N(mu, sigma^2)}[f(z)]`` for polynomial ``f``, by the score
    identities (module notes) and :func:`gaussian_expectation`.

    Parameters
    ----------
    f : callable
        Vectorised ``f(z)``.
    mu, sigma : float
    n_nodes : int, keyword-only
        Exact for ``f`` of degree up to ``2 n_nodes - 3``; close for smooth ``f`` of mild growth.

    Returns
    -------
    ndarray, shape (2,)
        ``(d_mu, d_sigma)``.

    Examples
    --------
    >>> gaussian_gradient_quadrature(lambda z: z**2, 1.0, 0.5).round(12)
    array([2., 1.])
    """
    _check_gaussian(mu, sigma)
    _check_callable(f, "f")
    d_mu = gaussian_expectation(lambda z, e: f(z) * e, mu, sigma, n_nodes=n_nodes) / sigma
    d_sigma = gaussian_expectation(lambda z, e: f(z) * (e**2 - 1), mu, sigma,
                                   n_nodes=n_nodes) / sigma
    return np.array([d_mu, d_sigma])


@dataclass(frozen=True)
class EstimatorVariances:
    """Exact variances of one-sample gradient estimates (divide by ``n`` for ``n`` samples).

    Attributes
    ----------
    score : ndarray, shape (2,)
        ``(Var[(f - b) eps / sigma], Var[(f - b) (eps^2 - 1) / sigma])``.
    reparameterization : ndarray, shape (2,)
        ``(Var[f'(z)], Var[f'(z) eps])``.
    """

    score: np.ndarray
    reparameterization: np.ndarray


def single_sample_variances(f, df, mu, sigma, *, baseline=0.0, n_nodes=60):
    """Per-sample variances of the score-function and reparameterized estimators.

    Parameters
    ----------
    f, df : callable
        Vectorised ``f`` and its derivative.
    mu, sigma : float
    baseline : float, keyword-only
        The score estimator's constant baseline.
    n_nodes : int, keyword-only
        Exact for polynomial ``f`` of degree up to ``n_nodes - 2``.

    Returns
    -------
    EstimatorVariances

    Examples
    --------
    >>> v = single_sample_variances(lambda z: z**2, lambda z: 2 * z, 0.0, 1.0)
    >>> v.score.round(12), v.reparameterization.round(12)
    (array([15., 74.]), array([4., 8.]))
    """
    mu, sigma = _check_gaussian(mu, sigma)
    _check_callable(f, "f")
    _check_callable(df, "df")
    b = float(as_array(baseline, "baseline", ndim=0))

    def var(h):
        m1 = gaussian_expectation(h, mu, sigma, n_nodes=n_nodes)
        m2 = gaussian_expectation(lambda z, e: h(z, e) ** 2, mu, sigma, n_nodes=n_nodes)
        return max(m2 - m1**2, 0.0)

    score = [var(lambda z, e: (f(z) - b) * e / sigma),
             var(lambda z, e: (f(z) - b) * (e**2 - 1) / sigma)]
    reparam = [var(lambda z, e: df(z) + 0 * e), var(lambda z, e: df(z) * e)]
    return EstimatorVariances(score=np.array(score), reparameterization=np.array(reparam))


@dataclass(frozen=True)
class LinearGaussianModel:
    """``z ~ N(0, I_k)``, ``x | z ~ N(A z + b, noise_cov)``: a latent-variable model solved exactly.

    Parameters
    ----------
    A : array_like, shape (d, k)
    b : array_like, shape (d,)
    noise_cov : array_like, shape (d, d)
        Symmetric positive definite. All three are checked on construction.

    Examples
    --------
    >>> model = LinearGaussianModel(A=[[2.0]], b=[0.0], noise_cov=[[1.0]])
    >>> round(model.log_evidence([0.0]), 6)      # log N(0; 0, 2^2 + 1)
    -1.723657
    """

    A: np.ndarray
    b: np.ndarray
    noise_cov: np.ndarray

    def __post_init__(self):
        A = as_array(self.A, "A", ndim=2)
        d, _ = A.shape
        b = as_array(self.b, "b", shape=(d,))
        cov, _ = check_cov(self.noise_cov, "noise_cov", (d, d))
        for name, value in (("A", A), ("b", b), ("noise_cov", cov)):
            value.setflags(write=False)
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_chol_noise", scipy.linalg.cholesky(cov, lower=True))

    @property
    def dims(self):
        """``(d, k)``: data and latent dimensions."""
        return self.A.shape

    def _x(self, x):
        return as_array(x, "x", shape=(self.A.shape[0],))

    def _xz(self, x, z):
        """Checked ``x`` and ``z`` (a latent vector or rows of them), and ``k``."""
        x = self._x(x)
        z = as_array(z, "z", ndim=(1, 2))
        k = self.A.shape[1]
        if z.shape[-1] != k:
            raise ValueError(f"z: expected last dimension {k}, got shape {z.shape}")
        return x, z, k

    def _q(self, q_mean, q_cov):
        """``k`` and the checked ``q = N(m, S)``: ``(k, m, S, cholesky(S))``."""
        k = self.A.shape[1]
        return (k, as_array(q_mean, "q_mean", shape=(k,)), *check_cov(q_cov, "q_cov", (k, k)))

    def log_joint(self, x, z):
        """``log p(x, z) = log p(z) + log p(x | z)`` for rows of ``z`` (shape (S, k) -> (S,))."""
        x, z, k = self._xz(x, z)
        zz = np.atleast_2d(z)
        log_prior = -0.5 * (k * np.log(2 * np.pi) + np.sum(zz**2, axis=1))
        # log N(x; A z + b, Sigma) = log N(x - b - A z; 0, Sigma), one row per z
        resid = (x - self.b)[None, :] - zz @ self.A.T
        out = log_prior + mvn_logpdf(resid, 0.0, self._chol_noise)
        return out if z.ndim == 2 else float(out[0])

    def grad_log_joint(self, x, z):
        """``d/dz log p(x, z) = -z + A^T Sigma^-1 (x - b - A z)`` for rows of ``z`` (S, k)."""
        x, z, _ = self._xz(x, z)
        zz = np.atleast_2d(z)
        resid = (x - self.b) - zz @ self.A.T               # (S, d)
        out = -zz + scipy.linalg.cho_solve((self._chol_noise, True), resid.T).T @ self.A
        return out if z.ndim == 2 else out[0]

    def log_evidence(self, x):
        """``log p(x) = log N(x; b, A A^T + noise_cov)``."""
        x = self._x(x)
        chol = scipy.linalg.cholesky(self.A @ self.A.T + self.noise_cov, lower=True)
        return mvn_logpdf(x, self.b, chol)

    def posterior(self, x):
        """``p(z | x) = N(mean, cov)``: ``cov = (I + A^T S^-1 A)^-1``, ``mean = cov A^T S^-1 (x - b)``.

        Returns
        -------
        mean : ndarray, shape (k,)
        cov : ndarray, shape (k, k)
        """
        x = self._x(x)
        sinv_a = scipy.linalg.cho_solve((self._chol_noise, True), self.A)
        cov = np.linalg.inv(np.eye(self.A.shape[1]) + self.A.T @ sinv_a)   # the inverse precision
        cov = (cov + cov.T) / 2
        return cov @ (sinv_a.T @ (x - self.b)), cov

    def elbo(self, x, q_mean, q_cov):
        """Closed-form ELBO ``E_q[log p(x, z)] + H[q]``, ``q = N(q_mean, q_cov)`` (module notes)."""
        x = self._x(x)
        k, m, S, chol_s = self._q(q_mean, q_cov)
        expected_lik = (mvn_logpdf(x, self.A @ m + self.b, self._chol_noise)
                        - 0.5 * np.trace(self.A.T @ scipy.linalg.cho_solve(
                            (self._chol_noise, True), self.A) @ S))
        expected_prior = -0.5 * (k * np.log(2 * np.pi) + m @ m + np.trace(S))
        entropy = 0.5 * (k * np.log(2 * np.pi * np.e)
                         + 2.0 * float(np.sum(np.log(np.diag(chol_s)))))
        return float(expected_lik + expected_prior + entropy)

    def elbo_monte_carlo(self, x, q_mean, q_cov, n_samples, *, seed=None):
        """Monte Carlo ELBO with reparameterized draws ``z = m + C eps``, ``C C^T = q_cov``.

        Returns
        -------
        estimate : float
        stderr : float
            Standard error of the estimate.
        """
        self._x(x)  # checked before any sampling (log_joint below uses it)
        k, m, _, chol_s = self._q(q_mean, q_cov)
        n_samples = check_int(n_samples, "n_samples", low=2)
        eps = check_rng(seed).standard_normal((n_samples, k))
        z = m + eps @ chol_s.T
        values = self.log_joint(x, z) - mvn_logpdf(z, m, chol_s)
        return float(values.mean()), float(values.std(ddof=1) / np.sqrt(n_samples))


@dataclass(frozen=True)
class ELBODecomposition:
    """The terms of ``log p(x) = elbo + kl``, each computed on its own.

    Attributes
    ----------
    log_evidence : float
        ``log p(x)``.
    elbo : float
        ``ELBO(q)``.
    kl : float
        ``KL(q || p(z | x))``.
    gap : float
        ``log_evidence - elbo - kl``: rounding only.
    """

    log_evidence: float
    elbo: float
    kl: float
    gap: float


def elbo_decomposition(model, x, q_mean, q_cov):
    """The three terms of ``log p(x) = ELBO(q) + KL(q || p(z | x))``, each computed independently.

    Parameters
    ----------
    model : LinearGaussianModel
    x : array_like, shape (d,)
    q_mean : array_like, shape (k,)
    q_cov : array_like, shape (k, k)

    Returns
    -------
    ELBODecomposition

    Examples
    --------
    >>> model = LinearGaussianModel(A=[[1.0], [0.5]], b=[0.0, 1.0], noise_cov=np.eye(2))
    >>> dec = elbo_decomposition(model, [0.3, -0.2], [0.1], [[0.5]])
    >>> abs(dec.gap) < 1e-12, dec.kl > 0
    (True, True)
    """
    if not isinstance(model, LinearGaussianModel):
        raise TypeError(f"model: expected a LinearGaussianModel, got {type(model).__name__}")
    log_px = model.log_evidence(x)
    elbo = model.elbo(x, q_mean, q_cov)
    post_mean, post_cov = model.posterior(x)
    kl = kl_gaussians(q_mean, q_cov, post_mean, post_cov)
    return ELBODecomposition(log_evidence=log_px, elbo=elbo, kl=kl, gap=log_px - elbo - kl)
