"""Agreement between a clustering and reference labels (used with CS181 HW4 problem 3 and the
MNIST chapters).

Labels can be any integers or strings; only equality matters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

__all__ = ["LabelMatch", "adjusted_rand_index", "contingency_table", "match_labels", "purity"]


def _labels(x, name: str) -> np.ndarray:
    if isinstance(x, (str, bytes)) or np.ndim(x) != 1:
        raise ValueError(f"{name}: expected a 1-dimensional sequence of labels, got "
                         f"{np.ndim(x)} dimension(s)")
    arr = np.asarray(x)
    if arr.size == 0:
        raise ValueError(f"{name}: expected at least one label, got an empty sequence")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: expected finite labels, got NaN or infinity")
    if arr.dtype.kind not in "biufUSO":
        raise TypeError(f"{name}: expected integer or string labels, got dtype {arr.dtype}")
    return arr


def _pair(labels_true, labels_pred):
    t = _labels(labels_true, "labels_true")
    p = _labels(labels_pred, "labels_pred")
    if len(t) != len(p):
        raise ValueError(f"labels_pred: expected {len(t)} labels like labels_true, got {len(p)}")
    return t, p


def contingency_table(labels_true, labels_pred):
    """Counts ``C[i, j]`` of points in class ``classes[i]`` and cluster ``clusters[j]``.

    Parameters
    ----------
    labels_true : array_like, shape (n,)
        Reference labels (for example the digit of each MNIST image).
    labels_pred : array_like, shape (n,)
        Cluster assignments.

    Returns
    -------
    table : ndarray of int, shape (n_classes, n_clusters)
    classes : ndarray, shape (n_classes,)
        The sorted distinct values of ``labels_true``.
    clusters : ndarray, shape (n_clusters,)
        The sorted distinct values of ``labels_pred``.

    Raises
    ------
    ValueError
        If the label arrays are empty, not 1-D, of different lengths, or hold NaN or infinity.
    TypeError
        If the labels are neither numbers nor strings (complex, say).

    Examples
    --------
    >>> table, classes, clusters = contingency_table([0, 0, 1, 1], [5, 7, 7, 7])
    >>> table
    array([[1, 1],
           [0, 2]])
    """
    return _contingency(*_pair(labels_true, labels_pred))


def _contingency(t, p):
    """:func:`contingency_table` of checked labels."""
    classes, ti = np.unique(t, return_inverse=True)
    clusters, pi = np.unique(p, return_inverse=True)
    table = np.zeros((len(classes), len(clusters)), dtype=np.int64)
    np.add.at(table, (ti.ravel(), pi.ravel()), 1)
    return table, classes, clusters


def purity(labels_true, labels_pred) -> float:
    """Purity of a clustering: ``(1/n) sum_clusters max_class |cluster ∩ class|``.

    The share of points whose class is their cluster's majority class (module notes).

    Parameters
    ----------
    labels_true, labels_pred : array_like, shape (n,)
        Reference labels and cluster assignments, as in :func:`contingency_table`.

    Returns
    -------
    float
        In ``(0, 1]``; 1 when no cluster mixes classes.

    Raises
    ------
    ValueError, TypeError
        As :func:`contingency_table`.

    Notes
    -----
    Purity grows with the number of clusters (1 for one point per cluster): compare it between
    clusterings with the same number of clusters, or use :func:`adjusted_rand_index`.

    Examples
    --------
    >>> purity([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 1, 1])
    0.8333333333333334
    """
    table, _, _ = contingency_table(labels_true, labels_pred)
    return float(table.max(axis=0).sum() / table.sum())


def _pairs(counts):
    """Sum of ``binom(c, 2)`` over the counts, as an exact Python integer."""
    c = np.asarray(counts, dtype=np.int64).ravel()
    return int((c * (c - 1) // 2).sum(dtype=np.int64))


def adjusted_rand_index(labels_true, labels_pred) -> float:
    """Adjusted Rand index (Hubert and Arabie, 1985) of two partitions of the same points.

    The Rand index corrected for chance: 0 in expectation for random labels, 1 for identical
    partitions (also when both are one cluster, or both singletons).

    Parameters
    ----------
    labels_true, labels_pred : array_like, shape (n,)
        Reference labels and cluster assignments, as in :func:`contingency_table`; the index is
        symmetric in the two.

    Returns
    -------
    float
        At most 1; about 0 for independent labels; can be negative.

    Raises
    ------
    ValueError, TypeError
        As :func:`contingency_table`.

    References
    ----------
    L. Hubert and P. Arabie, "Comparing partitions", Journal of Classification 2, 193-218 (1985).

    Examples
    --------
    >>> adjusted_rand_index([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    >>> adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1])
    -0.5
    """
    table, _, _ = contingency_table(labels_true, labels_pred)
    index, total = _pairs(table), _pairs(table.sum())
    sum_a, sum_b = _pairs(table.sum(axis=1)), _pairs(table.sum(axis=0))
    # (I - E) / (M - E) multiplied through by 2 C(n, 2), in integers
    num = 2 * (index * total - sum_a * sum_b)
    den = (sum_a + sum_b) * total - 2 * sum_a * sum_b
    if den == 0:          # M = E: both partitions trivial in the same way, hence identical
        return 1.0
    return num / den


@dataclass(frozen=True)
class LabelMatch:
    """Result of :func:`match_labels`.

    Attributes
    ----------
    mapping : dict
        Cluster id -> matched class; clusters left unmatched (more clusters than classes) map
        to ``None``.
    labels : ndarray, shape (n,)
        The clusters read as classes; points of unmatched clusters get ``fill``.
    accuracy : float
        Share of points whose matched class equals their reference class (unmatched points
        count as wrong).
    table : ndarray, shape (n_classes, n_clusters)
        The contingency table the matching was computed from.
    """

    mapping: dict
    labels: np.ndarray
    accuracy: float
    table: np.ndarray

    @property
    def perm(self) -> np.ndarray:
        """``perm[c]``, the class matched to cluster ``c`` of ``0..K-1`` (all matched):
        ``perm[labels_pred]`` relabels, ``perm`` reorders a fit's components."""
        return np.array(list(self.mapping.values()))


