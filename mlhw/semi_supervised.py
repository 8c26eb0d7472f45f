"""Semi-supervised Gaussian mixture by EM (NTU ML 2024 HW3, problem 4), on the shared EM driver.

Data: points ``x_i`` in R^d, each either labelled with its class ``y_i`` in ``{0, ..., K-1}`` or
unlabelled (``y_i = -1``; the homework writes the classes ``1..K`` and uses ``0`` for
"unlabelled"). The model of the homework:

* an unlabelled point is drawn from the mixture ``sum_k pi_k N(mu_k, Sigma_k)``;
* a labelled point of class ``k`` is drawn from ``N(mu_k, Sigma_k)`` -- its label is given, not
  drawn with probability ``pi_k``.

So ``log p(x_i, z_i = k)`` is ``log pi_k + log N(x_i; mu_k, Sigma_k)`` for an unlabelled point,
and for a labelled point ``log N(x_i; mu_k, Sigma_k)`` when ``k = y_i`` and ``-inf`` otherwise.
The shared driver (:mod:`mlhw.em`) then gives labelled points one-hot responsibilities with no
special case. The M-step of the homework:

    pi_k    = sum_{i unlabelled} delta_ik / N_u
    mu_k    = (sum_{y_i = k} x_i + sum_{i unlabelled} delta_ik x_i) / (N_k + sum_u delta_ik)
    Sigma_k = the same weights applied to (x_i - mu_k)(x_i - mu_k)^T

``pi`` comes from the unlabelled points only because the labelled points' likelihood does not
contain ``pi``. The alternative model (``weights_from="all"``), in which a labelled point is a
mixture draw whose label was revealed, ``log p(x_i, z_i = y_i) = log pi_{y_i} + log N(...)``,
estimates ``pi_k = (N_k + sum_u delta_ik) / N`` from all points instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from . import em
from ._validation import as_array, check_choice, check_int, check_k, check_rng
from .mixtures import (GMMParams, _check_params, _clip_eigenvalues, _warn_if_floored, gmm_log_joint,
                       gmm_m_step)

__all__ = [
    "SemiSupervisedGMMResult",
    "fit_semi_supervised_gmm",
    "hide_labels",
    "match_labels",
    "sample_gmm",
    "ssgmm_log_joint",
    "ssgmm_m_step",
]

_COVARIANCES = ("full", "diag", "spherical")
_WEIGHTS_FROM = ("unlabelled", "all")

@dataclass(frozen=True)
class SemiSupervisedGMMResult:
    """Result of :func:`fit_semi_supervised_gmm`.

    Attributes
    ----------
    weights : ndarray, shape (K,)
        Mixing weights ``pi_k`` (of the unlabelled points, unless ``weights_from="all"``).
    means : ndarray, shape (K, d)
        Component ``k`` is class ``k`` (labels fix the order: no label switching).
    covariances : ndarray
        ``(K, d, d)`` full, ``(K, d)`` diag or ``(K,)`` spherical.
    covariance : str
    weights_from : str
    log_likelihood : ndarray, shape (n_iter + 1,)
        ``sum_{unlabelled} log sum_k pi_k N(x_i; mu_k, Sigma_k) +
        sum_{labelled} log N(x_i; mu_{y_i}, Sigma_{y_i})`` at the start and after every M-step.
    resp : ndarray, shape (N, K)
        Responsibilities ``delta_ik``; one-hot on labelled rows.
    converged : bool
    n_iter : int
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    covariance: str
    weights_from: str
    log_likelihood: np.ndarray
    resp: np.ndarray
    converged: bool
    n_iter: int

    @property
    def labels(self) -> np.ndarray:
        """Most probable class of every point (the given label for labelled points)."""
        return np.argmax(self.resp, axis=1)

    @property
    def params(self) -> GMMParams:
        return GMMParams(self.weights, self.means, self.covariances)

def _log_prior(y, weights, weights_from):
    """``log p(z_i = k | y_i)`` part of the log joint, shape (N, K).

    Unlabelled rows: ``log pi_k``. Labelled rows: ``-inf`` off the label; on the label ``0``
    (the homework's model) or ``log pi_{y_i}`` (``weights_from="all"``).
    """
    with np.errstate(divide="ignore"):
        log_w = np.log(weights)
    out = np.repeat(log_w[None, :], len(y), axis=0)
    lab = np.flatnonzero(y >= 0)
    out[lab] = -np.inf
    out[lab, y[lab]] = 0.0 if weights_from == "unlabelled" else log_w[y[lab]]
    return out

