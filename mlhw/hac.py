"""Hierarchical agglomerative clustering (HAC), CS181 HW4 "Clustering and EM", problem 1.

:func:`linkage` merges the two closest clusters until one is left and returns the merges as a
SciPy linkage matrix, so :func:`scipy.cluster.hierarchy.dendrogram` draws the tree;
:func:`cluster_distance` evaluates the cluster distances straight from their definitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.spatial.distance import cdist

from ._validation import as_array, check_choice, check_same_dim

__all__ = ["METHODS", "METRICS", "LinkageMethod", "cluster_distance", "cluster_distances",
           "linkage"]

#: Accepted metric names (the homework's and SciPy's) and the :func:`scipy.spatial.distance.cdist`
#: name each one means.
METRICS = {"l1": "cityblock", "cityblock": "cityblock", "manhattan": "cityblock",
           "l2": "euclidean", "euclidean": "euclidean",
           "linf": "chebyshev", "chebyshev": "chebyshev"}

_METHOD_ALIASES = {"min": "min", "single": "min", "max": "max", "complete": "max",
                   "avg": "avg", "average": "avg", "centroid": "centroid"}


@dataclass(frozen=True)
class LinkageMethod:
    """One row of the table of linkages.

    Attributes
    ----------
    name : str
        The homework's name ("min", "max", "avg", "centroid").
    scipy_name : str
        SciPy's name for the same linkage.
    coefficients : callable
        ``coefficients(n_i, n_j, n_k) -> (alpha_i, alpha_j, beta, gamma)`` of the
        Lance-Williams update (``n_k`` may be an array over the other clusters).
    squared : bool
        Whether the update acts on squared distances (the centroid linkage).
    euclidean_only : bool
        Whether the update is exact only for the ``l2`` metric; for other metrics the distance
        is recomputed from the cluster means.
    monotone : bool
        Whether merge heights never decrease (false for centroid: inversions can happen).
    closed_form : callable or None
        ``closed_form(d_ki, d_kj)``, what the update reduces to when it does not depend on the
        sizes (``min`` and ``max``); used because it is exact in floating point, which keeps
        ties exact.
    """

    name: str
    scipy_name: str
    coefficients: Callable
    squared: bool = False
    euclidean_only: bool = False
    monotone: bool = True
    closed_form: Callable | None = None


def _size_weights(n_i, n_j):
    return n_i / (n_i + n_j), n_j / (n_i + n_j)


#: The table of linkages: the Lance-Williams coefficients of each cluster distance.
METHODS = {
    "min": LinkageMethod("min", "single", lambda ni, nj, nk: (0.5, 0.5, 0.0, -0.5),
                         closed_form=np.minimum),
    "max": LinkageMethod("max", "complete", lambda ni, nj, nk: (0.5, 0.5, 0.0, 0.5),
                         closed_form=np.maximum),
    "avg": LinkageMethod("avg", "average",
                         lambda ni, nj, nk: (*_size_weights(ni, nj), 0.0, 0.0)),
    "centroid": LinkageMethod("centroid", "centroid",
                              lambda ni, nj, nk: (*_size_weights(ni, nj),
                                                  -ni * nj / (ni + nj) ** 2, 0.0),
                              squared=True, euclidean_only=True, monotone=False),
}


def _lance_williams(method: LinkageMethod, d_ki, d_kj, d_ij, n_i, n_j, n_k):
    """Distances from every cluster ``k`` to the merge of ``i`` and ``j`` (vectorised over k)."""
    a_i, a_j, beta, gamma = method.coefficients(n_i, n_j, n_k)
    if method.squared:
        d_ki, d_kj, d_ij = d_ki * d_ki, d_kj * d_kj, d_ij * d_ij
    out = a_i * d_ki + a_j * d_kj
    if beta:
        out = out + beta * d_ij
    if gamma:
        out = out + gamma * np.abs(d_ki - d_kj)
    if method.squared:
        out = np.sqrt(np.maximum(out, 0.0))  # rounding can leave -1e-17
    return out


def _check_X(X, name="X"):
    arr = as_array(X, name, ndim=2, min_rows=1)
    if arr.shape[1] == 0:
        raise ValueError(f"{name}: expected at least one feature column, got shape {arr.shape}")
    return arr


def linkage(X, metric: str = "l2", method: str = "avg") -> np.ndarray:
    """Agglomerative clustering of the rows of ``X`` (CS181 HW4, problem 1).

    Repeatedly merges the two closest clusters (module notes). **Ties**: among pairs at exactly
    the same distance, the merge is the lexicographically smallest pair ``(min point index of A,
    min point index of B)``. SciPy may break exact ties differently: same heights, another tree.

    Parameters
    ----------
    X : array_like, shape (n, d)
        The points, one per row (``n >= 2``). One-dimensional data must be passed as a column
        ``(n, 1)``; unlike SciPy, a 1-D array is not read as a condensed distance matrix.
    metric : {"l2", "l1", "linf"}
        Point distance: the norm of ``x - x'``. SciPy's names "euclidean", "cityblock" (also
        "manhattan") and "chebyshev" are accepted.
    method : {"avg", "min", "max", "centroid"}
        Cluster distance. SciPy's names "average", "single" and "complete" are accepted.
        "centroid" is the distance between the cluster means under ``metric`` (SciPy supports
        it for "euclidean" only).

    Returns
    -------
    Z : ndarray, shape (n - 1, 4)
        SciPy linkage matrix: row ``t`` merges clusters ``Z[t, 0] < Z[t, 1]`` (points are
        ``0..n-1``, the cluster made at step ``t`` is ``n + t``) at height ``Z[t, 2]`` into a
        cluster of ``Z[t, 3]`` points.

    Raises
    ------
    ValueError
        If ``X`` is not a finite 2-D array with at least two rows, or ``metric`` or ``method``
        is unknown.
    TypeError
        If ``X`` is not numeric.
    FloatingPointError
        If a distance overflows float64.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [3.0, 0.0]])
    >>> linkage(X, "l1", "max")
    array([[0., 1., 1., 2.],
           [2., 3., 4., 3.]])
    """
    X = _check_X(X)
    n = len(X)
    if n < 2:
        raise ValueError(f"X: expected at least 2 points to cluster, got {n}")
    cdist_metric = check_choice(metric, "metric", METRICS)
    meth = METHODS[check_choice(method, "method", _METHOD_ALIASES)]
    from_centroids = meth.euclidean_only and cdist_metric != "euclidean"

    D = cdist(X, X, cdist_metric)
    np.fill_diagonal(D, np.inf)
    nn = D.argmin(axis=1)                  # nearest active slot of each row (first on ties)
    mind = D[np.arange(n), nn]             # and its distance; inf for inactive rows
    size = np.ones(n)
    ids = np.arange(n)                     # SciPy cluster id held by each slot
    dead = np.zeros(n)                     # 0 for active slots, inf for merged-away ones;
    #                                        added to a row, it masks stale columns
    centroids = X.copy() if from_centroids else None
    Z = np.empty((n - 1, 4))

    for t in range(n - 1):
        a = int(mind.argmin())             # smallest slot among the closest pairs
        b = int(nn[a])                     # its smallest partner; b > a (see Ties)
        d_ab = mind[a]
        n_a, n_b = size[a], size[b]
        Z[t, 0], Z[t, 1] = (ids[a], ids[b]) if ids[a] < ids[b] else (ids[b], ids[a])
        Z[t, 2], Z[t, 3] = d_ab, n_a + n_b

        dead[b] = np.inf
        if from_centroids:
            centroids[a] = (n_a * centroids[a] + n_b * centroids[b]) / (n_a + n_b)
            new = cdist(centroids[a:a + 1], centroids, cdist_metric)[0]
        elif meth.closed_form is not None:
            new = meth.closed_form(D[a], D[b])
        else:
            new = _lance_williams(meth, D[a], D[b], d_ab, n_a, n_b, size)
        new += dead
        new[a] = np.inf
        D[a] = new
        D[:, a] = new
        size[a] = n_a + n_b
        ids[a] = n + t
        mind[b] = np.inf

        # Rows whose nearest cluster was a or b: keep it if the merged cluster is at least as
        # close, otherwise rescan. Other rows: the merged cluster (slot a) becomes their nearest
        # if it is strictly closer, or as close and in a smaller slot.
        stale = (nn == a) | (nn == b)
        take = (new < mind) | ((new == mind) & ((a < nn) | stale))
        nn[take] = a
        mind[take] = new[take]
        stale &= ~take
        stale[a] = stale[b] = False
        if stale.any():
            rescan = np.flatnonzero(stale)
            rows = D[rescan] + dead
            nn[rescan] = rows.argmin(axis=1)
            mind[rescan] = rows[np.arange(rescan.size), nn[rescan]]
        nn[a] = new.argmin()
        mind[a] = new[nn[a]]
    if not np.all(np.isfinite(Z[:, 2])):
        raise FloatingPointError(f"linkage: the {metric} distances overflow float64; rescale X")
    return Z


def cluster_distance(A, B, metric: str = "l2", method: str = "avg") -> float:
    """Distance between two clusters of points, straight from the definitions (HW4 problem 1.2).

    ``min``/``max``/``avg``: the minimum, maximum or mean of the ``|A| x |B|`` point distances;
    ``centroid``: the distance between the two cluster means.

    Parameters
    ----------
    A, B : array_like, shapes (p, d) and (q, d)
        Points of the two clusters.
    metric, method : str
        As in :func:`linkage`.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        For empty or non-finite clusters, clusters of different dimension, or an unknown
        ``metric`` or ``method``.

    Examples
    --------
    >>> cluster_distance([[0, 0], [2, 0]], [[2, 2]], "linf", "centroid")
    2.0
    """
    A = _check_X(A, "A")
    B = _check_X(B, "B")
    check_same_dim(B.shape[1], A.shape[1], "B", "like A")
    return _cluster_distance(A, B, check_choice(metric, "metric", METRICS),
                             check_choice(method, "method", _METHOD_ALIASES))


def _cluster_distance(A, B, cdist_metric, name):
    """:func:`cluster_distance` of checked clusters, SciPy metric and homework method names."""
    if name == "centroid":
        return float(cdist(A.mean(0, keepdims=True), B.mean(0, keepdims=True), cdist_metric)[0, 0])
    d = cdist(A, B, cdist_metric)
    return float({"min": d.min, "max": d.max, "avg": d.mean}[name]())


def cluster_distances(clusters, metric: str = "l2", method: str = "avg") -> np.ndarray:
    """Matrix of :func:`cluster_distance` between every pair of the given clusters.

    Parameters
    ----------
    clusters : sequence of array_like, each shape (p_i, d)
        The clusters.
    metric, method : str
        As in :func:`linkage`.

    Returns
    -------
    ndarray, shape (c, c)
        Symmetric, zero diagonal.

    Examples
    --------
    >>> cluster_distances([[[0, 0]], [[3, 4]], [[0, 1]]], "l2", "min")
    array([[0.        , 5.        , 1.        ],
           [5.        , 0.        , 4.24264069],
           [1.        , 4.24264069, 0.        ]])
    """
    if isinstance(clusters, np.ndarray) or not hasattr(clusters, "__len__") or len(clusters) < 2:
        raise ValueError("clusters: expected a list of at least two (p_i, d) arrays, got "
                         f"{type(clusters).__name__}")
    clusters = [_check_X(a, f"clusters[{i}]") for i, a in enumerate(clusters)]
    for i, a in enumerate(clusters):
        check_same_dim(a.shape[1], clusters[0].shape[1], f"clusters[{i}]", "like clusters[0]")
    cdist_metric = check_choice(metric, "metric", METRICS)
    name = check_choice(method, "method", _METHOD_ALIASES)
    out = np.zeros((len(clusters), len(clusters)))
    for i, j in zip(*np.triu_indices(len(clusters), 1)):
        out[i, j] = out[j, i] = _cluster_distance(clusters[i], clusters[j], cdist_metric, name)
    return out
