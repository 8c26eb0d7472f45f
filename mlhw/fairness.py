"""Fairness of a clustering, at the level of groups and of individuals (CS181 HW4, problem 4).

Group fairness (:func:`balance`, :func:`representation`), individual fairness
(:func:`lipschitz_fairness`, :func:`average_distance_fairness`, :func:`service_fairness`) and the
exactly optimal clustering under a minimum share of a protected group (:func:`fair_clustering`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial.distance import cdist
from scipy.special import stirling2

from ._validation import as_array, check_choice, check_int, check_k
from .metrics import _contingency

__all__ = ["FairClusteringResult", "FairnessSummary", "LipschitzReport", "Representation",
           "ServiceReport", "ToyStudents", "AverageDistanceReport", "average_distance_fairness",
           "balance", "fair_clustering", "fairness_summary", "lipschitz_fairness", "partitions",
           "representation", "service_fairness", "toy_students"]

#: Largest number of candidate partitions :func:`fair_clustering` will enumerate.
MAX_PARTITIONS = 2_000_000


@dataclass(frozen=True)
class ToyStudents:
    """The eight loan applicants of CS181 HW4, problem 4.4.

    Attributes
    ----------
    names : tuple of str
        ``("a", ..., "h")`` in the homework's order.
    X : ndarray, shape (8, 3)
        Columns GPA (on a 4.0 scale), age (years) and gender (1 = woman, 0 = man).
    feature_names : tuple of str
        ``("GPA", "age", "gender")``.
    groups : ndarray of int, shape (8,)
        Protected group: 1 for a woman, 0 for a man (equal to ``X[:, 2]``).
    group_names : tuple of str
        ``("M", "F")``, indexed by ``groups``.
    """

    names: tuple
    X: np.ndarray
    feature_names: tuple
    groups: np.ndarray
    group_names: tuple

    @property
    def gpa(self) -> np.ndarray:
        """GPA column, shape (8,)."""
        return self.X[:, 0]


def toy_students() -> ToyStudents:
    """The toy data of CS181 HW4, problem 4.4: GPA, age and gender of eight applicants.

    Returns
    -------
    ToyStudents
        With read-only arrays.

    Examples
    --------
    >>> s = toy_students()
    >>> s.names[4], float(s.gpa[4]), s.group_names[s.groups[4]]
    ('e', 3.88, 'F')
    """
    gpa = np.array([4.0, 4.0, 3.91, 3.88, 3.88, 3.72, 3.75, 3.76])
    female = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    X = np.column_stack([gpa, np.full(8, 22.0), female.astype(float)])
    X.setflags(write=False)
    female.setflags(write=False)
    return ToyStudents(names=tuple("abcdefgh"), X=X, feature_names=("GPA", "age", "gender"),
                       groups=female, group_names=("M", "F"))


def _cluster_labels(labels, name="labels", n=None) -> np.ndarray:
    arr = np.asarray(labels)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name}: expected a non-empty 1-dimensional array, got shape {arr.shape}")
    if n is not None and arr.size != n:
        raise ValueError(f"{name}: expected {n} entries (one per point), got {arr.size}")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
            raise ValueError(f"{name}: expected integer labels, got non-integer values")
        arr = arr.astype(int)
    elif arr.dtype.kind not in "iub":
        raise TypeError(f"{name}: expected integer labels, got dtype {arr.dtype}")
    return arr


def _features(X, name="X") -> np.ndarray:
    arr = as_array(X, name, ndim=(1, 2))
    return arr[:, None] if arr.ndim == 1 else arr


def balance(labels, groups) -> float:
    """Balance of a clustering (Chierichetti et al., 2017), for any number of groups.

    ``min_C min_g c_g / max_g c_g`` over the clusters ``C``, with ``c_g`` the count of group ``g``
    in ``C`` (every group counts, present in ``C`` or not); see the module notes.

    Parameters
    ----------
    labels : array_like of int, shape (n,)
        Cluster of each point.
    groups : array_like, shape (n,)
        Protected group of each point (any hashable values; at least two distinct).

    Returns
    -------
    float
        In ``[0, 1]``.

    Raises
    ------
    ValueError
        If the lengths differ or ``groups`` has a single value.

    Examples
    --------
    >>> balance([0, 0, 0, 1, 1, 1], ["F", "M", "M", "F", "F", "M"])
    0.5
    >>> balance([0, 0, 1, 1], ["F", "F", "M", "M"])
    0.0
    """
    return _balance(_counts(labels, groups)[3])


def _balance(counts):
    return float(np.min(counts.min(axis=1) / counts.max(axis=1)))


def _groups(groups, n) -> np.ndarray:
    """``groups`` checked: finite values, one per point."""
    grp = np.asarray(groups)
    if grp.dtype.kind in "fc" and not np.all(np.isfinite(grp)):
        raise ValueError(f"groups: expected finite group values, got "
                         f"{np.count_nonzero(~np.isfinite(grp))} NaN or infinite entries")
    if grp.ndim != 1 or grp.size != n:
        raise ValueError(f"groups: expected {n} entries (one per point), got shape {grp.shape}")
    return grp


def _counts(labels, groups, n=None):
    """The checked labels, then the clusters, group values and (clusters x groups) counts."""
    lab = _cluster_labels(labels, n=n)
    table, group_values, clusters = _contingency(_groups(groups, lab.size), lab)
    if len(group_values) < 2:
        raise ValueError(f"groups: expected at least two distinct groups, got {len(group_values)}")
    return lab, clusters, group_values, table.T


@dataclass(frozen=True)
class Representation:
    """Result of :func:`representation`.

    Attributes
    ----------
    clusters : ndarray, shape (k,)
        Cluster labels, sorted.
    groups : ndarray, shape (m,)
        Group values, sorted.
    counts : ndarray of int, shape (k, m)
        Members of each group in each cluster.
    shares : ndarray, shape (k, m)
        ``counts / cluster sizes``.
    overall : ndarray, shape (m,)
        Share of each group in the whole data set.
    max_deviation : float
        ``max_{C, g} |shares[C, g] - overall[g]|`` (0: every cluster mirrors the population).
    violation : float
        ``max_{C, g} max(lower_g - shares[C, g], shares[C, g] - upper_g, 0)``.
    satisfied : bool
        Whether every share lies within its bounds (``violation == 0``).
    """

    clusters: np.ndarray
    groups: np.ndarray
    counts: np.ndarray
    shares: np.ndarray
    overall: np.ndarray
    max_deviation: float
    violation: float
    satisfied: bool


def representation(labels, groups, *, lower=0.0, upper=1.0) -> Representation:
    """Bounded and proportional representation of groups in clusters (Bera et al., 2019).

    Checks ``lower_g <= |C & G_g| / |C| <= upper_g`` for every cluster ``C`` and group ``g``, and
    measures the largest deviation from proportional representation (``|G_g| / n``).

    Parameters
    ----------
    labels, groups : array_like, shape (n,)
        As in :func:`balance`.
    lower, upper : float or array_like, shape (m,)
        Bounds on the share of each group (in the order of the sorted group values), in [0, 1].

    Returns
    -------
    Representation

    Raises
    ------
    ValueError
        For mismatched lengths, bounds outside [0, 1], ``lower > upper`` or a wrong number of
        bounds.

    Examples
    --------
    >>> r = representation([0, 0, 0, 1, 1, 1], [1, 0, 0, 1, 1, 0], lower=0.4)
    >>> r.shares[:, 1].tolist(), round(r.max_deviation, 4), r.satisfied
    ([0.3333333333333333, 0.6666666666666666], 0.1667, False)
    """
    _, clusters, group_values, counts = _counts(labels, groups)
    m = len(group_values)
    bounds = []
    for name, value in (("lower", lower), ("upper", upper)):
        b = as_array(value, name, ndim=(0, 1), min_rows=0)
        b = np.broadcast_to(b, (m,)) if b.ndim == 0 else b
        if b.shape != (m,):
            raise ValueError(f"{name}: expected a scalar or {m} bounds (one per group), got "
                             f"shape {b.shape}")
        if np.any((b < 0) | (b > 1)):
            raise ValueError(f"{name}: expected shares in [0, 1], got {b.tolist()}")
        bounds.append(b)
    lo, hi = bounds
    if np.any(lo > hi):
        raise ValueError(f"lower: expected lower <= upper, got lower {lo.tolist()} and upper "
                         f"{hi.tolist()}")
    shares, overall, max_deviation = _shares(counts)
    violation = float(np.max(np.maximum(np.maximum(lo - shares, shares - hi), 0.0)))
    violation = 0.0 if violation < 1e-12 else violation
    return Representation(clusters=clusters, groups=group_values, counts=counts, shares=shares,
                          overall=overall, max_deviation=max_deviation, violation=violation,
                          satisfied=violation == 0.0)


def _shares(counts):
    """Each group's share of each cluster and of the whole data set, and the largest gap."""
    shares, overall = counts / counts.sum(axis=1, keepdims=True), counts.sum(axis=0) / counts.sum()
    return shares, overall, float(np.max(np.abs(shares - overall)))


