"""Semi-supervised Gaussian mixture by EM (NTU ML 2024 HW3, problem 4), on the shared EM driver.

A point's label is its class ``0, ..., K-1`` or ``-1`` for an unlabelled point (the homework
writes the classes ``1..K`` and ``0`` for "unlabelled").
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np

from . import em
from ._validation import as_array, check_choice, check_int, check_k, check_positive, check_rng
from .mixtures import _ESTIMATED, GMMParams, _clip_eigenvalues, _gmm_m_step, _gmm_params, \
    _log_gauss, _warn_if_floored

__all__ = ["fit_semi_supervised_gmm", "hide_labels"]


def _log_prior(y, weights, weights_from):
    """``log p(z_i = k | y_i)`` part of the log joint, shape (N, K): ``log pi_k`` on unlabelled
    rows; on labelled rows ``-inf`` off the label and ``0`` (``log pi_{y_i}`` if
    ``weights_from="all"``) on it."""
    with np.errstate(divide="ignore"):
        log_w = np.log(weights)
    out = np.repeat(log_w[None, :], len(y), axis=0)
    lab = np.flatnonzero(y >= 0)
    out[lab] = -np.inf
    out[lab, y[lab]] = 0.0 if weights_from == "unlabelled" else log_w[y[lab]]
    return out


def _ssgmm_log_joint(data, params, covariance="full", weights_from="unlabelled"):
    """Log joint of problem 4, shape (N, K), for ``data = (X, y)`` (``y = -1``: unlabelled):
    ``log N(x_i; mu_k, Sigma_k)`` plus :func:`_log_prior`."""
    X, y = data
    return _log_gauss(X, params.means, params.covariances, covariance) + _log_prior(
        y, params.weights, weights_from)


def _ssgmm_m_step(data, resp, params, covariance="full", reg=1e-6, weights_from="unlabelled"):
    """M-step of problem 4 (see the module notes); with no unlabelled point the weights do not
    enter the likelihood of ``weights_from="unlabelled"`` and are kept."""
    X, y = data
    new = _gmm_m_step(X, resp, covariance, reg, previous=params)
    if weights_from == "all":
        return new
    unl = y < 0
    if not unl.any():
        return GMMParams(params.weights, new.means, new.covariances)
    weights = resp[unl].sum(axis=0) / np.count_nonzero(unl)
    return GMMParams(weights / weights.sum(), new.means, new.covariances)


def _check_labels(y, n, k):
    arr = np.asarray(y)
    if arr.dtype.kind not in "iu":
        if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            arr = arr.astype(int)
        else:
            raise TypeError(f"y: expected integer labels (-1 for unlabelled), got dtype "
                            f"{arr.dtype}")
    if arr.shape != (n,):
        raise ValueError(f"y: expected shape ({n},) (one label per row of X), got {arr.shape}")
    bad = (arr < -1) | (arr >= k)
    if bad.any():
        raise ValueError(f"y: expected labels in -1 (unlabelled), 0, ..., {k - 1}, got "
                         f"{int(arr[bad][0])}")
    return arr.astype(np.intp)


def _init_from_labels(X, y, k, covariance, reg, rng) -> GMMParams:
    """The ``init="labels"`` start of :func:`fit_semi_supervised_gmm` (variances floored)."""
    means = np.empty((k, X.shape[1]))
    for c in range(k):  # a loop over classes, not over points
        rows = y == c
        means[c] = X[rows].mean(axis=0) if rows.any() else X[rng.integers(len(X))]
    if covariance == "full":
        cov = _clip_eigenvalues(np.atleast_2d(np.cov(X.T, bias=True)), reg)
        covs = np.repeat(cov[None], k, axis=0)
    elif covariance == "diag":
        covs = np.repeat(np.maximum(X.var(axis=0), reg)[None], k, axis=0)
    else:
        covs = np.full(k, max(X.var(axis=0).mean(), reg))
    return GMMParams(np.full(k, 1.0 / k), means, covs)


def fit_semi_supervised_gmm(X, y, k, *, covariance="full", weights_from="unlabelled",
                            init="labels", max_iter=200, tol=1e-6, reg=1e-6, seed=None):
    """Fit the semi-supervised Gaussian mixture of NTU ML 2024 HW3, problem 4, by EM.

    Parameters
    ----------
    X : array_like, shape (N, d)
        All points, labelled and unlabelled.
    y : array_like of int, shape (N,)
        Class ``0..k-1`` of a labelled point, ``-1`` for an unlabelled one.
    k : int
        Number of classes (components), ``1 <= k <= N``.
    covariance : {"full", "diag", "spherical"}
    weights_from : {"unlabelled", "all"}
        ``"unlabelled"``: the homework's model and M-step, ``pi_k`` from the unlabelled points
        only. ``"all"``: labelled points are mixture draws too, ``pi_k`` from all points.
    init : "labels" or dict
        ``"labels"``: class means of the labelled points (a random point for a class without
        labels), the covariance of all the data, equal weights. A dict with ``weights``,
        ``means``, ``covariances`` starts there.
    max_iter, tol, reg :
        As :func:`mlhw.fit_gmm`.
    seed : None, int or numpy.random.Generator
        Only used for a class without any labelled point.

    Returns
    -------
    EMResult
        As :func:`mlhw.fit_gmm`, with ``.weights_from``; component ``k`` is class ``k``, ``.resp``
        is one-hot on labelled rows and ``.log_likelihood`` is the model's (module notes).

    Raises
    ------
    ValueError
        For non-finite or non-2-D ``X``, labels of the wrong shape or outside ``-1..k-1``,
        ``k`` out of range, an unknown option, invalid initial parameters or a negative ``reg``.
    TypeError
        For non-integer labels or ``k``.

    Examples
    --------
    >>> from mlhw.synthetic import sample_gmm
    >>> X, z = sample_gmm(300, [0.5, 0.5], [[-2.0, 0.0], [2.0, 0.0]],
    ...                   [np.eye(2), np.eye(2)], seed=0)
    >>> y = hide_labels(z, 2, seed=0)
    >>> res = fit_semi_supervised_gmm(X, y, 2)
    >>> bool(np.all(res.labels[y >= 0] == y[y >= 0])), np.round(res.means[:, 0])
    (True, array([-2.,  2.]))
    """
    X = as_array(X, "X", ndim=2)
    n = X.shape[0]
    k = check_k(k, n)
    y = _check_labels(y, n, k)
    covariance = check_choice(covariance, "covariance", _ESTIMATED)
    weights_from = check_choice(weights_from, "weights_from", ("unlabelled", "all"))
    reg = float(check_positive(reg, "reg", strict=False, ndim=0))
    rng = check_rng(seed)
    if isinstance(init, str):
        check_choice(init, "init", ("labels",))
        start = _init_from_labels(X, y, k, covariance, reg, rng)
    else:
        start = _gmm_params(init, covariance, "init", k, X.shape[1])
    res = em.run((X, y), start,
                 partial(_ssgmm_log_joint, covariance=covariance, weights_from=weights_from),
                 partial(_ssgmm_m_step, covariance=covariance, reg=reg, weights_from=weights_from),
                 max_iter=max_iter, tol=tol, n_points=n)
    _warn_if_floored("fit_semi_supervised_gmm", res.params.covariances, covariance, reg)
    return replace(res, extra={"covariance": covariance, "weights_from": weights_from})


def hide_labels(labels, n_per_class, *, seed=None):
    """Keep ``n_per_class`` random labels of every class and mark the rest unlabelled (-1).

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        True classes ``0..K-1``.
    n_per_class : int
        Labels kept per class (all of a class's labels if it has fewer points).
    seed : None, int or numpy.random.Generator

    Returns
    -------
    ndarray of int, shape (N,)
        ``labels`` where kept, ``-1`` elsewhere.

    Examples
    --------
    >>> hide_labels([0, 0, 1, 1, 1], 1, seed=0).tolist().count(-1)
    3
    """
    lab = np.asarray(labels)
    if lab.ndim != 1 or lab.dtype.kind not in "iu" or (lab < 0).any():
        raise ValueError(f"labels: expected a 1-D array of non-negative integer classes, got "
                         f"shape {lab.shape} and dtype {lab.dtype}")
    n_per_class = check_int(n_per_class, "n_per_class", low=0)
    rng = check_rng(seed)
    out = np.full(lab.shape, -1, dtype=np.intp)
    for c in np.unique(lab):  # a loop over classes
        rows = np.flatnonzero(lab == c)
        keep = rng.choice(rows, size=min(n_per_class, len(rows)), replace=False)
        out[keep] = c
    return out
