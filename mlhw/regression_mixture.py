"""EM for a mixture of linear regressions (NTU ML 2024 HW3, problem 5), on the shared EM driver.

The model is ``p(y | x) = sum_k pi_k N(y; w_k^T x, rho_k)`` for ``x`` in R^m, with no separate
intercept: a line ``y = a + b x`` is the case ``x = (1, x)``, ``w = (a, b)``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from . import em
from ._validation import as_array, check_choice, check_int, check_k, check_positive, \
    check_probabilities, check_rng
from ._warnings import EmptyComponentWarning
from .mixtures import _warn_if_floored

__all__ = ["RegressionMixtureParams", "fit_regression_mixture",
           "regression_mixture_log_likelihood", "sample_regression_mixture"]

#: A component with less total responsibility keeps its previous line and variance in the M-step.
_EMPTY = 1e-10


@dataclass(frozen=True)
class RegressionMixtureParams:
    """Parameters ``theta = (pi_k, w_k, rho_k)`` of a mixture of K linear regressions.

    Attributes
    ----------
    weights : ndarray, shape (K,)
        Mixing weights ``pi_k`` (sum to one).
    coefs : ndarray, shape (K, m)
        Regression coefficients; row ``k`` is ``w_k``.
    variances : ndarray, shape (K,)
        Noise variances ``rho_k > 0``.
    """

    weights: np.ndarray
    coefs: np.ndarray
    variances: np.ndarray


def _regmix_log_joint(data, params):
    """Log joint ``log p(y_i, z_i = k | x_i) = log pi_k + log N(y_i; w_k^T x_i, rho_k)``, shape
    (N, K), for ``data = (X, y)``; ``-inf`` in the column of a component with weight zero."""
    X, y = data
    resid = y[:, None] - X @ params.coefs.T
    with np.errstate(divide="ignore"):
        log_w = np.log(params.weights)
    rho = params.variances
    return log_w - 0.5 * np.log(2 * np.pi * rho) - 0.5 * resid**2 / rho


def _regmix_m_step(data, resp, params, reg=1e-6):
    """M-step of problem 5 (see the module notes), the maximiser of Q subject to ``rho_k >= reg``
    (the minimum-norm ``w_k`` for a rank-deficient weighted design)."""
    X, y = data
    nk = resp.sum(axis=0)
    coefs = np.array(params.coefs, dtype=float, copy=True)
    variances = np.array(params.variances, dtype=float, copy=True)
    active = nk > _EMPTY
    if not active.all():
        warnings.warn(f"{int(np.count_nonzero(~active))} empty component(s) kept their previous "
                      "line and variance", EmptyComponentWarning, stacklevel=2)
    for k in np.flatnonzero(active):  # a loop over the K components, not over the data
        sw = np.sqrt(resp[:, k])
        coefs[k] = np.linalg.lstsq(sw[:, None] * X, sw * y, rcond=None)[0]
    resid2 = (y[:, None] - X @ coefs.T) ** 2
    rho = np.einsum("nk,nk->k", resp, resid2) / np.where(active, nk, 1.0)
    variances[active] = np.maximum(rho[active], reg)
    return RegressionMixtureParams(weights=nk / len(X), coefs=coefs, variances=variances)


def regression_mixture_log_likelihood(X, y, weights, coefs, variances) -> float:
    """Observed-data log-likelihood ``sum_i log sum_k pi_k N(y_i; w_k^T x_i, rho_k)``.

    Parameters
    ----------
    X : array_like, shape (N, m)
    y : array_like, shape (N,)
    weights : array_like, shape (K,)
    coefs : array_like, shape (K, m)
    variances : array_like, shape (K,)

    Returns
    -------
    float
        The log-likelihood of the outputs, a sum over points.

    Raises
    ------
    ValueError
        For non-finite data, ``y`` without one value per row of ``X``, weights that are not
        probabilities, non-positive variances or parameters of the wrong shape.

    Examples
    --------
    >>> X = np.ones((1, 1)); y = np.zeros(1)
    >>> ll = regression_mixture_log_likelihood(X, y, [1.0], [[0.0]], [1.0])
    >>> bool(np.isclose(ll, -0.5 * np.log(2 * np.pi)))
    True
    """
    X, y = _check_xy(X, y)
    params = _regmix_params(weights, coefs, variances, X.shape[1])
    return em.e_step((X, y), params, _regmix_log_joint)[0]


def _check_xy(X, y):
    X = as_array(X, "X", ndim=2)
    y = as_array(y, "y", ndim=1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y: expected {X.shape[0]} values (one per row of X), got {y.shape[0]}")
    return X, y


def _regmix_params(weights, coefs, variances, m, k=None):
    weights = check_probabilities(as_array(weights, "weights", ndim=1), "weights")
    k = len(weights) if k is None else k
    if weights.shape != (k,):
        raise ValueError(f"weights: expected shape ({k},), got {weights.shape}")
    coefs = as_array(coefs, "coefs", shape=(k, m))
    variances = check_positive(variances, "variances", ndim=1)
    if variances.shape != (k,):
        raise ValueError(f"variances: expected shape ({k},), got {variances.shape}")
    return RegressionMixtureParams(weights, coefs, variances)


def _flat_start(coefs, y, reg):
    """Equal weights, the given lines and the variance of ``y`` (at least ``reg``)."""
    k = len(coefs)
    var = max(float(np.var(y)), reg)
    return RegressionMixtureParams(np.full(k, 1.0 / k), coefs, np.full(k, var))


def _init_points(X, y, k, reg, rng):
    n, m = X.shape
    coefs = np.empty((k, m))
    for j in range(k):
        rows = rng.choice(n, size=min(m, n), replace=False)
        coefs[j] = np.linalg.lstsq(X[rows], y[rows], rcond=None)[0]
    return _flat_start(coefs, y, reg)


def _init_random(X, y, k, reg, rng):
    resp = rng.dirichlet(np.ones(k), size=X.shape[0])
    return _regmix_m_step((X, y), resp, _flat_start(np.zeros((k, X.shape[1])), y, reg), reg)


_INITS = {"points": _init_points, "random": _init_random}


def fit_regression_mixture(X, y, k, *, init="points", max_iter=200, tol=1e-6, reg=1e-6,
                           n_init=1, seed=None) -> em.EMResult:
    """Fit a mixture of K linear regressions by EM (NTU ML 2024 HW3, problem 5).

    Parameters
    ----------
    X : array_like, shape (N, m)
        Inputs ``x_i`` (include a column of ones for an intercept).
    y : array_like, shape (N,)
        Outputs ``y_i``.
    k : int
        Number of components, ``1 <= k <= N``.
    init : {"points", "random"}, dict or RegressionMixtureParams
        ``"points"``: every line starts as the least-squares fit through ``m`` random data points,
        with equal weights and the variance of ``y``; ``"random"``: one M-step from random
        responsibilities; a dict with ``weights`` (K,), ``coefs`` (K, m) and ``variances`` (K,),
        or a :class:`RegressionMixtureParams`, starts there.
    max_iter, tol, n_init :
        As :func:`mlhw.fit_gmm` (``n_init`` 1 when ``init`` gives fixed parameters).
    reg : float
        Lower bound on every variance ``rho_k`` (keeps the likelihood bounded).
    seed : None, int or numpy.random.Generator

    Returns
    -------
    EMResult
        ``params`` a :class:`RegressionMixtureParams` (``.weights``, ``.coefs``, ``.variances``);
        ``.log_likelihood`` is ``sum_i log p(y_i | x_i)`` at the start and after every M-step.

    Raises
    ------
    ValueError
        For non-finite or mismatched ``X``/``y``, ``k`` out of range, a non-positive ``reg``,
        an unknown ``init`` or initial parameters of the wrong shape or range.
    TypeError
        For a non-integer ``k``, ``max_iter`` or ``n_init``.

    Examples
    --------
    >>> X, y, z = sample_regression_mixture(400, [[0.0, 1.0], [0.0, -1.0]], [0.01, 0.01],
    ...                                     seed=0)
    >>> res = fit_regression_mixture(X, y, 2, n_init=3, seed=0)
    >>> np.round(np.sort(res.coefs[:, 1]), 1)
    array([-1.,  1.])
    """
    X, y = _check_xy(X, y)
    n, m = X.shape
    k = check_k(k, n)
    reg = float(check_positive(reg, "reg", ndim=0))
    if isinstance(init, str):
        start = partial(_INITS[check_choice(init, "init", tuple(_INITS))], X, y, k, reg)
    else:
        if isinstance(init, RegressionMixtureParams):
            init = vars(init)
        if not isinstance(init, dict) or set(init) != {"weights", "coefs", "variances"}:
            raise ValueError("init: expected 'points', 'random', RegressionMixtureParams or a dict "
                             "with keys 'weights', 'coefs', 'variances', got "
                             f"{init if not isinstance(init, dict) else sorted(init)!r}")
        start = _regmix_params(init["weights"], init["coefs"], init["variances"], m, k)
        start = replace(start, variances=np.maximum(start.variances, reg))
    res = em.run((X, y), start, _regmix_log_joint, partial(_regmix_m_step, reg=reg),
                 max_iter=max_iter, tol=tol, n_init=n_init, seed=seed, n_points=n)
    _warn_if_floored("fit_regression_mixture", res.params.variances, "diag", reg)
    return res


def sample_regression_mixture(n, coefs, variances, weights=None, *, x_range=(-3.0, 3.0),
                              intercept=True, seed=None):
    """Draw data from a mixture of linear regressions (synthetic data for problem 5).

    Parameters
    ----------
    n : int
    coefs : array_like, shape (K, m)
        True coefficients; with ``intercept=True`` column 0 is the intercept.
    variances : array_like, shape (K,)
        True noise variances ``rho_k``.
    weights : array_like, shape (K,), optional
        Mixing weights (default: equal).
    x_range : tuple of two floats
        Features are uniform on ``[low, high)``.
    intercept : bool
        Whether column 0 of ``X`` is a column of ones.
    seed : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray, shape (n, m)
    y : ndarray, shape (n,)
    z : ndarray, shape (n,)
        The component that generated each point.

    Examples
    --------
    >>> X, y, z = sample_regression_mixture(5, [[1.0, 2.0]], [0.1], seed=0)
    >>> X.shape, y.shape, bool(np.all(X[:, 0] == 1))
    ((5, 2), (5,), True)
    """
    n = check_int(n, "n", low=1)
    coefs = as_array(coefs, "coefs", ndim=2)
    k, m = coefs.shape
    if intercept and m < 2:
        raise ValueError(f"coefs: with intercept=True expected at least 2 columns (intercept and "
                         f"one slope), got {m}")
    params = _regmix_params(np.full(k, 1.0 / k) if weights is None else weights, coefs, variances,
                            m, k)
    lo_hi = as_array(x_range, "x_range", shape=(2,))
    if not lo_hi[0] < lo_hi[1]:
        raise ValueError(f"x_range: expected low < high, got {tuple(lo_hi)}")
    rng = check_rng(seed)
    z = rng.choice(k, size=n, p=params.weights)
    feats = rng.uniform(lo_hi[0], lo_hi[1], size=(n, m - 1 if intercept else m))
    X = np.column_stack([np.ones(n), feats]) if intercept else feats
    y = np.einsum("nm,nm->n", X, coefs[z]) + rng.normal(size=n) * np.sqrt(params.variances[z])
    return X, y, z