def ssgmm_log_joint(data, params: GMMParams, covariance: str = "full",
                    weights_from: str = "unlabelled") -> np.ndarray:
    """Log joint of problem 4, shape (N, K).

    Parameters
    ----------
    data : tuple (X, y)
        ``X`` (N, d) and integer labels ``y`` (N,), ``-1`` for unlabelled.
    params : GMMParams
    covariance : {"full", "diag", "spherical"}
    weights_from : {"unlabelled", "all"}
        The model of the labelled points (see the module docstring).

    Returns
    -------
    ndarray, shape (N, K)
        ``log pi_k + log N(x_i; mu_k, Sigma_k)`` on unlabelled rows; on a labelled row
        ``log N(x_i; mu_{y_i}, Sigma_{y_i})`` (plus ``log pi_{y_i}`` if ``weights_from="all"``)
        in column ``y_i`` and ``-inf`` elsewhere.

    Raises
    ------
    ValueError
        For invalid data, labels, parameters or option names (``TypeError`` for ``params`` that
        are not :class:`GMMParams`).
    """
    X, y, k = _check_data_pair(data, params)
    covariance = check_choice(covariance, "covariance", _COVARIANCES)
    weights_from = check_choice(weights_from, "weights_from", _WEIGHTS_FROM)
    # gmm_log_joint with unit weights is the plain log density log N(x_i; mu_k, Sigma_k)
    dens = gmm_log_joint(X, GMMParams(np.ones(k), params.means, params.covariances), covariance)
    return dens + _log_prior(y, params.weights, weights_from)

def ssgmm_m_step(data, resp, params: GMMParams, covariance: str = "full", reg: float = 1e-6,
                 weights_from: str = "unlabelled") -> GMMParams:
    """M-step of problem 4.

    Means and covariances are the responsibility-weighted estimates over all points (one-hot
    rows for labelled points give the homework's ``sum_{y_i = k} + sum_{unlabelled} delta_ik``),
    with every variance floored at ``reg`` as in :func:`mlhw.mixtures.gmm_m_step`. The weights are
    ``sum_{unlabelled} delta_ik / N_u`` (``weights_from="unlabelled"``; with no unlabelled point
    they do not enter the likelihood and are kept) or ``sum_i delta_ik / N``
    (``weights_from="all"``).

    Parameters
    ----------
    data : tuple (X, y)
    resp : ndarray, shape (N, K)
    params : GMMParams
        Current parameters.
    covariance : {"full", "diag", "spherical"}
    reg : float
    weights_from : {"unlabelled", "all"}

    Returns
    -------
    GMMParams

    Raises
    ------
    ValueError
        For invalid data, labels, responsibilities or option names.
    """
    X, y, _ = _check_data_pair(data, params)
    covariance = check_choice(covariance, "covariance", _COVARIANCES)
    weights_from = check_choice(weights_from, "weights_from", _WEIGHTS_FROM)
    new = gmm_m_step(X, resp, covariance, reg, previous=params)
    if weights_from == "all":
        return new
    unl = y < 0
    if not unl.any():
        return GMMParams(params.weights, new.means, new.covariances)
    weights = resp[unl].sum(axis=0) / np.count_nonzero(unl)
    return GMMParams(weights / weights.sum(), new.means, new.covariances)

def _check_data_pair(data, params):
    """``(X, y, K)`` from the ``data`` pair the EM driver passes (checked once per iteration)."""
    if not isinstance(data, tuple) or len(data) != 2:
        raise ValueError(f"data: expected an (X, y) pair, got {type(data).__name__}")
    if not isinstance(params, GMMParams):
        raise TypeError(f"params: expected GMMParams, got {type(params).__name__}")
    X = as_array(data[0], "X", ndim=2)
    k = len(params.means)
    w = np.asarray(params.weights, dtype=float)
    if w.shape != (k,) or np.any(w < 0):
        raise ValueError(f"params: expected {k} non-negative weights, got {w.tolist()}")
    if not np.all(np.isfinite(w)):
        raise FloatingPointError("params: the weights are not finite (an overflow); rescale X")
    return X, _check_labels(data[1], len(X), k), k

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

def _global_covariance(X, k, covariance, reg):
    var = X.var(axis=0)
    if covariance == "full":
        cov = _clip_eigenvalues(np.atleast_2d(np.cov(X.T, bias=True)), reg)
        return np.repeat(cov[None], k, axis=0)
    if covariance == "diag":
        return np.repeat(np.maximum(var, reg)[None], k, axis=0)
    return np.full(k, max(var.mean(), reg))

