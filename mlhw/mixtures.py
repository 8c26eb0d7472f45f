"""Gaussian mixture models on the shared EM driver, with full, diagonal, spherical or fixed
covariances.

Answers CS181 HW4 "Clustering and EM" problem 2 (EM for a GMM derived), Waterloo CS480/680 HW4
exercise 1 (diagonal GMM) and provides the pieces of the semi-supervised GMM; this module's notes
set out the covariance layouts, the variance floor ``reg`` and the empty-component policy.
"""

from __future__ import annotations

import warnings
from contextlib import nullcontext
from dataclasses import dataclass, replace

import numpy as np
from scipy.linalg import cholesky, solve_triangular
from scipy.special import logsumexp
from threadpoolctl import threadpool_limits

from . import em
from ._gaussian import LOG_2PI as _LOG_2PI, check_cov
from ._validation import as_array, check_choice, check_int, check_k, check_positive, \
    check_probabilities, check_rng
from ._warnings import EmptyComponentWarning, VarianceFloorWarning

__all__ = ["COVARIANCE_TYPES", "GMMParams", "fit_gmm", "gmm_log_likelihood", "gmm_predict",
           "n_parameters"]

COVARIANCE_TYPES = ("full", "diag", "spherical", "fixed")
_ESTIMATED = COVARIANCE_TYPES[:3]  # the types whose covariances are estimated, not given


def _warn_if_floored(who: str, covariances, covariance: str, floor: float,
                     stacklevel: int = 3) -> None:
    """Issue one :class:`~mlhw.VarianceFloorWarning` if any fitted variance (eigenvalue, for
    ``"full"``, up to its rounding) sits at ``floor``, which the M-steps clip to exactly."""
    if floor <= 0 or covariance == "fixed":
        return
    full = covariance == "full"
    vals = np.linalg.eigvalsh(covariances) if full else np.asarray(covariances)
    at = int(np.sum(vals <= (floor * (1 + 1e-8) if full else floor)))
    if at:
        what = "eigenvalues of the covariances" if full else "variances"
        warnings.warn(f"{who}: {at} of {vals.size} {what} ended at the floor reg={floor:g}, "
                      "where the data's spread is below it (a component on few distinct points, "
                      "a feature constant within a component, or data on the scale of "
                      "sqrt(reg)); those are the floor, not estimates", VarianceFloorWarning,
                      stacklevel=stacklevel)


@dataclass(frozen=True)
class GMMParams:
    """Parameters of a Gaussian mixture: ``weights (k,)``, ``means (k, d)``, ``covariances``."""

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray


def _log_gauss(X, means, covariances, covariance, x_sq=None):
    """``log N(x_n | mu_k, Sigma_k)``, shape (N, k); ``x_sq`` may hold ``X * X`` precomputed."""
    n, d = X.shape
    k = len(means)
    if covariance == "full":
        out = np.empty((n, k))
        for j in range(k):
            try:
                chol = cholesky(covariances[j], lower=True)
            except np.linalg.LinAlgError:
                raise FloatingPointError(f"covariance of component {j} is not positive "
                                         "definite; increase reg") from None
            except ValueError:  # SciPy's check_finite: the covariance overflowed
                raise FloatingPointError(f"covariance of component {j} overflows float64; "
                                         "rescale X") from None
            # whitening: z = L^{-1} (x - mu); the product with L^{-T} is one matrix product
            prec_chol = solve_triangular(chol, np.eye(d), lower=True).T
            z = X @ prec_chol - means[j] @ prec_chol
            out[:, j] = (-0.5 * (d * _LOG_2PI + np.einsum("ij,ij->i", z, z))
                         - np.log(np.diag(chol)).sum())
        return out
    if x_sq is None:
        x_sq = X * X
    if covariance == "diag":
        prec = 1.0 / covariances
        big = x_sq @ prec.T + np.sum(means * means * prec, axis=1)  # the terms that cancel
        maha = big - 2.0 * (X @ (means * prec).T)
        log_det = np.sum(np.log(covariances), axis=1)
    else:  # spherical and fixed: sigma_k^2 I
        var = covariances
        prec = np.repeat((1.0 / var)[:, None], d, axis=1)
        big = (x_sq.sum(axis=1)[:, None] + np.einsum("ij,ij->i", means, means)) / var
        maha = np.maximum(big - 2.0 * (X @ means.T) / var, 0.0)
        log_det = d * np.log(var)
    out = -0.5 * (d * _LOG_2PI + maha + log_det)
    return _refine_log_gauss(out, big, X, means, prec, log_det)


