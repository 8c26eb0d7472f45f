"""Kullback-Leibler divergences between Gaussians (TUM ML worksheet 11, problem 3).

``KL(p || q) = E_p[log p(x) - log q(x)]`` in closed form for diagonal covariances (the worksheet's
case) and full ones, and by Monte Carlo as an independent oracle for both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._gaussian import check_cov, mvn_logpdf
from ._validation import as_array, check_int, check_positive, check_rng

__all__ = ["MonteCarloKL", "kl_diag_gaussians", "kl_gaussians", "kl_monte_carlo"]


def _broadcast(arrays: dict[str, np.ndarray]) -> list[np.ndarray]:
    try:
        return list(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{name} {a.shape}" for name, a in arrays.items())
        raise ValueError(f"{', '.join(arrays)}: expected shapes that broadcast together, got "
                         f"{shapes}") from None


def _finite_or_raise(value, what: str):
    if not np.all(np.isfinite(value)):
        raise FloatingPointError(f"{what} overflowed float64 (the variances or mean differences "
                                 "are too extreme); rescale the data")


# u^2 (1/2 - u/3 + u^2/4 - ...): the Taylor series of u - log(1 + u), Horner coefficients
_SERIES = np.array([(-1.0) ** m / (m + 2) for m in range(12)])[::-1]


def _ratio_term(var1, var2):
    """``r - 1 - log r`` with ``r = var1 / var2``, accurate also when ``r`` is close to 1: for
    ``|u| < 0.01``, ``u = r - 1``, from 12 terms of the series (module notes)."""
    u = (var1 - var2) / var2
    small = np.abs(u) < 0.01
    series = u * u * np.polyval(_SERIES, u)
    direct = u - (np.log(var1) - np.log(var2))
    return np.maximum(np.where(small, series, direct), 0.0)  # >= 0 up to rounding


def kl_diag_gaussians(mu1, var1, mu2, var2):
    """KL divergence between two Gaussians with diagonal covariance matrices.

    For ``p = N(mu1, diag(var1))`` and ``q = N(mu2, diag(var2))``, the worksheet's closed form
    ``KL(p || q) = 1/2 sum_j [ r_j - 1 - log r_j + (mu1_j - mu2_j)**2 / var2_j ]``,
    ``r_j = var1_j / var2_j``.

    Parameters
    ----------
    mu1, var1, mu2, var2 : array_like, shape (..., d)
        Means and variances (covariance diagonals) of ``p`` and ``q``, broadcast together (NumPy
        rules); the last axis is summed over, leading axes are a batch; scalars count as ``d = 1``.

    Returns
    -------
    float or ndarray, shape (...)
        ``KL(p || q) >= 0`` (in nats), a float when there are no batch axes; 0 exactly when the two
        distributions are equal, and accurate to full relative precision also when ``var1`` is
        close to ``var2`` (module notes).

    Raises
    ------
    ValueError
        If a mean is not finite, a variance is not finite and positive, or the shapes do not
        broadcast (the message names the argument).
    TypeError
        If an argument is not numeric.
    FloatingPointError
        If the result overflows float64.

    Examples
    --------
    >>> kl_diag_gaussians([0.0, 0.0], [1.0, 1.0], [0.0, 0.0], [1.0, 1.0])
    0.0
    >>> round(kl_diag_gaussians(0.0, 1.0, 1.0, 2.0), 6)   # 1-D: (log 2 + 1/2 + 1/2 - 1) / 2
    0.346574
    >>> kl_diag_gaussians([[0.0], [1.0]], 1.0, 0.0, 1.0)  # a batch of two 1-D pairs
    array([0. , 0.5])
    """
    mu1 = as_array(mu1, "mu1", min_rows=0)
    mu2 = as_array(mu2, "mu2", min_rows=0)
    var1 = check_positive(var1, "var1")
    var2 = check_positive(var2, "var2")
    arrays = {"mu1": mu1, "var1": var1, "mu2": mu2, "var2": var2}
    for name, a in arrays.items():
        if a.size == 0:
            raise ValueError(f"{name}: expected a non-empty array, got shape {a.shape}")
    out = _kl_diag(*(np.atleast_1d(a) for a in _broadcast(arrays)))
    _finite_or_raise(out, "kl_diag_gaussians")
    return float(out) if out.ndim == 0 else out


def _kl_diag(mu1, var1, mu2, var2):
    """:func:`kl_diag_gaussians` unchecked (the last axis summed), for training loops."""
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        return (0.5 * (_ratio_term(var1, var2) + (mu1 - mu2) ** 2 / var2)).sum(axis=-1)


def kl_gaussians(mu1, cov1, mu2, cov2):
    """KL divergence between two multivariate Gaussians with full covariance matrices.

    ``KL(N(mu1, S1) || N(mu2, S2)) = 1/2 [tr(S2^-1 S1) + (mu2 - mu1)^T S2^-1 (mu2 - mu1) - d
    + log det S2 - log det S1]``, evaluated with Cholesky factors (module notes).

    Parameters
    ----------
    mu1, mu2 : array_like, shape (..., d)
        Means.
    cov1, cov2 : array_like, shape (..., d, d)
        Symmetric positive definite covariance matrices. Leading axes broadcast as a batch.

    Returns
    -------
    float or ndarray, shape (...)
        The divergence in nats, a float when there are no batch axes.

    Raises
    ------
    ValueError
        If an entry is not finite, a covariance is not square, symmetric and positive definite,
        or the dimensions ``d`` do not match (the message names the argument).
    FloatingPointError
        If the result overflows float64.

    Examples
    --------
    >>> round(kl_gaussians([0.0, 0.0], np.eye(2), [1.0, 0.0], 2 * np.eye(2)), 6)
    0.443147
    """
    mu1 = np.atleast_1d(as_array(mu1, "mu1", min_rows=0))
    mu2 = np.atleast_1d(as_array(mu2, "mu2", min_rows=0))
    cov1, l1 = check_cov(cov1, "cov1")
    cov2, l2 = check_cov(cov2, "cov2")
    d = cov1.shape[-1]
    for name, a in (("mu1", mu1), ("mu2", mu2), ("cov2", cov2)):
        if a.shape[-1] != d:
            raise ValueError(f"{name}: expected dimension d = {d} (from cov1), got "
                             f"{a.shape[-1]} (shape {a.shape})")
    batch = _broadcast({"mu1": mu1[..., 0], "cov1": cov1[..., 0, 0], "mu2": mu2[..., 0],
                        "cov2": cov2[..., 0, 0]})[0].shape
    l1, l2 = (np.broadcast_to(c, batch + (d, d)) for c in (l1, l2))
    diff = np.broadcast_to(mu2 - mu1, batch + (d,))
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        m = np.linalg.solve(l2, l1)                       # L2^-1 L1
        z = np.linalg.solve(l2, diff[..., None])[..., 0]  # L2^-1 (mu2 - mu1)
        logdet = 2.0 * (np.log(np.diagonal(l2, axis1=-2, axis2=-1)).sum(-1)
                        - np.log(np.diagonal(l1, axis1=-2, axis2=-1)).sum(-1))
        # trace term ||L2^-1 L1||_F^2 and quadratic form ||L2^-1 (mu2 - mu1)||^2
        out = 0.5 * (np.sum(m * m, axis=(-2, -1)) + np.sum(z * z, axis=-1) - d + logdet)
    _finite_or_raise(out, "kl_gaussians")
    out = np.maximum(out, 0.0)  # KL >= 0; remove rounding below zero
    return float(out) if out.ndim == 0 else out


@dataclass(frozen=True)
class MonteCarloKL:
    """A Monte Carlo estimate of a KL divergence (:func:`kl_monte_carlo`).

    Attributes
    ----------
    estimate : float
        Sample mean of ``log p(x) - log q(x)`` over ``x ~ p``.
    std_error : float
        Its standard error (sample standard deviation / sqrt(n_samples)).
    n_samples : int
    """

    estimate: float
    std_error: float
    n_samples: int


def kl_monte_carlo(mu1, cov1, mu2, cov2, *, n_samples: int = 100_000, seed=None) -> MonteCarloKL:
    """Monte Carlo estimate of ``KL(N(mu1, cov1) || N(mu2, cov2))``, an oracle for the closed forms.

    Parameters
    ----------
    mu1, mu2 : array_like, shape (d,)
        Means (a scalar counts as ``d = 1``).
    cov1, cov2 : array_like, shape (d,) or (d, d)
        Either the variances of a diagonal covariance, shape ``(d,)``, or a full symmetric
        positive definite covariance, shape ``(d, d)``.
    n_samples : int
        Number of draws (at least 2).
    seed : None, int or numpy.random.Generator

    Returns
    -------
    MonteCarloKL

    Raises
    ------
    ValueError
        Bad shapes, non-finite entries, non-positive variances or a covariance that is not
        positive definite (the message names the argument).

    Examples
    --------
    >>> mc = kl_monte_carlo([0.0], [1.0], [1.0], [2.0], n_samples=200_000, seed=0)
    >>> abs(mc.estimate - kl_diag_gaussians(0.0, 1.0, 1.0, 2.0)) < 4 * mc.std_error
    True
    """
    n_samples = check_int(n_samples, "n_samples", low=2)
    rng = check_rng(seed)
    mu1 = np.atleast_1d(as_array(mu1, "mu1", ndim=(0, 1)))
    mu2 = np.atleast_1d(as_array(mu2, "mu2", ndim=(0, 1)))
    d = mu1.shape[0]
    if mu2.shape != (d,):
        raise ValueError(f"mu2: expected shape ({d},) like mu1, got {mu2.shape}")
    chols = []
    for name, cov in (("cov1", cov1), ("cov2", cov2)):
        c = np.atleast_1d(as_array(cov, name, ndim=(0, 1, 2)))
        if c.ndim == 1:
            if c.shape != (d,):
                raise ValueError(f"{name}: expected variances of shape ({d},), got {c.shape}")
            c = np.diag(check_positive(c, name))
        elif c.shape != (d, d):
            raise ValueError(f"{name}: expected a ({d}, {d}) covariance matrix, got {c.shape}")
        chols.append(check_cov(c, name)[1])
    l1, l2 = chols
    x = mu1 + rng.standard_normal((n_samples, d)) @ l1.T
    log_ratio = mvn_logpdf(x, mu1, l1) - mvn_logpdf(x, mu2, l2)
    _finite_or_raise(log_ratio, "kl_monte_carlo")
    return MonteCarloKL(estimate=float(log_ratio.mean()),
                        std_error=float(log_ratio.std(ddof=1) / np.sqrt(n_samples)),
                        n_samples=n_samples)