def _init_from_labels(X, y, k, covariance, reg, rng) -> GMMParams:
    """Means: class means of the labelled points (a random point for a class with no label);
    covariances: the covariance of all the data; equal weights."""
    means = np.empty((k, X.shape[1]))
    for c in range(k):  # a loop over classes, not over points
        rows = y == c
        means[c] = X[rows].mean(axis=0) if rows.any() else X[rng.integers(len(X))]
    return GMMParams(np.full(k, 1.0 / k), means, _global_covariance(X, k, covariance, reg))

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
        Layout of the covariances, as :func:`mlhw.fit_gmm`.
    weights_from : {"unlabelled", "all"}
        ``"unlabelled"``: the homework's model and M-step, ``pi_k`` from the unlabelled points
        only. ``"all"``: labelled points are mixture draws too, ``pi_k`` from all points.
    init : "labels" or dict
        ``"labels"``: class means of the labelled points (a random point for a class without
        labels), the covariance of all the data, equal weights. A dict with ``weights``,
        ``means``, ``covariances`` starts there.
    max_iter : int
    tol : float
        Stop when the mean log-likelihood per point changes by less than ``tol``.
    reg : float
        Non-negative floor on every variance (eigenvalue) in each M-step.
    seed : None, int or numpy.random.Generator
        Only used for a class without any labelled point.

    Returns
    -------
    SemiSupervisedGMMResult

    Raises
    ------
    ValueError
        For non-finite or non-2-D ``X``, labels of the wrong shape or outside ``-1..k-1``,
        ``k`` out of range, an unknown option, invalid initial parameters or a negative ``reg``.
    TypeError
        For non-integer labels or ``k``.

    Examples
    --------
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
    covariance = check_choice(covariance, "covariance", _COVARIANCES)
    weights_from = check_choice(weights_from, "weights_from", _WEIGHTS_FROM)
    max_iter = check_int(max_iter, "max_iter", low=1)
    reg = float(reg)
    if not np.isfinite(reg) or reg < 0:
        raise ValueError(f"reg: expected a finite non-negative number, got {reg!r}")
    rng = check_rng(seed)
    if isinstance(init, str):
        check_choice(init, "init", ("labels",))
        start = _init_from_labels(X, y, k, covariance, reg, rng)
    else:
        start = _check_params(init, k, X.shape[1], covariance, "init")

    def log_joint(data, p):
        return ssgmm_log_joint(data, p, covariance, weights_from)

    def m_step(data, resp, p):
        return ssgmm_m_step(data, resp, p, covariance, reg, weights_from)

    res = em.run((X, y), start, log_joint, m_step, max_iter=max_iter, tol=tol, n_points=n)
    p = res.params
    _warn_if_floored("fit_semi_supervised_gmm", p.covariances, covariance, reg)
    return SemiSupervisedGMMResult(weights=p.weights, means=p.means, covariances=p.covariances,
                                   covariance=covariance, weights_from=weights_from,
                                   log_likelihood=res.log_likelihood, resp=res.resp,
                                   converged=res.converged, n_iter=res.n_iter)

def sample_gmm(n, weights, means, covariances, *, seed=None):
    """Draw ``n`` points from a full-covariance Gaussian mixture (synthetic data for problem 4).

    Validates the parameters as a full-covariance mixture and draws with
    :func:`mlhw.synthetic.sample_gmm`, the package's one mixture sampler.

    Parameters
    ----------
    n : int
    weights : array_like, shape (K,)
    means : array_like, shape (K, d)
    covariances : array_like, shape (K, d, d)
        Symmetric positive definite.
    seed : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray, shape (n, d)
    z : ndarray, shape (n,)
        The component of each point.

    Examples
    --------
    >>> X, z = sample_gmm(4, [1.0], [[0.0, 0.0]], [np.eye(2)], seed=1)
    >>> X.shape, z.tolist()
    ((4, 2), [0, 0, 0, 0])
    """
    from .synthetic import sample_gmm as sample_mixture

    n = check_int(n, "n", low=1)
    w = np.atleast_1d(np.asarray(weights, dtype=float))
    means_arr = as_array(means, "means", ndim=2)
    p = _check_params({"weights": weights, "means": means, "covariances": covariances},
                      len(w), means_arr.shape[1], "full", "mixture")
    return sample_mixture(n, p, covariance="full", seed=seed)

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

def match_labels(pred, true, k=None):
    """Best one-to-one matching of predicted components to true classes (Hungarian algorithm).

    Unsupervised EM numbers its components arbitrarily; before comparing with the true classes
    the components must be matched to them (``scipy.optimize.linear_sum_assignment`` on the
    confusion matrix).

    Parameters
    ----------
    pred : array_like of int, shape (N,)
        Predicted components ``0..k-1``.
    true : array_like of int, shape (N,)
        True classes ``0..k-1``.
    k : int, optional
        Number of classes (default: one more than the largest label seen).

    Returns
    -------
    ndarray of int, shape (k,)
        ``perm[c]`` is the true class matched to component ``c``; ``perm[pred]`` relabels.

    Examples
    --------
    >>> match_labels([1, 1, 0, 0], [0, 0, 1, 1]).tolist()
    [1, 0]
    """
    pred = np.asarray(pred)
    true = np.asarray(true)
    if pred.shape != true.shape or pred.ndim != 1:
        raise ValueError(f"pred, true: expected two 1-D arrays of the same length, got shapes "
                         f"{pred.shape} and {true.shape}")
    for name, a in (("pred", pred), ("true", true)):
        if a.dtype.kind not in "iu" or (a.size and a.min() < 0):
            raise ValueError(f"{name}: expected non-negative integer labels, got dtype "
                             f"{a.dtype}")
    if k is None:
        k = int(max(pred.max(initial=0), true.max(initial=0))) + 1
    k = check_int(k, "k", low=1)
    if pred.size and max(pred.max(), true.max()) >= k:
        raise ValueError(f"k: expected more than the largest label, got k={k}")
    confusion = np.zeros((k, k))
    np.add.at(confusion, (pred, true), 1)
    rows, cols = linear_sum_assignment(-confusion)
    perm = np.empty(k, dtype=np.intp)
    perm[rows] = cols
    return perm
