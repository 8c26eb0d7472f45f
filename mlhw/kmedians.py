"""k-medians: Lloyd's alternation for the l1 (Manhattan) metric.

TUM ML worksheet 11, problem 1, states the k-means centre update as a special case of
``mu_k = argmin_mu sum_{x in C_k} d(x, mu)``. For the l1 metric ``d(x, mu) = sum_j |x_j - mu_j|``
the sum splits over coordinates and each coordinate is minimised by a median, so the update is the
coordinate-wise median of the cluster, and the assignment step uses l1 distances. The result is
k-medians. It is the sigma -> 0 limit of EM for a mixture of Laplace distributions with a shared
fixed scale, just as k-means is that limit for isotropic Gaussians.

One iteration costs ``O(N K d)`` for the distances and ``O(N d)`` (up to a log factor) for the
medians. Empty clusters are handled as in :func:`mlhw.kmeans`: the centre is re-seeded at the point
farthest (in l1) from its own centre, with an :class:`~mlhw.kmeans.EmptyClusterWarning`. Sums of
l1 distances that overflow float64 (data near ``1e308``) raise ``FloatingPointError``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.spatial.distance import cdist

from ._validation import as_array, check_int, check_k, check_rng
from .kmeans import EmptyClusterWarning

__all__ = ["KMediansResult", "kmedians", "kmedians_plusplus", "l1_distances"]


@dataclass(frozen=True)
class KMediansResult:
    """Result of :func:`kmedians`.

    Attributes
    ----------
    centers : ndarray, shape (k, d)
        Coordinate-wise medians of the final clusters.
    labels : ndarray of int, shape (n,)
        Index of the nearest (l1) final centre of every point (ties go to the lowest index).
    objective : ndarray
        Sum of l1 distances of the points to their assigned centres after each assignment step;
        the last entry belongs to the final ``labels`` and ``centers``. Never increases.
    n_iter : int
        Number of centre updates.
    converged : bool
        Whether the assignments stopped changing before ``max_iter``.
    """

    centers: np.ndarray
    labels: np.ndarray
    objective: np.ndarray
    n_iter: int
    converged: bool


def l1_distances(X, centers) -> np.ndarray:
    """Manhattan distances ``sum_j |x_nj - c_kj|`` between points and centres.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    centers : ndarray, shape (k, d)

    Returns
    -------
    ndarray, shape (n, k)

    Examples
    --------
    >>> import numpy as np
    >>> l1_distances(np.array([[0.0, 0.0], [1.0, 2.0]]), np.array([[1.0, 1.0]]))
    array([[2.],
           [1.]])
    """
    X = as_array(X, "X", ndim=2)
    centers = as_array(centers, "centers", ndim=2)
    if centers.shape[1] != X.shape[1]:
        raise ValueError(f"centers: expected {X.shape[1]} columns (the dimension of X), got "
                         f"{centers.shape[1]}")
    return cdist(X, centers, metric="cityblock")


def kmedians_plusplus(X, k, *, seed=None) -> np.ndarray:
    """Seeding in the spirit of k-means++ for the l1 objective.

    The first centre is a uniformly drawn data point; each further centre is a data point drawn
    with probability proportional to its l1 distance to the nearest centre chosen so far.

    Parameters
    ----------
    X : array_like, shape (n, d)
    k : int
    seed : None, int or numpy.random.Generator

    Returns
    -------
    ndarray, shape (k, d)

    Raises
    ------
    ValueError
        For non-finite or non-2-D data or ``k`` out of range.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [0.1], [10.0]])
    >>> kmedians_plusplus(X, 3, seed=0).shape
    (3, 1)
    """
    X = as_array(X, "X", ndim=2)
    k = check_k(k, len(X))
    rng = check_rng(seed)
    n = len(X)
    idx = [int(rng.integers(n))]
    closest = cdist(X, X[idx], metric="cityblock")[:, 0]
    for _ in range(1, k):
        total = closest.sum()
        if not np.isfinite(total):
            raise FloatingPointError("kmedians: the l1 distances overflow float64; rescale X")
        if total <= 0:  # every point coincides with a chosen centre
            idx.append(int(rng.integers(n)))
        else:
            idx.append(int(rng.choice(n, p=closest / total)))
        closest = np.minimum(closest, cdist(X, X[idx[-1:]], metric="cityblock")[:, 0])
    return X[idx].copy()


def _medians(X, labels, k, dist_min, centers_old):
    centers = np.empty_like(centers_old)
    counts = np.bincount(labels, minlength=k)
    for j in np.flatnonzero(counts):  # a loop over clusters, not over points
        centers[j] = np.median(X[labels == j], axis=0)
    empty = np.flatnonzero(counts == 0)
    if len(empty):
        far = np.argsort(dist_min, kind="stable")[::-1][: len(empty)]
        centers[empty] = X[far]
        warnings.warn(f"{len(empty)} empty cluster(s) re-seeded at the farthest point(s)",
                      EmptyClusterWarning, stacklevel=3)
    return centers


def kmedians(X, k, *, init="k-medians++", max_iter=300, seed=None) -> KMediansResult:
    """k-medians: l1 assignments and coordinate-wise median updates, until nothing changes.

    Answers the l1 part of TUM ML worksheet 11, problem 1: the generic update
    ``argmin_mu sum_{x in C_k} ||x - mu||_1`` is the coordinate-wise median.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Data.
    k : int
        Number of clusters, ``1 <= k <= n``.
    init : {"k-medians++", "random"} or array_like of shape (k, d)
        "k-medians++": :func:`kmedians_plusplus`; "random": ``k`` distinct data points drawn
        uniformly; an array gives the initial centres.
    max_iter : int
        Maximum number of centre updates.
    seed : None, int or numpy.random.Generator
        Randomness of the initialisation.

    Returns
    -------
    KMediansResult

    Raises
    ------
    ValueError
        For non-finite or non-2-D data, ``k`` out of range, an unknown ``init`` or an
        initial-centres array of the wrong shape or with non-finite values.
    TypeError
        If ``k`` or ``max_iter`` is not an integer.
    FloatingPointError
        If a sum of l1 distances overflows float64.

    Examples
    --------
    >>> import numpy as np
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
    X = as_array(X, "X", ndim=2)
    n, d = X.shape
    k = check_k(k, n)
    max_iter = check_int(max_iter, "max_iter", low=1)
    rng = check_rng(seed)
    if isinstance(init, str):
        if init == "k-medians++":
            centers = kmedians_plusplus(X, k, seed=rng)
        elif init == "random":
            centers = X[rng.choice(n, size=k, replace=False)].copy()
        else:
            raise ValueError(f"init: expected 'k-medians++', 'random' or a (k, d) array, "
                             f"got {init!r}")
    else:
        centers = as_array(init, "init", shape=(k, d)).copy()
    objective = []
    labels_prev = None
    converged = False
    n_iter = 0
    rows = np.arange(n)
    while True:
        dist = cdist(X, centers, metric="cityblock")
        labels = np.argmin(dist, axis=1)
        dist_min = dist[rows, labels]
        objective.append(float(dist_min.sum()))
        if not np.isfinite(objective[-1]):  # data near the float64 limit: raise, never inf/NaN
            raise FloatingPointError("kmedians: the l1 distances overflow float64; rescale X")
        if labels_prev is not None and np.array_equal(labels, labels_prev):
            converged = True  # the centres are already the medians of these labels
            break
        if n_iter == max_iter:
            break
        centers = _medians(X, labels, k, dist_min, centers)
        labels_prev = labels
        n_iter += 1
    return KMediansResult(centers=centers, labels=labels, objective=np.array(objective),
                          n_iter=n_iter, converged=converged)