def match_labels(labels_true, labels_pred, *, fill=-1) -> LabelMatch:
    """Match clusters to classes one-to-one so that the most points agree.

    Each class receives at most one cluster and each cluster at most one class (module notes).

    Parameters
    ----------
    labels_true, labels_pred : array_like, shape (n,)
        Reference labels and cluster assignments, as in :func:`contingency_table`.
    fill : scalar
        Label given to the points of unmatched clusters (when there are more clusters than
        classes). Keyword-only.

    Returns
    -------
    LabelMatch

    Raises
    ------
    ValueError, TypeError
        As :func:`contingency_table`.

    See Also
    --------
    purity : reads every cluster as its majority class (many-to-one).

    Examples
    --------
    >>> m = match_labels([0, 0, 1, 1, 2], [2, 2, 0, 0, 0])
    >>> m.mapping
    {0: 1, 2: 0}
    >>> m.labels, m.accuracy
    (array([0, 0, 1, 1, 1]), 0.8)
    >>> match_labels([0, 0, 1, 1], [1, 1, 0, 0]).perm  # cluster 0 is class 1, cluster 1 class 0
    array([1, 0])
    """
    t, p = _pair(labels_true, labels_pred)
    table, classes, clusters = _contingency(t, p)
    rows, cols = linear_sum_assignment(table, maximize=True)
    matched = {clusters[c].item(): classes[r].item() for r, c in zip(rows, cols)}
    mapping = {k.item(): matched.get(k.item()) for k in clusters}
    lookup = np.asarray([fill if v is None else v for v in mapping.values()])
    labels = lookup[np.searchsorted(clusters, p)]
    accuracy = int(table[rows, cols].sum()) / len(t)
    return LabelMatch(mapping=mapping, labels=labels, accuracy=accuracy, table=table)
