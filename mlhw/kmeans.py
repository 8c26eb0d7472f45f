"""k-means (Lloyd's algorithm) with random or k-means++ initialisation.

Answers CS181 HW4 "Clustering and EM", problem 3 (k-means on MNIST), and is the sigma -> 0 limit
of EM for an isotropic Gaussian mixture (TUM worksheet 11, problem 1).

One iteration costs one matrix product of size N x d x K for the squared distances
``||x||^2 - 2 x.c + ||c||^2``; the centre sums are updated from the points that changed cluster
(a product of size m x d x K for m moved points), and recomputed in full (``onehot^T X``) when more
than a quarter of the points moved.

Empty clusters: when a centre loses all its points, it is re-seeded at the data point farthest
from its own centre (the point the current solution explains worst, taken from a cluster that
keeps other members), and a :class:`EmptyClusterWarning` says so. This never increases the
objective. With ``k`` at most the number of distinct points, no cluster stays empty. With more
clusters than distinct points, once every point lies on its centre (within the rounding error of
the squared distances) no move can help: the clusters still empty keep their previous centre (the
warning says so) and the iteration converges.

Overflow: squared distances of data beyond about ``1e154`` overflow float64; that raises
``FloatingPointError`` instead of returning a NaN objective.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ._validation import as_array, check_int, check_k, check_rng

__all__ = ["EmptyClusterWarning", "KMeansResult", "kmeans", "kmeans_plusplus",
           "squared_distances"]


class EmptyClusterWarning(UserWarning):
    """A cluster became empty and its centre was re-seeded."""


@dataclass(frozen=True)
class KMeansResult:
    """Result of :func:`kmeans`.

    Attributes
    ----------
    centers : ndarray, shape (k, d)
    labels : ndarray of int, shape (n,)
        Index of the nearest final centre of every point.
    objective : ndarray
        Sum of squared distances of points to their assigned centres, after each assignment
        step, the last entry being the objective of the final ``labels`` and ``centers``
        (scikit-learn's ``inertia_``). Never increases.
    n_iter : int
        Number of centre updates.
    converged : bool
        Whether the assignments stopped changing or the centres moved less than ``tol``.
    """

    centers: np.ndarray
    labels: np.ndarray
    objective: np.ndarray
    n_iter: int
    converged: bool

    @property
    def inertia(self) -> float:
        """Final objective (sum of squared distances)."""
        return float(self.objective[-1])


def squared_distances(X, centers, x_sq=None):
    """Squared Euclidean distances, shape (n, k), via one matrix product (clipped at 0).

    ``X`` is (n, d), ``centers`` (k, d) and ``x_sq`` optionally the precomputed squared norms of
    the rows of ``X``, shape (n,). Raises ``ValueError`` for non-finite entries or mismatched
    shapes.
    """
    X = as_array(X, "X", ndim=2)
    centers = as_array(centers, "centers", ndim=2)
    if centers.shape[1] != X.shape[1]:
        raise ValueError(f"centers: expected {X.shape[1]} columns (the dimension of X), got "
                         f"{centers.shape[1]}")
    if x_sq is not None:
        x_sq = as_array(x_sq, "x_sq", shape=(len(X),))
    return _squared_distances(X, centers, x_sq)


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


def _objective(d2_min) -> float:
    """Sum of the squared distances; overflow (data beyond about 1e154) raises, never a NaN."""
    total = float(d2_min.sum())
    if not np.isfinite(total):
        raise FloatingPointError("kmeans: the squared distances overflow float64 (or are NaN); "
                                 "rescale X, for example to unit variance")
    return total


def kmeans_plusplus(X, k, *, seed=None, n_local_trials=None):
    """Greedy k-means++ seeding (Arthur and Vassilvitskii, 2007).

    Each new centre is the best of ``n_local_trials`` candidates drawn with probability
    proportional to the squared distance to the nearest centre chosen so far.

    Returns
    -------
    centers : ndarray, shape (k, d)
    """
    X = as_array(X, "X", ndim=2)
    k = check_k(k, len(X))
    rng = check_rng(seed)
    n = len(X)
    if n_local_trials is None:
        n_local_trials = 2 + int(np.log(k))
    n_local_trials = check_int(n_local_trials, "n_local_trials", low=1)
    x_sq = np.einsum("ij,ij->i", X, X)
    centers = np.empty((k, X.shape[1]))
    first = rng.integers(n)
    centers[0] = X[first]
    closest = _squared_distances(X, centers[:1], x_sq)[:, 0]
    pot = closest.sum()
    for c in range(1, k):
        if pot <= 0:  # all remaining points coincide with chosen centres
            centers[c] = X[rng.integers(n)]
            continue
        rand = rng.random(n_local_trials) * pot
        cand = np.searchsorted(np.cumsum(closest), rand)
        cand = np.clip(cand, 0, n - 1)
        d_cand = _squared_distances(X, X[cand], x_sq)
        np.minimum(d_cand, closest[:, None], out=d_cand)
        pots = d_cand.sum(axis=0)
        best = int(np.argmin(pots))
        centers[c] = X[cand[best]]
        closest, pot = d_cand[:, best], pots[best]
    return centers


def _onehot_sums(X, labels, k):
    """Per-cluster sums of the rows of ``X`` and counts, as one (k x n) @ (n x d) product."""
    onehot = np.zeros((k, len(X)))
    onehot[labels, np.arange(len(X))] = 1.0
    return onehot @ X, np.bincount(labels, minlength=k).astype(float)


def _update_sums(X, labels, labels_prev, sums, counts, k):
    """Sums and counts for ``labels``, updated from those of ``labels_prev`` when few points moved.

    Only the moved points enter (O(m d k) for m moved points); when more than a quarter of the
    points moved, or there is nothing to update from, everything is recomputed.
    """
    if labels_prev is None:
        return _onehot_sums(X, labels, k)
    moved = np.flatnonzero(labels != labels_prev)
    if len(moved) > len(X) // 4:
        return _onehot_sums(X, labels, k)
    change = np.zeros((k, len(moved)))
    change[labels[moved], np.arange(len(moved))] += 1.0
    change[labels_prev[moved], np.arange(len(moved))] -= 1.0
    return sums + change @ X[moved], counts + change.sum(axis=1)


def _new_centers(X, labels, k, d2_min, sums, counts, centers):
    sums, counts = sums.copy(), counts.copy()
    empty = np.flatnonzero(counts == 0)
    moved = []
    if len(empty):
        # move the worst-explained points (from clusters that keep at least one member) into
        # the empty clusters; each becomes the sole member of its new cluster
        # a squared distance within the rounding error of ||x||^2 - 2 x.c + ||c||^2 means "on
        # its centre": re-seeding there cannot lower the objective (the next assignment could
        # not tell the two centres apart)
        noise = (8 * X.shape[1] * np.finfo(float).eps
                 * (np.einsum("ij,ij->i", X, X) + np.einsum("ij,ij->i", centers, centers)[labels]))
        moved = _farthest_movable(labels, counts, d2_min - noise, len(empty))
        for j, i in zip(empty, moved):
            counts[labels[i]] -= 1
            sums[labels[i]] -= X[i]
            counts[j], sums[j] = 1, X[i]
        stay = len(empty) - len(moved)
        notes = [f"{len(moved)} empty cluster(s) re-seeded at the farthest point(s)"] if moved else []
        if stay:
            notes.append(f"{stay} empty cluster(s) kept their centre: k = {k} exceeds the number "
                         "of distinct points")
        warnings.warn("; ".join(notes), EmptyClusterWarning, stacklevel=3)
    new = sums / np.maximum(counts, 1)[:, None]
    new[counts == 0] = centers[counts == 0]
    return new, len(moved) > 0


def _farthest_movable(labels, counts, gain, m):
    """Up to ``m`` points with the largest ``gain > 0``, from clusters keeping a member."""
    remaining = counts.copy()
    chosen = []
    for i in np.argsort(gain, kind="stable")[::-1]:
        if gain[i] <= 0:  # a point on its centre: moving it cannot lower the objective
            break
        if remaining[labels[i]] > 1:
            remaining[labels[i]] -= 1
            chosen.append(i)
            if len(chosen) == m:
                break
    return chosen


def kmeans(X, k, *, init="k-means++", max_iter=300, tol=1e-4, seed=None):
    """Lloyd's k-means.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Data (images (n, h, w) are flattened).
    k : int
        Number of clusters, ``1 <= k <= n``.
    init : {"k-means++", "random"} or array_like of shape (k, d)
        "random" picks ``k`` distinct data points uniformly; an array gives the initial centres.
    max_iter : int
        Maximum number of centre updates.
    tol : float
        Stop when the total squared movement of the centres is at most ``tol`` times the mean
        per-feature variance of ``X`` (scikit-learn's rule). ``tol=0`` stops only when the
        assignments no longer change.
    seed : None, int or numpy.random.Generator
        Randomness of the initialisation.

    Returns
    -------
    KMeansResult

    Raises
    ------
    ValueError
        For non-finite data, ``k`` out of range, an unknown ``init`` or an initial-centres array
        of the wrong shape or with non-finite values.
    FloatingPointError
        If the squared distances overflow float64 (data beyond about ``1e154``).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])
    >>> res = kmeans(X, 2, init=X[[0, 2]])
    >>> res.centers
    array([[ 0. ,  0.5],
           [10. ,  0.5]])
    >>> res.objective[-1]
    np.float64(1.0)
    """
    X = as_array(X, "X", ndim=(2, 3))
    if X.ndim == 3:
        X = X.reshape(len(X), -1)
    n, d = X.shape
    k = check_k(k, n)
    max_iter = check_int(max_iter, "max_iter", low=1)
    tol = float(tol)
    if not np.isfinite(tol) or tol < 0:
        raise ValueError(f"tol: expected a finite non-negative number, got {tol!r}")
    rng = check_rng(seed)
    if isinstance(init, str):
        if init == "k-means++":
            centers = kmeans_plusplus(X, k, seed=rng)
        elif init == "random":
            centers = X[rng.choice(n, size=k, replace=False)].copy()
        else:
            raise ValueError(f"init: expected 'k-means++', 'random' or a (k, d) array, got {init!r}")
    else:
        centers = as_array(init, "init", shape=(k, d)).copy()
    tol_abs = tol * float(np.mean(np.var(X, axis=0)))
    x_sq = np.einsum("ij,ij->i", X, X)
    objective = []
    labels_prev = sums = counts = None
    converged = stable = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        labels, d2_min = _assign(X, centers, x_sq)
        objective.append(_objective(d2_min))
        if labels_prev is not None and np.array_equal(labels, labels_prev):
            converged = stable = True  # the centres are already the means of these labels
            n_iter -= 1
            break
        sums, counts = _update_sums(X, labels, labels_prev, sums, counts, k)
        new_centers, reseeded = _new_centers(X, labels, k, d2_min, sums, counts, centers)
        shift = float(np.sum((new_centers - centers) ** 2))
        centers = new_centers
        labels_prev = None if reseeded else labels
        if shift <= tol_abs and not reseeded:
            converged = True
            break
    if not stable:
        labels, d2_min = _assign(X, centers, x_sq)
        objective.append(_objective(d2_min))
    return KMeansResult(centers=centers, labels=labels, objective=np.array(objective),
                        n_iter=n_iter, converged=converged)