def _refine_log_gauss(out, big, X, means, prec, log_det):
    """Recompute from the deviations ``x - mu`` the entries of ``out`` within 100 nats of their
    row's best whose expanded quadratic form lost its precision (rounding about ``eps * big``)."""
    eps4 = 4.0 * np.finfo(float).eps
    if big.max() * eps4 <= 1e-12:  # the usual case, decided by one reduction
        return out
    err = eps4 * big
    suspect = err > 1e-12 * np.maximum(1.0, np.abs(out))
    if not suspect.any():
        return out
    suspect &= out + err >= (out - err).max(axis=1, keepdims=True) - 100.0
    rows, cols = np.nonzero(suspect)
    d = X.shape[1]
    for s in range(0, len(rows), 4096):  # bounded temporaries, a loop over blocks of entries
        r, c = rows[s:s + 4096], cols[s:s + 4096]
        dev = X[r] - means[c]
        out[r, c] = -0.5 * (d * _LOG_2PI + np.einsum("ij,ij->i", dev * dev, prec[c]) + log_det[c])
    return out


def _gmm_log_joint(X, params, covariance, x_sq=None):
    """Per-point log joint ``log pi_k + log N(x_n | mu_k, Sigma_k)``, shape (N, k); ``x_sq``
    may hold ``X * X``, computed once per fit."""
    with np.errstate(divide="ignore"):
        log_w = np.log(params.weights)
    return log_w + _log_gauss(X, params.means, params.covariances, covariance, x_sq)


def _clip_eigenvalues(cov, reg):
    """The covariance with every eigenvalue at least ``reg`` closest in the M-step objective
    ``-log det C - tr(C^{-1} S)``: ``S`` with its eigenvalues below ``reg`` raised to ``reg``."""
    if reg <= 0:
        return cov
    d = len(cov)
    try:
        np.linalg.cholesky(cov - reg * np.eye(d))
        return cov
    except np.linalg.LinAlgError:
        vals, vecs = np.linalg.eigh(cov)
        out = (vecs * np.maximum(vals, reg)) @ vecs.T
        return (out + out.T) / 2


def _gmm_m_step(X, resp, covariance, reg=1e-6, previous=None, update_weights=True, x_sq=None):
    """Maximum-likelihood parameters given responsibilities (the M-step).

    ``weights_k = N_k / N``, ``means_k = sum_n r_nk x_n / N_k`` and the responsibility-weighted
    covariances, every variance (eigenvalue) floored at ``reg``. With one-hot ``resp`` this is
    exactly the supervised (generative classifier) estimate of each class. ``"fixed"`` keeps the
    variances of ``previous`` (a :class:`GMMParams`); ``update_weights=False`` keeps its weights.
    Rows of ``resp`` need not be normalised (weighted fits).
    """
    n, d = X.shape
    raw_nk = resp.sum(axis=0)
    nk = raw_nk + 10 * np.finfo(float).eps  # for the weights, as scikit-learn
    # means and covariances divide by the exact total (guarded for empty components, replaced
    # below): adding eps there would move the mean of a lone point off the point
    den = np.where(raw_nk > 0, raw_nk, 1.0)
    means = (resp.T @ X) / den[:, None]
    if update_weights:
        weights = nk / nk.sum()
    else:
        weights = previous.weights
    if covariance == "full":
        covs = np.empty((len(nk), d, d))
        for j in range(len(nk)):
            diff = X - means[j]
            covs[j] = _clip_eigenvalues((resp[:, j, None] * diff).T @ diff / den[j], reg)
    elif covariance in ("diag", "spherical"):
        avg_x2 = (resp.T @ (X * X if x_sq is None else x_sq)) / den[:, None]
        var = avg_x2 - means**2
        # E[x^2] - mean^2 loses log10(E[x^2] / var) digits to cancellation: where that exceeds
        # three (a component collapsed onto identical points away from the origin, data far from
        # the origin relative to their spread), recompute those entries by the two-pass sum of
        # squared deviations, so that rounding cannot make the log-likelihood decrease
        inexact = avg_x2 > 1e3 * (np.maximum(var, 0.0) + reg)
        for j in np.flatnonzero(inexact.any(axis=1)):  # a loop over components, not points
            cols = np.flatnonzero(inexact[j])
            dev = X[:, cols] - means[j, cols]
            exact = resp[:, j] @ (dev * dev) / den[j]
            # points that coincide up to the rounding of their mean have variance 0, exactly
            var[j, cols] = np.where(exact <= (4 * np.finfo(float).eps) ** 2 * avg_x2[j, cols],
                                    0.0, exact)
        var = np.maximum(var, 0.0)
        covs = np.maximum(var.mean(axis=1) if covariance == "spherical" else var, reg)
    else:  # fixed
        covs = previous.covariances
    empty = raw_nk <= 1e-12 * n
    if previous is not None and previous.means is not None and np.any(empty):
        # any mean and covariance maximise Q for a component without responsibility: keep the
        # previous ones rather than the 0/0 estimate (the log-likelihood still never decreases)
        means[empty] = previous.means[empty]
        covs = covs.copy()
        covs[empty] = previous.covariances[empty]
        warnings.warn(f"{int(empty.sum())} empty component(s) kept their previous mean and "
                      "covariance", EmptyComponentWarning, stacklevel=2)
    return GMMParams(weights, means, covs)


