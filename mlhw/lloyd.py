"""k-means and k-medians: Lloyd's algorithm, one loop for two metrics.

:func:`kmeans` (squared Euclidean distance, mean updates) and :func:`kmedians` (l1 distance,
coordinate-wise median updates) share the initialisation, the empty-cluster policy and the stopping
rule, stated in :func:`kmeans`. :func:`sigma_path` relates k-means to fixed-variance EM.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.spatial.distance import cdist
from scipy.special import entr

from ._validation import (as_array, check_int, check_k, check_positive, check_probabilities,
                          check_rng)
from ._warnings import EmptyClusterWarning
from .principal import _flatten

__all__ = ["SIGMA_LIMIT_CENTERS", "LloydResult", "SigmaPath", "kmeans",
           "kmeans_plusplus", "kmedians", "responsibility_entropy", "sigma_limit_blobs",
           "sigma_path", "squared_distances"]


@dataclass(frozen=True)
class LloydResult:
    """Result of :func:`kmeans` and :func:`kmedians`.

    Attributes
    ----------
    centers : ndarray, shape (k, d)
        Means (k-means) or coordinate-wise medians (k-medians) of the final clusters.
    labels : ndarray of int, shape (n,)
        Index of the nearest final centre of every point (ties go to the lowest index).
    objective : ndarray
        Sum of the distances (squared Euclidean for k-means, l1 for k-medians) of the points to
        their assigned centres, after each assignment step; the last entry belongs to the final
        ``labels`` and ``centers`` (for k-means, scikit-learn's ``inertia_``). Never increases.
    n_iter : int
        Number of centre updates.
    converged : bool
        Whether the assignments stopped changing or the centres moved by at most ``tol``.
    """

    centers: np.ndarray
    labels: np.ndarray
    objective: np.ndarray
    n_iter: int
    converged: bool

    @property
    def inertia(self) -> float:
        """Final objective."""
        return float(self.objective[-1])


def squared_distances(X, centers):
    """Squared Euclidean distances between the rows of ``X`` (n, d) and ``centers`` (k, d).

    Parameters
    ----------
    X, centers : array_like, shapes (n, d) and (k, d)

    Returns
    -------
    ndarray, shape (n, k)
        ``||x||^2 - 2 x.c + ||c||^2`` by one matrix product, clipped at 0.

    Raises
    ------
    ValueError
        For non-finite entries or mismatched shapes.

    Examples
    --------
    >>> squared_distances([[0.0, 0.0], [1.0, 2.0]], [[1.0, 1.0]])
    array([[2.],
           [1.]])
    """
    X = as_array(X, "X", ndim=2)
    centers = as_array(centers, "centers", ndim=2, shape=(None, X.shape[1]))
    return _squared_distances(X, centers)


def _squared_distances(X, centers, x_sq=None):
    if x_sq is None:
        x_sq = np.einsum("ij,ij->i", X, X)
    c_sq = np.einsum("ij,ij->i", centers, centers)
    d2 = X @ centers.T
    d2 *= -2.0
    d2 += x_sq[:, None]
    d2 += c_sq[None, :]
    np.maximum(d2, 0.0, out=d2)
    return d2


def _assign(X, centers, x_sq):
    """Nearest centre of every point and its squared distance (distances as a k x n product)."""
    d2 = centers @ X.T
    d2 *= -2.0
    d2 += np.einsum("ij,ij->i", centers, centers)[:, None]
    labels = np.argmin(d2, axis=0)
    d2_min = np.maximum(d2[labels, np.arange(len(X))] + x_sq, 0.0)
    return labels, d2_min


def _assign_l1(X, centers):
    """Nearest centre of every point in the l1 distance, and that distance."""
    dist = cdist(X, centers, metric="cityblock")
    labels = np.argmin(dist, axis=1)
    return labels, dist[np.arange(len(X)), labels]


def _total(dist) -> float:
    """Sum of the distances; an overflow raises, never a NaN objective."""
    total = float(dist.sum())
    if not np.isfinite(total):
        raise FloatingPointError("the distances of the data to the centres overflow float64 "
                                 "(or are NaN); rescale X, for example to unit variance")
    return total


def _plusplus(X, k, rng, cost, n_local_trials=None):
    """Greedy ++ seeding: ``cost(C)`` gives the (n, m) distances of the points to centres C."""
    n = len(X)
    n_local_trials = 2 + int(np.log(k)) if n_local_trials is None else n_local_trials
    centers = np.empty((k, X.shape[1]))
    centers[0] = X[rng.integers(n)]
    closest = cost(centers[:1])[:, 0]
    pot = _total(closest)
    for c in range(1, k):
        if pot <= 0:  # all remaining points coincide with chosen centres
            centers[c] = X[rng.integers(n)]
            continue
        rand = rng.random(n_local_trials) * pot
        cand = np.clip(np.searchsorted(np.cumsum(closest), rand), 0, n - 1)
        d_cand = cost(X[cand])
        np.minimum(d_cand, closest[:, None], out=d_cand)
        pots = d_cand.sum(axis=0)
        best = int(np.argmin(pots))
        centers[c] = X[cand[best]]
        closest, pot = d_cand[:, best], pots[best]
    return centers


def kmeans_plusplus(X, k, *, seed=None, n_local_trials=None):
    """Greedy k-means++ seeding (Arthur and Vassilvitskii, 2007), the default start of :func:`kmeans`.

    Parameters
    ----------
    X : array_like, shape (n, d)
    k : int
        Number of centres, ``1 <= k <= n``.
    seed : None, int or numpy.random.Generator
    n_local_trials : int, optional
        Candidates per centre (default ``2 + int(log k)``).

    Returns
    -------
    centers : ndarray, shape (k, d)
        Data points.

    Raises
    ------
    ValueError
        For non-finite or non-2-D data, ``k`` out of range or ``n_local_trials < 1``.

    Examples
    --------
    >>> kmeans_plusplus(np.array([[0.0], [0.1], [10.0]]), 2, seed=0).shape
    (2, 1)
    """
    X = as_array(X, "X", ndim=2)
    k = check_k(k, len(X))
    if n_local_trials is not None:
        n_local_trials = check_int(n_local_trials, "n_local_trials", low=1)
    return _kmeans_plusplus(X, k, check_rng(seed), n_local_trials)


def _kmeans_plusplus(X, k, rng, n_local_trials=None):
    """:func:`kmeans_plusplus` on checked data: ++ seeding with squared Euclidean distances."""
    x_sq = np.einsum("ij,ij->i", X, X)
    return _plusplus(X, k, rng, lambda C: _squared_distances(X, C, x_sq), n_local_trials)


def _onehot_sums(X, labels, k):
    """Per-cluster sums of the rows of ``X`` and counts, as one (k x n) @ (n x d) product."""
    onehot = np.zeros((k, len(X)))
    onehot[labels, np.arange(len(X))] = 1.0
    return onehot @ X, np.bincount(labels, minlength=k).astype(float)


def _update_sums(X, labels, labels_prev, sums, counts, k):
    """Sums and counts for ``labels``, updated from those of ``labels_prev`` if few moved."""
    if labels_prev is None:
        return _onehot_sums(X, labels, k)
    moved = np.flatnonzero(labels != labels_prev)
    if len(moved) > len(X) // 4:
        return _onehot_sums(X, labels, k)
    change = np.zeros((k, len(moved)))
    change[labels[moved], np.arange(len(moved))] += 1.0
    change[labels_prev[moved], np.arange(len(moved))] -= 1.0
    return sums + change @ X[moved], counts + change.sum(axis=1)


def _fill_empty(labels, counts, gain):
    """The empty-cluster policy (module notes): ``[(empty cluster, point moved into it)]``."""
    empty = np.flatnonzero(counts == 0)
    remaining = counts.copy()
    moved = []
    for i in np.argsort(gain, kind="stable")[::-1]:
        if len(moved) == len(empty) or gain[i] <= 0:
            break
        if remaining[labels[i]] > 1:
            remaining[labels[i]] -= 1
            moved.append(i)
    notes = [f"{len(moved)} empty cluster(s) re-seeded at the farthest point(s)"] if moved else []
    if len(empty) > len(moved):
        notes.append(f"{len(empty) - len(moved)} empty cluster(s) kept their centre: k = "
                     f"{len(counts)} exceeds the number of distinct points")
    warnings.warn("; ".join(notes), EmptyClusterWarning, stacklevel=6)
    return list(zip(empty, moved))


def _new_centers(X, labels, k, d2_min, sums, counts, centers):
    """k-means update: the means of the clusters, after the empty-cluster policy."""
    moves = []
    if np.any(counts == 0):
        sums, counts = sums.copy(), counts.copy()
        # a squared distance within the rounding error of ||x||^2 - 2 x.c + ||c||^2 means "on
        # its centre": re-seeding there cannot lower the objective
        noise = (8 * X.shape[1] * np.finfo(float).eps
                 * (np.einsum("ij,ij->i", X, X) + np.einsum("ij,ij->i", centers, centers)[labels]))
        moves = _fill_empty(labels, counts, d2_min - noise)
        for j, i in moves:
            counts[labels[i]] -= 1
            sums[labels[i]] -= X[i]
            counts[j], sums[j] = 1, X[i]
    new = sums / np.maximum(counts, 1)[:, None]
    new[counts == 0] = centers[counts == 0]
    return new, len(moves) > 0


def _medians(X, labels, k, dist_min, centers):
    """k-medians update: the coordinate-wise medians of the clusters, after the empty-cluster policy."""
    counts = np.bincount(labels, minlength=k)
    moves = _fill_empty(labels, counts, dist_min) if np.any(counts == 0) else []
    if moves:
        labels = labels.copy()
        for j, i in moves:
            labels[i] = j
    new = centers.copy()
    for j in np.unique(labels):  # a loop over clusters, not over points
        new[j] = np.median(X[labels == j], axis=0)
    return new, len(moves) > 0


def _lloyd(X, centers, max_iter, tol, squared):
    """Lloyd's iteration from ``centers``: k-means (``squared``) or k-medians. Unchecked."""
    k = len(centers)
    x_sq = np.einsum("ij,ij->i", X, X) if squared else None
    tol_abs = tol * float(np.mean(np.var(X, axis=0))) if tol else 0.0
    objective = []
    labels_prev = sums = counts = None
    n_iter, converged = 0, False
    while True:
        labels, dist = _assign(X, centers, x_sq) if squared else _assign_l1(X, centers)
        objective.append(_total(dist))
        if labels_prev is not None and np.array_equal(labels, labels_prev):
            converged = True  # the centres are already the means (medians) of these labels
            break
        if converged or n_iter == max_iter:
            break
        if squared:
            sums, counts = _update_sums(X, labels, labels_prev, sums, counts, k)
            new, reseeded = _new_centers(X, labels, k, dist, sums, counts, centers)
        else:
            new, reseeded = _medians(X, labels, k, dist, centers)
        n_iter += 1
        converged = not reseeded and float(np.sum((new - centers) ** 2)) <= tol_abs
        centers, labels_prev = new, (None if reseeded else labels)
    return LloydResult(centers=centers, labels=labels, objective=np.array(objective),
                       n_iter=n_iter, converged=converged)


def _lloyd_fit(X, k, *, init="k-means++", max_iter=300, tol=1e-4, rng, squared=True):
    """The start (``init``, checked here) and Lloyd's loop of :func:`kmeans` (or, not ``squared``,
    :func:`kmedians`) on checked data."""
    plusplus = "k-means++" if squared else "k-medians++"
    if not isinstance(init, str):
        centers = as_array(init, "init", shape=(k, X.shape[1])).copy()
    elif init == "random":
        centers = X[rng.choice(len(X), size=k, replace=False)].copy()
    elif init != plusplus:
        raise ValueError(f"init: expected {plusplus!r}, 'random' or a (k, d) array, got {init!r}")
    elif squared:
        centers = _kmeans_plusplus(X, k, rng)
    else:
        centers = _plusplus(X, k, rng, lambda C: cdist(X, C, metric="cityblock"))
    return _lloyd(X, centers, max_iter, tol, squared)


def _checked_fit(X, k, init, max_iter, tol, seed, squared):
    """The checks shared by :func:`kmeans` and :func:`kmedians`, then the fit."""
    X = _flatten(X, "X")
    k = check_k(k, len(X))
    max_iter = check_int(max_iter, "max_iter", low=1)
    tol = float(check_positive(tol, "tol", strict=False, ndim=0))
    return _lloyd_fit(X, k, init=init, max_iter=max_iter, tol=tol, rng=check_rng(seed), squared=squared)


def kmeans(X, k, *, init="k-means++", max_iter=300, tol=1e-4, seed=None) -> LloydResult:
    """Lloyd's k-means (CS181 HW4 "Clustering and EM", problem 3).

    An empty cluster is re-seeded at the farthest point, or keeps its centre when no point can
    move (module notes); an :class:`~mlhw.EmptyClusterWarning` says so.

    Parameters
    ----------
    X : array_like, shape (n, d) or (n, h, w)
        Data (images are flattened).
    k : int
        Number of clusters, ``1 <= k <= n``.
    init : {"k-means++", "random"} or array_like of shape (k, d)
        "k-means++": :func:`kmeans_plusplus`; "random": ``k`` distinct data points drawn
        uniformly; an array gives the initial centres.
    max_iter : int
        Maximum number of centre updates.
    tol : float
        Stop when the total squared movement of the centres is at most ``tol`` times the mean
        per-feature variance of ``X``; ``tol=0`` stops only when the assignments stop changing.
    seed : None, int or numpy.random.Generator
        Randomness of the initialisation.

    Returns
    -------
    LloydResult

    Raises
    ------
    ValueError
        For non-finite data, ``k`` out of range, an unknown ``init`` or an initial-centres array
        of the wrong shape or with non-finite values.
    TypeError
        If ``k`` or ``max_iter`` is not an integer.
    FloatingPointError
        If the squared distances overflow float64 (data beyond about ``1e154``).

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])
    >>> res = kmeans(X, 2, init=X[[0, 2]])
    >>> res.centers
    array([[ 0. ,  0.5],
           [10. ,  0.5]])
    >>> res.objective[-1]
    np.float64(1.0)
    """
    return _checked_fit(X, k, init, max_iter, tol, seed, True)


def kmedians(X, k, *, init="k-medians++", max_iter=300, tol=0.0, seed=None) -> LloydResult:
    """k-medians: l1 assignments and coordinate-wise median updates (TUM ML worksheet 11,
    problem 1, the l1 metric). Empty clusters as in :func:`kmeans`.

    Parameters
    ----------
    X, k, max_iter, seed
        As in :func:`kmeans`.
    init : {"k-medians++", "random"} or array_like of shape (k, d)
        "k-medians++": the seeding of :func:`kmeans_plusplus` with l1 distances (not squared);
        otherwise as in :func:`kmeans`.
    tol : float
        As in :func:`kmeans`; the default 0 stops only when the assignments no longer change.

    Returns
    -------
    LloydResult

    Raises
    ------
    ValueError, TypeError, FloatingPointError
        As :func:`kmeans` (here the l1 distances overflow only for data near ``1e308``).

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 9.0], [10.0, 0.0], [11.0, 1.0], [12.0, 0.0]])
    >>> res = kmedians(X, 2, init=X[[0, 3]])
    >>> res.centers
    array([[ 0.,  0.],
           [11.,  0.]])
    >>> res.labels
    array([0, 0, 0, 1, 1, 1])
    >>> float(res.objective[-1])
    13.0
    """
    return _checked_fit(X, k, init, max_iter, tol, seed, False)


# --------------------------------------------------------------------------------------------
# k-means as the sigma -> 0 limit of fixed-variance EM (TUM ML worksheet 11, problem 1)

#: Centres of the four 2-D blobs of :func:`sigma_limit_blobs`.
SIGMA_LIMIT_CENTERS = ((-2.5, -1.0), (1.5, -2.0), (0.0, 2.0), (3.0, 1.5))


def sigma_limit_blobs(n_per_cluster: int = 60, *, scale: float = 0.6, seed=0):
    """Seeded 2-D data for the sigma-limit chapter: isotropic Gaussian blobs.

    Parameters
    ----------
    n_per_cluster : int
        Points drawn around each of the four centres in :data:`SIGMA_LIMIT_CENTERS`.
    scale : float
        Standard deviation of every blob in each coordinate.
    seed : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray, shape (4 * n_per_cluster, 2)
    blob : ndarray of int, shape (4 * n_per_cluster,)
        The blob each point was drawn from.

    Examples
    --------
    >>> X, blob = sigma_limit_blobs(5, seed=1)
    >>> X.shape, blob[:6].tolist()
    ((20, 2), [0, 0, 0, 0, 0, 1])
    """
    n_per_cluster = check_int(n_per_cluster, "n_per_cluster", low=1)
    scale = float(check_positive(scale, "scale", ndim=0))
    rng = check_rng(seed)
    centers = np.array(SIGMA_LIMIT_CENTERS)
    blob = np.repeat(np.arange(len(centers)), n_per_cluster)
    X = centers[blob] + scale * rng.standard_normal((len(blob), 2))
    return X, blob


def responsibility_entropy(resp) -> float:
    """Mean entropy (nats) of the rows of a responsibility matrix, with ``0 log 0 = 0``.

    Parameters
    ----------
    resp : array_like, shape (n, K)
        Responsibilities; each row a probability vector.

    Returns
    -------
    float
        ``mean_n ( -sum_k r_nk log r_nk )``: 0 for one-hot rows, ``log K`` for even splits.

    Raises
    ------
    ValueError
        If ``resp`` is not a finite 2-D array of non-negative rows summing to one.

    Examples
    --------
    >>> responsibility_entropy([[1.0, 0.0], [0.0, 1.0]])
    0.0
    >>> round(responsibility_entropy([[0.5, 0.5]]), 6)   # log 2
    0.693147
    """
    return _entropy(check_probabilities(as_array(resp, "resp", ndim=2), "resp"))


def _entropy(resp):
    return float(entr(resp).sum(axis=1).mean())


def sigma_path(X, init_centers, sigmas, *, max_iter: int = 5000, tol: float = 1e-9):
    """Fixed-sigma EM from the same initial centres for each sigma, and k-means from them too.

    For each ``sigma`` in ``sigmas`` runs :func:`mlhw.fit_gmm` with ``covariance="fixed"``,
    ``sigma2 = sigma**2``, uniform initial weights and means ``init_centers``; and once
    :func:`mlhw.kmeans` from ``init_centers`` (``tol=0``: until the assignments stop changing).

    Parameters
    ----------
    X : array_like, shape (n, d)
    init_centers : array_like, shape (k, d)
    sigmas : array_like, shape (m,)
        Positive standard deviations.
    max_iter, tol : int, float
        Passed to :func:`mlhw.fit_gmm`; runs that stop at ``max_iter`` are flagged in
        ``converged`` (no warning).

    Returns
    -------
    SigmaPath

    Raises
    ------
    ValueError
        For non-finite data, initial centres whose dimension differs from the data's, or
        non-positive sigmas (the message names the argument).

    Examples
    --------
    >>> X, _ = sigma_limit_blobs(20, seed=0)
    >>> p = sigma_path(X, X[[0, 20, 40, 60]], [3.0, 0.01])
    >>> p.resp.shape, bool(p.entropy[0] > p.entropy[1])
    ((2, 80, 4), True)
    >>> bool((p.resp[1].argmax(1) == p.kmeans.labels).all())
    True
    """
    from .em import ConvergenceWarning, _check_options
    from .mixtures import _fit_gmm

    X = as_array(X, "X", ndim=2)
    init_centers = as_array(init_centers, "init_centers", ndim=2, shape=(None, X.shape[1]))
    sigmas = np.atleast_1d(check_positive(sigmas, "sigmas", ndim=(0, 1)))
    max_iter, tol, _ = _check_options(max_iter, tol, 1)
    k = len(init_centers)
    fits = []
    for s in sigmas:
        init = {"weights": np.full(k, 1.0 / k), "means": init_centers,
                "covariances": np.full(k, s**2)}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            fits.append(_fit_gmm(X, k, None, covariance="fixed", init=init, max_iter=max_iter,
                                 tol=tol, reg=1e-6, sigma2=float(s**2), n_init=1))
    per_sigma = {a: np.array([getattr(f, a) for f in fits])
                 for a in ("means", "weights", "resp", "n_iter", "converged")}
    return SigmaPath(sigmas=sigmas, entropy=np.array([_entropy(f.resp) for f in fits]),
                     kmeans=_lloyd(X, init_centers.copy(), 300, 0.0, True), X=X, **per_sigma)


@dataclass(frozen=True)
class SigmaPath:
    """Result of :func:`sigma_path`: fixed-sigma EM fits over a range of sigma.

    Attributes
    ----------
    sigmas : ndarray, shape (m,)
    means : ndarray, shape (m, k, d)
        Fitted means for each sigma.
    weights : ndarray, shape (m, k)
    resp : ndarray, shape (m, n, k)
        Final responsibilities for each sigma.
    entropy : ndarray, shape (m,)
        Mean entropy of the responsibilities (nats), see :func:`responsibility_entropy`.
    n_iter : ndarray of int, shape (m,)
    converged : ndarray of bool, shape (m,)
    kmeans : LloydResult
        k-means from the same initial centres.
    X : ndarray, shape (n, d)
        The data.
    """

    sigmas: np.ndarray
    means: np.ndarray
    weights: np.ndarray
    resp: np.ndarray
    entropy: np.ndarray
    n_iter: np.ndarray
    converged: np.ndarray
    kmeans: LloydResult
    X: np.ndarray