def _ratio(num, den):
    """``num / den`` of non-negative arrays: 0 where ``num`` is 0, ``inf`` where only ``den`` is."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(num == 0, 0.0, np.where(den > 0, num / den, np.inf))


@dataclass(frozen=True)
class LipschitzReport:
    """Result of :func:`lipschitz_fairness`.

    Attributes
    ----------
    constant : float
        The smallest ``L`` with ``D(x, y) <= L d(x, y)`` for all pairs; ``inf`` when two
        individuals at distance 0 receive different outcomes.
    worst_pair : tuple of int
        A pair ``(i, j)``, ``i < j``, attaining ``constant`` (``(0, 0)`` if all outcomes agree).
    violations : ndarray of int, shape (v, 2)
        Pairs ``(i, j)``, ``i < j``, with ``D > lipschitz * d`` for the ``lipschitz`` asked for.
    """

    constant: float
    worst_pair: tuple
    violations: np.ndarray


def lipschitz_fairness(X, outcomes, *, lipschitz: float = 1.0,
                       metric: str = "euclidean") -> LipschitzReport:
    """Individual fairness as a Lipschitz condition (Dwork et al., 2012).

    Checks ``D(o_i, o_j) <= L d(x_i, x_j)`` for all pairs of points, ``D`` the total variation
    distance between their outcomes (for labels: 1 for different clusters, 0 otherwise).

    Parameters
    ----------
    X : array_like, shape (n,) or (n, p)
        The task-relevant features only (protected attributes left out).
    outcomes : array_like, shape (n,) of int, or (n, k) of probabilities
        Cluster labels, or assignment probabilities per point.
    lipschitz : float
        The ``L`` whose violations are listed (>= 0).
    metric : {"euclidean", "cityblock"}
        Distance ``d`` between rows of ``X``.

    Returns
    -------
    LipschitzReport

    Raises
    ------
    ValueError
        For mismatched lengths, non-finite values, rows of ``outcomes`` that are not probability
        vectors, or a negative ``lipschitz``.

    Examples
    --------
    >>> r = lipschitz_fairness([3.0, 3.0, 2.0], [0, 1, 1])
    >>> r.constant, r.worst_pair
    (inf, (0, 1))
    >>> lipschitz_fairness([3.0, 2.5, 1.0], [0, 0, 1]).constant
    0.6666666666666666
    """
    Xf = _features(X)
    n = len(Xf)
    metric = check_choice(metric, "metric", ("euclidean", "cityblock"))
    lipschitz = float(as_array(lipschitz, "lipschitz", ndim=0))
    if lipschitz < 0:
        raise ValueError(f"lipschitz: expected a non-negative constant, got {lipschitz}")
    out = np.asarray(outcomes)
    if out.ndim == 2:
        P = as_array(out, "outcomes", ndim=2)
        if len(P) != n:
            raise ValueError(f"outcomes: expected {n} rows (one per point), got {len(P)}")
        if np.any(P < 0) or not np.allclose(P.sum(axis=1), 1.0, atol=1e-8):
            raise ValueError("outcomes: expected rows of probabilities (non-negative, summing "
                             f"to 1), got minimum {P.min()!r} and row sums in "
                             f"[{P.sum(axis=1).min()!r}, {P.sum(axis=1).max()!r}]")
        D = 0.5 * cdist(P, P, "cityblock")
    else:
        lab = _cluster_labels(out, "outcomes", n)
        D = (lab[:, None] != lab[None, :]).astype(float)
    return _lipschitz(Xf, D, lipschitz, metric)


def _lipschitz(Xf, D, lipschitz, metric):
    """:func:`lipschitz_fairness` for checked features and outcome distances ``D`` (n, n)."""
    d = cdist(Xf, Xf, metric)
    iu = np.triu_indices(len(Xf), 1)
    Dp, dp = D[iu], d[iu]
    ratio = _ratio(Dp, dp)
    if ratio.size == 0 or np.max(ratio) == 0:
        const, pair = 0.0, (0, 0)
    else:
        w = int(np.argmax(ratio))
        const, pair = float(ratio[w]), (int(iu[0][w]), int(iu[1][w]))
    bad = Dp > lipschitz * dp + 1e-12
    violations = np.column_stack([iu[0][bad], iu[1][bad]]).astype(int)
    return LipschitzReport(constant=const, worst_pair=pair, violations=violations)


@dataclass(frozen=True)
class AverageDistanceReport:
    """Result of :func:`average_distance_fairness`.

    Attributes
    ----------
    own : ndarray, shape (n,)
        Mean distance of each point to the other members of its cluster (0 for a singleton).
    other : ndarray, shape (n,)
        Smallest mean distance of each point to another cluster (``inf`` with one cluster).
    ratios : ndarray, shape (n,)
        ``own / other`` (0 when ``own`` is 0; ``inf`` when only ``other`` is 0).
    alpha : float
        ``max(ratios)``: the clustering is alpha-fair in this sense; fair means ``alpha <= 1``.
    unfair : ndarray of int
        Indices of the points with ``ratios > 1``.
    """

    own: np.ndarray
    other: np.ndarray
    ratios: np.ndarray
    alpha: float
    unfair: np.ndarray


def average_distance_fairness(X, labels, *, metric: str = "euclidean") -> AverageDistanceReport:
    """Individual fairness of a clustering in the sense of Kleindessner et al. (2020).

    A point is treated fairly when its mean distance to the other members of its cluster is at
    most its mean distance to any other cluster (module notes).

    Parameters
    ----------
    X : array_like, shape (n,) or (n, p)
        Task-relevant features.
    labels : array_like of int, shape (n,)
    metric : {"euclidean", "cityblock"}

    Returns
    -------
    AverageDistanceReport

    Raises
    ------
    ValueError
        For mismatched lengths, non-finite values or an unknown ``metric``.

    Examples
    --------
    >>> r = average_distance_fairness([0.0, 1.0, 1.2, 5.0], [0, 0, 1, 1])
    >>> r.unfair.tolist()  # 1.2 is 3.8 from its partner but 0.7 on average from the others
    [2]
    """
    Xf = _features(X)
    lab = _cluster_labels(labels, n=len(Xf))
    return _average_distance(Xf, lab, check_choice(metric, "metric", ("euclidean", "cityblock")))


def _average_distance(Xf, lab, metric):
    n = len(Xf)
    d = cdist(Xf, Xf, metric)
    idx = np.unique(lab, return_inverse=True)[1]
    onehot = (idx[:, None] == np.arange(idx.max() + 1)).astype(float)
    sizes = onehot.sum(axis=0)
    sums = d @ onehot                                     # (n, k) total distance to each cluster
    own_size = sizes[idx] - 1
    own = np.where(own_size > 0, sums[np.arange(n), idx] / np.maximum(own_size, 1), 0.0)
    means = sums / sizes
    means[np.arange(n), idx] = np.inf
    other = means.min(axis=1)
    ratios = _ratio(own, other)
    return AverageDistanceReport(own=own, other=other, ratios=ratios,
                                 alpha=float(ratios.max()), unfair=np.flatnonzero(ratios > 1.0))


@dataclass(frozen=True)
class ServiceReport:
    """Result of :func:`service_fairness`.

    Attributes
    ----------
    radii : ndarray, shape (n,)
        ``r(x)``: the radius of the smallest ball around ``x`` holding ``ceil(n / k)`` points
        (``x`` included).
    distances : ndarray, shape (n,)
        Distance from each point to the centre that serves it.
    ratios : ndarray, shape (n,)
        ``distances / radii`` (0 when the distance is 0; ``inf`` when only the radius is 0).
    alpha : float
        ``max(ratios)``: the centres are alpha-fair (``alpha <= 2`` is achievable, module notes).
    """

    radii: np.ndarray
    distances: np.ndarray
    ratios: np.ndarray
    alpha: float


def service_fairness(X, centers, labels=None, *, metric: str = "euclidean") -> ServiceReport:
    """Individual fairness of centres: "service in your neighbourhood" (Jung et al., 2020).

    Each point ``x`` should be served within ``alpha * r(x)`` (:class:`ServiceReport`) by its
    nearest centre or, with ``labels`` (which a constraint may set), by its own cluster's.

    Parameters
    ----------
    X : array_like, shape (n,) or (n, p)
        Task-relevant features.
    centers : array_like, shape (k,) or (k, p)
    labels : array_like of int, shape (n,), optional
        Index (``0 .. k-1``) of the centre serving each point.
    metric : {"euclidean", "cityblock"}

    Returns
    -------
    ServiceReport

    Raises
    ------
    ValueError
        For centres of another dimension than ``X``, more centres than points, or ``labels`` that
        are not centre indices.

    Examples
    --------
    >>> r = service_fairness([0.0, 1.0, 10.0, 11.0], [0.5, 10.5])
    >>> r.radii.tolist(), r.alpha
    ([1.0, 1.0, 1.0, 1.0], 0.5)
    """
    Xf = _features(X)
    n, p = Xf.shape
    C = _features(centers, "centers")
    if C.shape[1] != p:
        raise ValueError(f"centers: expected {p} coordinate(s) per centre (as X), got "
                         f"{C.shape[1]}")
    k = check_k(len(C), n, "centers")
    metric = check_choice(metric, "metric", ("euclidean", "cityblock"))
    lab = None
    if labels is not None:
        lab = _cluster_labels(labels, n=n)
        if lab.min() < 0 or lab.max() >= k:
            raise ValueError(f"labels: expected centre indices in [0, {k - 1}], got values in "
                             f"[{lab.min()}, {lab.max()}]")
    return _service(Xf, C, lab, metric)


def _service(Xf, C, lab, metric):
    """:func:`service_fairness` for checked points, centres and centre indices (or None)."""
    n, k = len(Xf), len(C)
    to_centers = cdist(Xf, C, metric)
    dist = to_centers.min(axis=1) if lab is None else to_centers[np.arange(n), lab]
    m = -(-n // k)                                        # ceil(n / k)
    radii = np.sort(cdist(Xf, Xf, metric), axis=1)[:, m - 1]
    ratios = _ratio(dist, radii)
    return ServiceReport(radii=radii, distances=dist, ratios=ratios, alpha=float(ratios.max()))


def partitions(n: int, k: int) -> np.ndarray:
    """Every partition of ``n`` points into exactly ``k`` non-empty clusters.

    Parameters
    ----------
    n : int
        Number of points (>= 1).
    k : int
        Number of clusters, ``1 <= k <= n``.

    Returns
    -------
    ndarray of int, shape (S(n, k), n)
        One row per partition, in lexicographic order (restricted growth strings, module notes);
        ``S(n, k)`` is the Stirling number of the second kind.

    Raises
    ------
    ValueError
        If ``k`` is out of range or ``S(n, k)`` exceeds :data:`MAX_PARTITIONS`.

    Examples
    --------
    >>> partitions(3, 2).tolist()
    [[0, 0, 1], [0, 1, 0], [0, 1, 1]]
    """
    n = check_int(n, "n", low=1)
    k = check_k(k, n)
    if (count := stirling2(n, k, exact=True)) > MAX_PARTITIONS:
        raise ValueError(f"n: expected at most {MAX_PARTITIONS} partitions to enumerate, got "
                         f"S({n}, {k}) = {count}")
    labs = np.arange(k, dtype=np.int16)
    rgs = np.zeros((1, 1), dtype=np.int16)
    top = np.zeros(1, dtype=np.int16)                   # largest label so far
    for i in range(1, n):
        # point i may take a label up to top + 1 that still leaves enough points to open all k
        rows, cols = np.nonzero((labs <= top[:, None] + 1)
                                & (np.maximum(top[:, None], labs) >= k - n + i))
        rgs = np.column_stack([rgs[rows], labs[cols]])  # row-major: still in lexicographic order
        top = np.maximum(top[rows], labs[cols])
    return rgs.astype(int)


@dataclass(frozen=True)
class FairClusteringResult:
    """Result of :func:`fair_clustering`.

    Attributes
    ----------
    labels : ndarray of int, shape (n,)
        The optimal clustering (the first optimum in enumeration order), clusters numbered by
        first appearance.
    centers : ndarray, shape (k, p)
        Means (k-means) or coordinatewise medians (k-medians) in the features seen.
    cost : float
        Its objective: the sum of squared Euclidean (k-means) or of L1 (k-medians) distances.
    optimal_labels : ndarray of int, shape (m, n)
        Every partition attaining the optimum (ties are common with duplicated points).
    n_partitions : int
        Number of partitions into ``k`` clusters, ``S(n, k)``.
    n_feasible : int
        How many of them satisfy the constraint.
    unconstrained_cost : float
        The optimum without the constraint (the price of fairness is ``cost - unconstrained``).
    features : tuple of int
        Columns of ``X`` the clustering saw.
    """

    labels: np.ndarray
    centers: np.ndarray
    cost: float
    optimal_labels: np.ndarray
    n_partitions: int
    n_feasible: int
    unconstrained_cost: float
    features: tuple


def _partition_costs(labels, X, k, cost):
    """Objective and centres of each partition (rows of ``labels``), vectorised."""
    P, n = labels.shape
    onehot = labels[:, :, None] == np.arange(k)                     # (P, n, k)
    if cost == "kmeans":
        counts = onehot.sum(axis=1)                                  # (P, k)
        centers = np.einsum("pnk,nd->pkd", onehot, X) / counts[:, :, None]
        resid = X[None] - np.take_along_axis(centers, labels[:, :, None], axis=1)
        return np.sum(resid**2, axis=(1, 2)), centers
    masked = np.where(onehot.transpose(0, 2, 1)[..., None], X[None, None], np.nan)  # (P,k,n,d)
    centers = np.nanmedian(masked, axis=2)                                           # (P,k,d)
    resid = X[None] - np.take_along_axis(centers, labels[:, :, None], axis=1)
    return np.sum(np.abs(resid), axis=(1, 2)), centers


def fair_clustering(X, groups, k, *, min_share: float = 0.0, protected=1,
                    cost: str = "kmeans", features=None) -> FairClusteringResult:
    """Exactly optimal clustering under a minimum share of a protected group in every cluster.

    The k-means or k-medians cost (see ``cost`` of :class:`FairClusteringResult`) minimised over
    every partition (:func:`partitions`) in which ``protected`` has a share of at least
    ``min_share`` in every cluster.

    Parameters
    ----------
    X : array_like, shape (n,) or (n, p)
        Data; ``n`` small (at most :data:`MAX_PARTITIONS` partitions are enumerated).
    groups : array_like, shape (n,)
        Group of each point.
    k : int
        Number of clusters, ``1 <= k <= n``.
    min_share : float
        Minimum share of the ``protected`` group in each cluster, in [0, 1].
    protected : scalar
        The value of ``groups`` whose share is bounded (must occur in ``groups``).
    cost : {"kmeans", "kmedians"}
    features : sequence of int, optional
        Columns of ``X`` the algorithm sees (all by default). The constraint uses ``groups``
        whether or not they are among the features.

    Returns
    -------
    FairClusteringResult

    Raises
    ------
    ValueError
        For bad arguments, too many partitions, or a ``min_share`` no partition satisfies (the
        message gives the largest feasible value).

    Examples
    --------
    >>> s = toy_students()
    >>> res = fair_clustering(s.X, s.groups, 2, min_share=0.5, features=[0])
    >>> res.n_partitions, res.n_feasible
    (127, 34)
    """
    Xf = _features(X)
    n = len(Xf)
    grp = _groups(groups, n)
    k = check_k(k, n)
    share = float(as_array(min_share, "min_share", ndim=0))
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"min_share: expected a share in [0, 1], got {share}")
    if not np.any(grp == protected):
        raise ValueError(f"protected: expected one of the group values "
                         f"{np.unique(grp).tolist()}, got {protected!r}")
    cost = check_choice(cost, "cost", ("kmeans", "kmedians"))
    if features is None:
        cols = tuple(range(Xf.shape[1]))
    else:
        raw = np.atleast_1d(np.asarray(features))
        if raw.ndim != 1 or raw.size == 0 or raw.dtype.kind not in "iu":
            raise ValueError(f"features: expected a non-empty sequence of column indices, got "
                             f"{features!r}")
        cols = tuple(int(c) for c in raw)
        if min(cols) < 0 or max(cols) >= Xf.shape[1] or len(set(cols)) != len(cols):
            raise ValueError(f"features: expected distinct column indices in [0, "
                             f"{Xf.shape[1] - 1}], got {list(cols)}")
    labels = partitions(n, k)
    costs, centers = _partition_costs(labels, Xf[:, list(cols)], k, cost)
    is_prot = (grp == protected).astype(float)
    onehot = labels[:, :, None] == np.arange(k)
    worst = ((onehot * is_prot[None, :, None]).sum(axis=1) / onehot.sum(axis=1)).min(axis=1)
    feasible = worst >= share - 1e-12
    if not np.any(feasible):
        raise ValueError(f"min_share: expected at most {worst.max():.4g} (the largest share of "
                         f"the protected group that every one of {k} clusters can reach), got "
                         f"{share}")
    fc = np.where(feasible, costs, np.inf)
    best = float(fc.min())
    tie = np.flatnonzero(fc <= best + 1e-9 * max(1.0, abs(best)))
    return FairClusteringResult(labels=labels[tie[0]], centers=centers[tie[0]], cost=best,
                                optimal_labels=labels[tie], n_partitions=len(labels),
                                n_feasible=int(feasible.sum()),
                                unconstrained_cost=float(costs.min()), features=cols)


@dataclass(frozen=True)
class FairnessSummary:
    """Result of :func:`fairness_summary`: every metric of this module for one clustering.

    Attributes
    ----------
    balance : float
        :func:`balance` (group level, 1 is best).
    max_deviation : float
        ``max_deviation`` of :func:`representation` (group level, 0 is best).
    lipschitz : float
        ``constant`` of :func:`lipschitz_fairness` (individual level, small is best).
    average_distance_alpha : float
        ``alpha`` of :func:`average_distance_fairness` (individual level, <= 1 is fair).
    n_unfair : int
        Number of points with ratio above 1 in :func:`average_distance_fairness`.
    service_alpha : float
        ``alpha`` of :func:`service_fairness` with the cluster means of ``X`` as centres, each
        point served by its own cluster's centre (individual level, small is best).
    """

    balance: float
    max_deviation: float
    lipschitz: float
    average_distance_alpha: float
    n_unfair: int
    service_alpha: float

    def as_dict(self) -> dict:
        """The metrics as an ordered ``{name: value}`` dictionary (for tables)."""
        return {"balance": self.balance, "max. deviation from population share":
                self.max_deviation, "Lipschitz constant": self.lipschitz,
                "avg-distance alpha": self.average_distance_alpha,
                "points treated unfairly (avg-distance)": self.n_unfair,
                "service alpha": self.service_alpha}


def fairness_summary(X, labels, groups) -> FairnessSummary:
    """Group and individual fairness of one clustering (CS181 HW4, problem 4.4).

    Parameters
    ----------
    X : array_like, shape (n,) or (n, p)
        As in :func:`lipschitz_fairness` (used by the individual-level metrics).
    labels, groups : array_like, shape (n,)
        As in :func:`balance`.

    Returns
    -------
    FairnessSummary

    Raises
    ------
    ValueError
        For mismatched lengths or a single group.

    Examples
    --------
    >>> s = toy_students()
    >>> m = fairness_summary(s.gpa, [0, 0, 0, 0, 0, 1, 1, 1], s.groups)
    >>> m.balance, round(m.lipschitz, 4)
    (0.0, 8.3333)
    """
    Xf = _features(X)
    lab, clusters, _, counts = _counts(labels, groups, len(Xf))
    idx = np.searchsorted(clusters, lab)
    centers = np.array([Xf[idx == j].mean(axis=0) for j in range(len(clusters))])
    ad = _average_distance(Xf, lab, "euclidean")
    lipschitz = _lipschitz(Xf, (lab[:, None] != lab[None, :]).astype(float), 1.0, "euclidean")
    return FairnessSummary(balance=_balance(counts), max_deviation=_shares(counts)[2],
                           lipschitz=lipschitz.constant, average_distance_alpha=ad.alpha,
                           n_unfair=len(ad.unfair),
                           service_alpha=_service(Xf, centers, idx, "euclidean").alpha)