def gmm_log_likelihood(X, weights, means, covariances, covariance: str = "full") -> float:
    """Observed-data log-likelihood ``sum_n log sum_k pi_k N(x_n | mu_k, Sigma_k)``.

    Parameters
    ----------
    X : array_like, shape (N, d)
    weights : array_like, shape (k,)
        Mixing weights (non-negative, summing to one).
    means : array_like, shape (k, d)
    covariances : array_like
        In the layout of ``covariance`` (see the module notes).
    covariance : {"full", "diag", "spherical", "fixed"}

    Returns
    -------
    float
        The log-likelihood, a sum over points.

    Raises
    ------
    ValueError
        For non-finite or mismatched data, weights that are not probabilities or covariances
        that are not positive (definite).

    Examples
    --------
    >>> round(gmm_log_likelihood([[0.0]], [1.0], [[0.0]], [[1.0]], "diag"), 6)
    -0.918939
    """
    X = as_array(X, "X", ndim=2)
    covariance = check_choice(covariance, "covariance", COVARIANCE_TYPES)
    params = _gmm_params(GMMParams(weights, means, covariances), covariance, d=X.shape[1])
    return float(logsumexp(_gmm_log_joint(X, params, covariance), axis=1).sum())


def gmm_predict(X, params: GMMParams, covariance: str = "full"):
    """Responsibilities ``p(z = k | x)`` of new points under a mixture, shape (N, k).

    Parameters
    ----------
    X : array_like, shape (N, d)
    params : GMMParams
    covariance : {"full", "diag", "spherical", "fixed"}

    Returns
    -------
    ndarray, shape (N, k)
        Rows sum to one.

    Raises
    ------
    ValueError
        As :func:`gmm_log_likelihood`, for the parameters in ``params``.
    TypeError
        If ``params`` is not a :class:`GMMParams`.

    Examples
    --------
    >>> p = GMMParams(np.array([0.5, 0.5]), np.array([[0.0], [4.0]]), np.ones(2))
    >>> gmm_predict([[2.0]], p, "spherical")
    array([[0.5, 0.5]])
    """
    X = as_array(X, "X", ndim=2)
    covariance = check_choice(covariance, "covariance", COVARIANCE_TYPES)
    if not isinstance(params, GMMParams):
        raise TypeError(f"params: expected GMMParams, got {type(params).__name__}")
    params = _gmm_params(params, covariance, "params", d=X.shape[1])
    return em.e_step(X, params, lambda x, p: _gmm_log_joint(x, p, covariance))[1]


