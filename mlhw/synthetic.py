"""A stand-in for the data set of Waterloo CS480/680 HW4, exercise 1a, and a cautionary E-step.

The exercise fits diagonal Gaussian mixtures with k = 1, ..., 10 components to a course file,
``gmm_dataset.csv``, that was never published. :func:`gmm_dataset` draws a replacement from a
mixture stated here in full (:data:`SUBSTITUTE_WEIGHTS`, :data:`SUBSTITUTE_MEANS`,
:data:`SUBSTITUTE_VARIANCES`: six components in ten dimensions), so a chapter can check whether
model selection recovers the generating number of components.

:func:`naive_e_step` is the E-step written literally in probability space, the way the
exercise's Algorithm 1 states it. It is **not** used by any model: it exists to show, on
high-dimensional data, how the NaNs the exercise warns about arise: the exponentials of every
component can underflow to 0 (``0 / 0``), or a determinant ``|2 pi S_k|`` can underflow to 0, so
that its ``-1/2`` power is infinite (``inf * 0`` and ``inf / inf``).
The models of :mod:`mlhw` compute the E-step in log space (:func:`mlhw.em.e_step`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import as_array, check_int, check_positive, check_probabilities, check_rng

__all__ = [
    "GMMSample",
    "NaiveEStep",
    "SUBSTITUTE_MEANS",
    "SUBSTITUTE_VARIANCES",
    "SUBSTITUTE_WEIGHTS",
    "gmm_dataset",
    "naive_e_step",
    "sample_diag_gmm",
    "sample_gmm",
]

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


def _check_mixture(weights, means, variances, d=None):
    w = check_probabilities(weights, "weights")
    if w.ndim != 1:
        raise ValueError(f"weights: expected a 1-dimensional array, got shape {w.shape}")
    K = len(w)
    mu = as_array(means, "means", ndim=2, shape=(K, d))
    var = check_positive(variances, "variances", ndim=2)
    if var.shape != mu.shape:
        raise ValueError(f"variances: expected shape {mu.shape} (the shape of means), got "
                         f"{var.shape}")
    return w, mu, var


def sample_diag_gmm(n, weights, means, variances, *, seed=None) -> GMMSample:
    """Draw ``n`` points from a Gaussian mixture with diagonal covariances.

    Each point picks component ``k`` with probability ``weights[k]``, then draws
    ``x = means[k] + sqrt(variances[k]) * eps`` with ``eps`` standard normal.

    Parameters
    ----------
    n : int
        Number of points, at least 1.
    weights : array_like, shape (K,)
        Mixing weights (non-negative, summing to one).
    means : array_like, shape (K, d)
    variances : array_like, shape (K, d)
        Positive diagonals of the covariance matrices.
    seed : None, int or numpy.random.Generator

    Returns
    -------
    GMMSample

    Raises
    ------
    ValueError
        For ``n < 1``, weights that are not probabilities, mismatched shapes or a non-positive
        variance.

    Examples
    --------
    >>> s = sample_diag_gmm(4, [0.5, 0.5], [[0.0], [10.0]], [[1.0], [1.0]], seed=0)
    >>> s.X.shape, s.labels.shape
    ((4, 1), (4,))
    """
    n = check_int(n, "n", low=1)
    w, mu, var = _check_mixture(weights, means, variances)
    rng = check_rng(seed)
    labels = rng.choice(len(w), size=n, p=w)
    X = mu[labels] + np.sqrt(var[labels]) * rng.standard_normal((n, mu.shape[1]))
    return GMMSample(X=X, labels=labels, weights=w.copy(), means=mu.copy(), variances=var.copy())


def sample_gmm(n, model, *, covariance=None, seed=None):
    """Draw ``n`` points from a fitted Gaussian mixture of any covariance type.

    Parameters
    ----------
    n : int
        Number of points, at least 1.
    model : GMMResult or GMMParams
        Anything with ``weights (K,)``, ``means (K, d)`` and ``covariances`` (``(K, d, d)``
        full, ``(K, d)`` diag, ``(K,)`` spherical).
    covariance : {"full", "diag", "spherical"}, optional
        Taken from ``model.covariance`` when omitted.
    seed : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray, shape (n, d)
    labels : ndarray of int, shape (n,)
        The component of each point.

    Raises
    ------
    ValueError
        For an unknown or missing covariance type or inconsistent shapes.

    Examples
    --------
    >>> import numpy as np
    >>> from mlhw.mixtures import GMMParams
    >>> m = GMMParams(np.array([1.0]), np.zeros((1, 2)), np.eye(2)[None])
    >>> X, z = sample_gmm(3, m, covariance="full", seed=0)
    >>> X.shape, z.tolist()
    ((3, 2), [0, 0, 0])
    """
    n = check_int(n, "n", low=1)
    cov_type = getattr(model, "covariance", None) if covariance is None else covariance
    if cov_type not in ("full", "diag", "spherical"):
        raise ValueError(f"covariance: expected 'full', 'diag' or 'spherical', got {cov_type!r}")
    if not all(hasattr(model, a) for a in ("weights", "means", "covariances")):
        raise TypeError(f"model: expected a mixture with weights, means and covariances (a "
                        f"GMMResult or GMMParams), got {type(model).__name__}")
    w = check_probabilities(model.weights, "model.weights")
    mu = as_array(model.means, "model.means", ndim=2, shape=(len(w), None))
    K, d = mu.shape
    shape = {"full": (K, d, d), "diag": (K, d), "spherical": (K,)}[cov_type]
    cov = as_array(model.covariances, "model.covariances", shape=shape)
    if cov_type != "full" and np.any(cov <= 0):
        raise ValueError(f"model.covariances: expected positive variances, got minimum "
                         f"{cov.min()!r}")
    if cov_type == "full":
        try:
            np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            raise ValueError("model.covariances: expected symmetric positive definite matrices, "
                             "got one whose Cholesky factorisation fails") from None
    rng = check_rng(seed)
    labels = rng.choice(K, size=n, p=w)
    eps = rng.standard_normal((n, d))
    if cov_type == "full":
        noise = np.empty_like(eps)
        for k in range(K):  # a loop over components, not points
            mask = labels == k
            noise[mask] = eps[mask] @ np.linalg.cholesky(cov[k]).T
    elif cov_type == "diag":
        noise = np.sqrt(cov[labels]) * eps
    else:
        noise = np.sqrt(cov[labels])[:, None] * eps
    return mu[labels] + noise, labels


def gmm_dataset(n: int = 2000, *, seed=0) -> GMMSample:
    """The substitute for ``gmm_dataset.csv`` of Waterloo CS480/680 HW4, exercise 1a.

    ``n`` points in ``d = 10`` dimensions from the six-component diagonal mixture
    :data:`SUBSTITUTE_WEIGHTS` (0.05, 0.10, 0.15, 0.20, 0.22, 0.28), :data:`SUBSTITUTE_MEANS`
    and :data:`SUBSTITUTE_VARIANCES`. Closest pair of means: 5.2 apart, with variances between
    0.35 and 1.99 per coordinate, so the components overlap a little but are separable. Use
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
    return sample_diag_gmm(n, SUBSTITUTE_WEIGHTS, SUBSTITUTE_MEANS, SUBSTITUTE_VARIANCES,
                           seed=seed)


