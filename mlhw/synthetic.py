"""A stand-in for the data set of Waterloo CS480/680 HW4, exercise 1a, the package's sampler of
Gaussian mixtures, and a cautionary E-step.

:func:`gmm_dataset` replaces the exercise's unpublished ``gmm_dataset.csv`` with draws from a
mixture stated here in full; :func:`naive_e_step` is the exercise's E-step in probability space.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import as_array, check_choice, check_int, check_rng
from .mixtures import _ESTIMATED, GMMParams, _gmm_params

__all__ = ["GMMSample", "NaiveEStep", "SUBSTITUTE_MEANS", "SUBSTITUTE_VARIANCES",
           "SUBSTITUTE_WEIGHTS", "gmm_dataset", "naive_e_step", "sample_gmm"]

#: Mixing weights of the substitute mixture (six components, increasing).
SUBSTITUTE_WEIGHTS = np.array([0.05, 0.10, 0.15, 0.20, 0.22, 0.28])

#: Component means of the substitute mixture, shape (6, 10).
SUBSTITUTE_MEANS = np.array([
    [-2.7, -5.2, 1.1, -0.7, 2.4, 3.0, 2.0, -1.1, 0.4, -0.5],
    [1.4, -0.9, -0.1, -3.0, 0.4, 1.9, -1.1, -0.8, -0.2, 0.5],
    [2.5, 2.3, 1.8, -1.3, -1.3, 0.2, 1.8, 3.0, 0.3, -0.1],
    [-0.4, 1.6, 0.2, -2.0, 1.4, 1.4, 1.8, -2.2, -0.2, 2.8],
    [-5.1, -2.6, -0.3, 0.8, 1.7, -4.1, 1.5, -1.6, -1.1, -4.7],
    [2.4, -0.5, 3.3, -1.3, -2.4, -1.9, -5.7, 1.6, -0.5, -1.4],
])

#: Diagonals of the component covariances of the substitute mixture, shape (6, 10).
SUBSTITUTE_VARIANCES = np.array([
    [0.77, 0.71, 0.73, 1.79, 1.82, 0.88, 1.44, 0.62, 1.15, 0.35],
    [0.52, 0.88, 0.43, 0.47, 0.64, 0.41, 1.14, 1.37, 1.11, 1.01],
    [1.88, 1.53, 1.26, 1.13, 1.59, 1.36, 0.81, 1.42, 1.99, 1.68],
    [0.77, 0.91, 1.11, 1.65, 1.52, 1.01, 1.52, 0.77, 0.56, 1.17],
    [0.59, 1.17, 0.39, 1.76, 1.76, 1.88, 0.40, 1.39, 1.54, 1.76],
    [0.50, 0.88, 0.55, 1.80, 0.80, 0.52, 1.02, 1.22, 1.03, 0.36],
])

for _a in (SUBSTITUTE_WEIGHTS, SUBSTITUTE_MEANS, SUBSTITUTE_VARIANCES):
    _a.setflags(write=False)
del _a


@dataclass(frozen=True)
class GMMSample:
    """Points drawn from a diagonal Gaussian mixture, with the mixture that generated them.

    Attributes
    ----------
    X : ndarray, shape (n, d)
        The points.
    labels : ndarray of int, shape (n,)
        The component each point was drawn from (hidden from the fitting; used for checks).
    weights : ndarray, shape (K,)
    means : ndarray, shape (K, d)
    variances : ndarray, shape (K, d)
        Diagonals of the component covariance matrices.
    """

    X: np.ndarray
    labels: np.ndarray
    weights: np.ndarray
    means: np.ndarray
    variances: np.ndarray


@dataclass(frozen=True)
class NaiveEStep:
    """Output of :func:`naive_e_step` (may contain NaN and infinity: that is its point).

    Attributes
    ----------
    resp : ndarray, shape (n, K)
        ``r_ik = pi_k N(x_i | mu_k, S_k) / sum_l pi_l N(x_i | mu_l, S_l)``, computed literally.
    densities : ndarray, shape (n,)
        ``p(x_i) = sum_k pi_k N(x_i | mu_k, S_k)``, computed literally (0 after underflow).
    neg_log_likelihood : float
        ``-sum_i log p(x_i)`` (``inf`` or NaN after underflow).
    """

    resp: np.ndarray
    densities: np.ndarray
    neg_log_likelihood: float

    @property
    def n_nan_rows(self) -> int:
        """Number of points whose responsibility row contains NaN."""
        return int(np.count_nonzero(np.isnan(self.resp).any(axis=1)))


def sample_gmm(n, weights, means, covariances, *, covariance="full", seed=None):
    """Draw ``n`` points from a Gaussian mixture of any covariance type: the package's sampler.

    A one-dimensional mixture is ``means`` of shape ``(K, 1)`` with ``covariance="spherical"``.

    Parameters
    ----------
    n : int
        Number of points, at least 1.
    weights : array_like, shape (K,)
        Mixing weights (non-negative, summing to one).
    means : array_like, shape (K, d)
    covariances : array_like
        Positive (definite), in the layout of ``covariance`` (as :func:`mlhw.fit_gmm`).
    covariance : {"full", "diag", "spherical"}
    seed : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray, shape (n, d)
    labels : ndarray of int, shape (n,)
        The component of each point.

    Raises
    ------
    ValueError
        For ``n < 1``, weights that are not probabilities, mismatched shapes, an unknown
        covariance type or covariances that are not positive (definite).

    Examples
    --------
    >>> X, z = sample_gmm(3, [1.0], [[0.0, 0.0]], [np.eye(2)], seed=0)
    >>> X.shape, z.tolist()
    ((3, 2), [0, 0, 0])
    """
    n = check_int(n, "n", low=1)
    covariance = check_choice(covariance, "covariance", _ESTIMATED)
    p = _gmm_params(GMMParams(weights, means, covariances), covariance)
    w, mu, cov = p.weights, p.means, p.covariances
    rng = check_rng(seed)
    labels = rng.choice(len(w), size=n, p=w)
    eps = rng.standard_normal((n, mu.shape[1]))
    if covariance == "full":
        noise = np.empty_like(eps)
        for k in range(len(w)):  # a loop over components, not points
            mask = labels == k
            noise[mask] = eps[mask] @ np.linalg.cholesky(cov[k]).T
    else:
        noise = np.sqrt(cov[labels]).reshape(n, -1) * eps
    return mu[labels] + noise, labels


def gmm_dataset(n: int = 2000, *, seed=0) -> GMMSample:
    """The substitute for ``gmm_dataset.csv`` of Waterloo CS480/680 HW4, exercise 1a.

    ``n`` points in ``d = 10`` dimensions from the six-component diagonal mixture
    :data:`SUBSTITUTE_WEIGHTS`, :data:`SUBSTITUTE_MEANS`, :data:`SUBSTITUTE_VARIANCES`. Use
    different seeds for a training and a held-out sample.

    Parameters
    ----------
    n : int
        Number of points (the chapter uses 2000 for training and 1000 held out).
    seed : None, int or numpy.random.Generator

    Returns
    -------
    GMMSample

    Examples
    --------
    >>> data = gmm_dataset(2000, seed=0)
    >>> data.X.shape, len(data.weights)
    ((2000, 10), 6)
    """
    X, labels = sample_gmm(n, SUBSTITUTE_WEIGHTS, SUBSTITUTE_MEANS, SUBSTITUTE_VARIANCES,
                           covariance="diag", seed=seed)
    return GMMSample(X=X, labels=labels, weights=SUBSTITUTE_WEIGHTS.copy(),
                     means=SUBSTITUTE_MEANS.copy(), variances=SUBSTITUTE_VARIANCES.copy())


def naive_e_step(X, weights, means, covariances) -> NaiveEStep:
    """The diagonal-GMM E-step in probability space, as written in the exercise (cautionary).

    ``pi_k |2 pi S_k|^(-1/2) exp(-(x_i - mu_k)^T S_k^(-1) (x_i - mu_k) / 2)``, ``S_k =
    diag(covariances[k])``, summed over ``k`` and divided without logarithms and without
    floating-point warnings, so that in high dimension its output holds NaN, 0 and infinity.

    Parameters
    ----------
    X : array_like, shape (n, d)
    weights : array_like, shape (K,)
    means : array_like, shape (K, d)
    covariances : array_like, shape (K, d)
        Positive diagonals of the covariances (the ``"diag"`` layout of :func:`mlhw.fit_gmm`).

    Returns
    -------
    NaiveEStep
        Responsibilities, densities and negative log-likelihood, possibly NaN or infinite.

    Raises
    ------
    ValueError
        For non-finite data, mismatched shapes or invalid parameters (the numerical trouble
        itself is returned, not raised).

    Examples
    --------
    >>> X = np.zeros((1, 2000))
    >>> out = naive_e_step(X, [0.5, 0.5], np.ones((2, 2000)), np.ones((2, 2000)))
    >>> out.n_nan_rows, out.neg_log_likelihood
    (1, inf)
    """
    X = as_array(X, "X", ndim=2)
    p = _gmm_params(GMMParams(weights, means, covariances), "diag", d=X.shape[1])
    w, mu, var = p.weights, p.means, p.covariances
    with np.errstate(all="ignore"):
        inv = 1.0 / var
        maha = (X**2) @ inv.T - 2.0 * X @ (mu * inv).T + np.sum(mu**2 * inv, axis=1)
        det = np.prod(2.0 * np.pi * var, axis=1)
        joint = w * det**-0.5 * np.exp(-0.5 * maha)
        dens = joint.sum(axis=1)
        resp = joint / dens[:, None]
        nll = float(-np.sum(np.log(dens)))
    return NaiveEStep(resp=resp, densities=dens, neg_log_likelihood=nll)