def n_parameters(k: int, d: int, covariance: str) -> int:
    """Number of free parameters (for BIC): ``k - 1`` weights, ``k d`` means and the variances.

    Parameters
    ----------
    k, d : int
        Components and features, each at least 1.
    covariance : {"full", "diag", "spherical", "fixed"}
        As in :func:`mlhw.fit_gmm` (``"fixed"`` variances are not estimated).

    Returns
    -------
    int

    Raises
    ------
    TypeError, ValueError
        For a non-integer or non-positive ``k`` or ``d``, or an unknown ``covariance``.

    Examples
    --------
    >>> n_parameters(2, 3, "diag")   # 1 weight, 6 means, 6 variances
    13
    """
    k = check_int(k, "k", low=1)
    d = check_int(d, "d", low=1)
    covariance = check_choice(covariance, "covariance", COVARIANCE_TYPES)
    cov = {"full": k * d * (d + 1) // 2, "diag": k * d, "spherical": k, "fixed": 0}[covariance]
    return (k - 1) + k * d + cov


def _gmm_params(init, covariance, name="", k=None, d=None) -> GMMParams:
    """Checked :class:`GMMParams` from a dict (or a :class:`GMMParams`) of mixture parameters;
    messages name ``name['weights']``, ... (the bare keys when ``name`` is empty)."""
    if isinstance(init, GMMParams):
        init = vars(init)
    if not isinstance(init, dict) or set(init) != {"weights", "means", "covariances"}:
        got = sorted(init) if isinstance(init, dict) else type(init).__name__
        raise ValueError(f"{name or 'params'}: expected a dict with keys 'weights', 'means', "
                         f"'covariances', got {got}")
    label = {key: f"{name}['{key}']" if name else key for key in init}
    weights = check_probabilities(init["weights"], label["weights"], shape=(k,))
    k = len(weights)
    means = as_array(init["means"], label["means"], shape=(k, d))
    d = means.shape[1]
    shape = {"full": (k, d, d), "diag": (k, d)}.get(covariance, (k,))
    if covariance == "full":
        covs = check_cov(init["covariances"], label["covariances"], shape=shape)[0]
    else:
        covs = as_array(init["covariances"], label["covariances"], shape=shape)
        if np.any(covs <= 0):
            raise ValueError(f"{label['covariances']}: expected positive variances, got minimum "
                             f"{covs.min()!r}")
    return GMMParams(weights, means, covs)


def _gmm_initial_params(X, k, covariance, init, reg, sigma2, rng) -> GMMParams:
    n, d = X.shape
    if isinstance(init, (dict, GMMParams)):
        params = _gmm_params(init, covariance, "init", k, d)
        if covariance == "fixed":  # the variance is sigma2, whatever the dict says
            return GMMParams(params.weights, params.means, np.full(k, sigma2))
        covs = params.covariances
        clipped = (np.array([_clip_eigenvalues(c, reg) for c in covs]) if covariance == "full"
                   else np.maximum(covs, reg))
        if not np.array_equal(clipped, covs):
            warnings.warn(f"init: initial covariances with a variance (eigenvalue) below the floor "
                          f"reg={reg:g} were raised to it; EM keeps every variance at least reg",
                          RuntimeWarning, stacklevel=4)
            params = GMMParams(params.weights, params.means, clipped)
        return params
    if init is not None and not (isinstance(init, str) and init in ("kmeans", "k-means++", "random")):
        got = repr(init) if isinstance(init, str) else type(init).__name__
        raise ValueError(f"init: expected None, 'kmeans', 'k-means++', 'random' or a dict of "
                         f"parameters, got {got}")
    if init == "random":
        resp = rng.random((n, k))
        resp /= resp.sum(axis=1, keepdims=True)
    else:
        if init == "k-means++":
            from .lloyd import _kmeans_plusplus, _squared_distances

            labels = np.argmin(_squared_distances(X, _kmeans_plusplus(X, k, rng)), axis=1)
        else:
            from .lloyd import _lloyd_fit

            labels = _lloyd_fit(X, k, max_iter=100, rng=rng).labels
        resp = np.zeros((n, k))
        resp[np.arange(n), labels] = 1.0
    prev = GMMParams(None, None, np.full(k, sigma2)) if covariance == "fixed" else None
    return _gmm_m_step(X, resp, covariance, reg, previous=prev)


def fit_gmm(X, k, *, covariance="full", init=None, max_iter=100, tol=1e-3, reg=1e-6, seed=None,
            sigma2=None, n_init=1):
    """Fit a Gaussian mixture by EM.

    Parameters
    ----------
    X : array_like, shape (N, d)
    k : int
        Number of components, ``1 <= k <= N``.
    covariance : {"full", "diag", "spherical", "fixed"}
    init : None, "kmeans", "k-means++", "random" or dict
        None or "kmeans": responsibilities from a k-means run; "k-means++": from the nearest
        k-means++ seed; "random": random responsibilities. A dict with ``weights``, ``means``,
        ``covariances`` (same layout as the result) gives the initial parameters themselves;
        initial variances (eigenvalues) below ``reg`` are raised to ``reg``, with a
        ``RuntimeWarning``, so that EM starts inside the set it maximises over.
    max_iter : int
    tol : float
        Stop when an iteration gains less than ``tol`` in mean log-likelihood per point
        (:mod:`mlhw.em`); ``tol=0`` runs exactly ``max_iter`` iterations.
    reg : float
        Non-negative floor on every variance (every eigenvalue of a full covariance) in each
        M-step; see the module notes.
    seed : None, int or numpy.random.Generator
    sigma2 : float, optional
        The known shared variance for ``covariance="fixed"`` (required there).
    n_init : int
        Number of initialisations; the best final log-likelihood wins (needs a random init).

    Returns
    -------
    EMResult
        ``params`` a :class:`GMMParams` (``.weights``, ``.means``, ``.covariances`` in the layout
        of ``covariance``), ``.covariance`` the covariance type; ``.log_likelihood`` is a sum
        over points, at the start and after every M-step.

    Raises
    ------
    ValueError
        For non-finite or non-2-D data, ``k`` out of range, an unknown covariance type or init,
        invalid initial parameters, a negative ``reg`` or a missing/non-positive ``sigma2``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = np.concatenate([rng.normal(-3, 1, (200, 1)), rng.normal(3, 1, (200, 1))])
    >>> res = fit_gmm(X, 2, covariance="diag", seed=0)
    >>> np.sort(res.means.ravel()).round(1)
    array([-3. ,  2.9])
    """
    X = as_array(X, "X", ndim=2)
    k = check_k(k, len(X))
    return _fit_gmm(X, k, check_rng(seed),
                    **_gmm_options(covariance, init, max_iter, tol, reg, sigma2, n_init))


def _gmm_options(covariance, init, max_iter, tol, reg, sigma2, n_init) -> dict:
    """The checked options of :func:`fit_gmm` but ``X``, ``k``, ``seed``, for :func:`_fit_gmm`."""
    covariance = check_choice(covariance, "covariance", COVARIANCE_TYPES)
    max_iter, tol, n_init = em._check_options(max_iter, tol, n_init,
                                              isinstance(init, (dict, GMMParams)))
    reg = float(check_positive(reg, "reg", strict=False, ndim=0))
    if covariance == "fixed":
        if sigma2 is None:
            raise ValueError("sigma2: expected a positive variance for covariance='fixed', "
                             "got None")
        sigma2 = float(check_positive(sigma2, "sigma2", ndim=0))
    elif sigma2 is not None:
        raise ValueError(f"sigma2: expected None (it is only used with covariance='fixed'), "
                         f"got {sigma2!r} with covariance={covariance!r}")
    return {"covariance": covariance, "init": init, "max_iter": max_iter, "tol": tol,
            "reg": reg, "sigma2": sigma2, "n_init": n_init}


def _fit_gmm(X, k, rng, *, covariance, init, max_iter, tol, reg, sigma2, n_init):
    """:func:`fit_gmm` on checked data and options (:func:`_gmm_options`), ``rng`` a Generator."""
    x_sq = None if covariance == "full" else X * X  # computed once for the whole fit

    def log_joint(x, p):
        return _gmm_log_joint(x, p, covariance, x_sq)

    def m_step(x, resp, p):
        return _gmm_m_step(x, resp, covariance, reg, previous=p, x_sq=x_sq)

    def start(r):
        return _gmm_initial_params(X, k, covariance, init, reg, sigma2, r)

    fixed = isinstance(init, (dict, GMMParams))
    # one BLAS thread runs the full model's many small calls faster (see the module notes)
    threads = threadpool_limits(limits=1, user_api="blas") if covariance == "full" else nullcontext()
    with threads:
        res = em._run(X, start(rng) if fixed else start, log_joint, m_step, max_iter, tol,
                      n_init, rng)
    _warn_if_floored("fit_gmm", res.params.covariances, covariance, reg, stacklevel=4)
    return replace(res, extra={"covariance": covariance})