def naive_e_step(X, weights, means, variances) -> NaiveEStep:
    """The diagonal-GMM E-step in probability space, as written in the exercise (cautionary).

    Computes ``pi_k |2 pi S_k|^(-1/2) exp(-(x_i - mu_k)^T S_k^(-1) (x_i - mu_k) / 2)`` with
    ``S_k = diag(variances[k])``, sums over ``k`` and divides, all without logarithms. In high
    dimension the exponentials can underflow to 0 for every component (``0 / 0 = NaN``), and the
    determinant ``prod_j 2 pi s_kj`` under- or overflows: an underflow to 0 makes its ``-1/2``
    power infinite, and then ``inf * 0`` or ``inf / inf`` is NaN. The output holds NaN, 0 and
    infinity. Floating-point warnings are silenced here on purpose: the caller inspects the
    result. Never use this in a model; :func:`mlhw.em.e_step` is the log-space version.

    Answers the warning about NaNs in Waterloo CS480/680 HW4, exercise 1a.

    Parameters
    ----------
    X : array_like, shape (n, d)
    weights : array_like, shape (K,)
    means : array_like, shape (K, d)
    variances : array_like, shape (K, d)
        Positive diagonals of the covariances.

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
    >>> import numpy as np
    >>> X = np.zeros((1, 2000))
    >>> out = naive_e_step(X, [0.5, 0.5], np.ones((2, 2000)), np.ones((2, 2000)))
    >>> out.n_nan_rows, out.neg_log_likelihood
    (1, inf)
    """
    X = as_array(X, "X", ndim=2)
    w, mu, var = _check_mixture(weights, means, variances, d=X.shape[1])
    with np.errstate(all="ignore"):
        inv = 1.0 / var
        maha = (X**2) @ inv.T - 2.0 * X @ (mu * inv).T + np.sum(mu**2 * inv, axis=1)
        det = np.prod(2.0 * np.pi * var, axis=1)
        joint = w * det**-0.5 * np.exp(-0.5 * maha)
        dens = joint.sum(axis=1)
        resp = joint / dens[:, None]
        nll = float(-np.sum(np.log(dens)))
    return NaiveEStep(resp=resp, densities=dens, neg_log_likelihood=nll)
