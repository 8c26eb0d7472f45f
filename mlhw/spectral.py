"""Graph Laplacians and Laplacian eigenmaps (NTU ML 2024, HW3, problem 3).

A graph on ``n`` vertices is given by its symmetric, non-negative weight matrix ``W`` (n, n); its
Laplacian is ``L = D - W`` with ``D = diag(W.sum(axis=1))``. The module also recovers a graph from
a few of its published eigenvectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import numpy as np
import scipy.linalg

from ._validation import as_array, check_int

__all__ = ["GraphRecovery", "connected_components", "degree_sequence_graphs", "graph_laplacian",
           "laplacian_eigenmaps", "recover_graph_from_eigenvectors"]


def _check_weights(W, name: str = "W") -> np.ndarray:
    """Validate a weight matrix: square, finite, symmetric, non-negative."""
    W = as_array(W, name, ndim=2)
    if W.shape[0] != W.shape[1]:
        raise ValueError(f"{name}: expected a square (n, n) weight matrix, got shape {W.shape}")
    if np.any(W < 0):
        i, j = np.argwhere(W < 0)[0]
        raise ValueError(f"{name}: expected non-negative weights, got {float(W[i, j])!r} at "
                         f"({i}, {j})")
    scale = max(1.0, float(np.abs(W).max()))
    if not np.allclose(W, W.T, rtol=0, atol=1e-12 * scale):
        i, j = np.unravel_index(np.argmax(np.abs(W - W.T)), W.shape)
        raise ValueError(f"{name}: expected a symmetric weight matrix (an undirected graph), got "
                         f"{name}[{i}, {j}] = {float(W[i, j])!r} but {name}[{j}, {i}] = {float(W[j, i])!r}")
    return (W + W.T) / 2


def graph_laplacian(W):
    """Degree matrix and Laplacian ``L = D - W`` of an undirected weighted graph.

    Parameters
    ----------
    W : array_like, shape (n, n)
        Symmetric, non-negative, finite weights (an adjacency matrix for an unweighted graph).
        Diagonal entries (self-loops) are allowed; they cancel in ``L``.

    Returns
    -------
    L : ndarray, shape (n, n)
        The Laplacian ``D - W``: symmetric, positive semi-definite, ``L @ 1 = 0``.
    D : ndarray, shape (n, n)
        The diagonal degree matrix.

    Raises
    ------
    TypeError
        If ``W`` is not numeric.
    ValueError
        If ``W`` is not a finite, square, symmetric, non-negative matrix, or a vertex is isolated
        (degree 0, so ``D`` is singular and the eigenmap undefined).

    Examples
    --------
    >>> L, D = graph_laplacian([[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    >>> L
    array([[ 1., -1.,  0.],
           [-1.,  2., -1.],
           [ 0., -1.,  1.]])
    >>> np.diag(D)
    array([1., 2., 1.])
    """
    return _laplacian(_check_weights(W))


def _laplacian(W):
    """``(L, D)`` of a checked symmetric weight matrix; isolated vertices raise ``ValueError``."""
    d = W.sum(axis=1)
    if np.any(d <= 0):
        iso = np.flatnonzero(d <= 0).tolist()
        raise ValueError(f"W: expected every vertex to have positive degree, got isolated "
                         f"vertex(es) {iso} (0-based) whose row sums are 0")
    D = np.diag(d)
    return D - W, D


def connected_components(W):
    """Connected components of the graph with weights ``W`` (breadth-first search).

    An edge is a pair ``i != j`` with ``W[i, j] > 0``.

    Parameters
    ----------
    W : array_like, shape (n, n)
        Symmetric, non-negative, finite weights (isolated vertices are allowed here; each is a
        component of its own).

    Returns
    -------
    n_components : int
    labels : ndarray of int, shape (n,)
        Component of each vertex, numbered 0, 1, ... in order of each component's smallest
        vertex (the same convention as ``scipy.sparse.csgraph.connected_components``).

    Raises
    ------
    TypeError, ValueError
        As :func:`graph_laplacian`, except that isolated vertices are accepted.

    Examples
    --------
    >>> connected_components([[0, 1, 0], [1, 0, 0], [0, 0, 0]])
    (2, array([0, 0, 1]))
    """
    return _components(_check_weights(W))


def _components(W):
    """``(n_components, labels)`` of a checked weight matrix, by breadth-first search."""
    adj = W > 0
    np.fill_diagonal(adj, False)
    labels = np.full(len(W), -1, dtype=int)
    count = 0
    for start in range(len(W)):
        if labels[start] < 0:
            frontier = np.arange(len(W)) == start
            while frontier.any():                  # one level of the search per pass
                labels[frontier] = count
                frontier = adj[frontier].any(axis=0) & (labels < 0)
            count += 1
    return count, labels


def laplacian_eigenmaps(W, n_components, *, skip_constant=True):
    """Laplacian eigenmap: minimise ``Tr(Psi^T L Psi)`` subject to ``Psi^T D Psi = I``.

    Row ``i`` of ``Psi`` embeds vertex ``i``; each column's entry of largest absolute value is
    positive. By default the constant eigenvector is skipped, which needs a connected graph.

    Parameters
    ----------
    W : array_like, shape (n, n)
        Symmetric, non-negative weights without isolated vertices.
    n_components : int
        Embedding dimension, ``1 <= n_components <= n - 1`` (``n`` if not ``skip_constant``).
    skip_constant : bool, keyword-only
        Whether to drop the constant eigenvector of the eigenvalue 0; ``False`` returns the
        ``n_components`` smallest eigenpairs of any graph without isolated vertices.

    Returns
    -------
    Psi : ndarray, shape (n, n_components)
        ``D``-orthonormal generalized eigenvectors as columns, ascending eigenvalues.
    eigvals : ndarray, shape (n_components,)
        The matching eigenvalues; ``Tr(Psi^T L Psi) = eigvals.sum()``.

    Raises
    ------
    TypeError, ValueError
        For an invalid ``W`` (see :func:`graph_laplacian`), an ``n_components`` out of range, or
        a disconnected graph with ``skip_constant=True``.

    Examples
    --------
    >>> path = np.diag([1.0, 1.0], 1); path = path + path.T   # the path 0 - 1 - 2
    >>> Psi, lam = laplacian_eigenmaps(path, 1)
    >>> lam.round(12)
    array([1.])
    >>> np.abs(Psi).round(6).ravel()
    array([0.707107, 0.      , 0.707107])
    """
    if not isinstance(skip_constant, (bool, np.bool_)):
        raise TypeError(f"skip_constant: expected a bool, got {type(skip_constant).__name__}")
    W = _check_weights(W)
    L, D = _laplacian(W)
    offset = 1 if skip_constant else 0
    n_components = check_int(n_components, "n_components", low=1, high=len(W) - offset)
    if skip_constant and (n_comp := _components(W)[0]) > 1:
        raise ValueError(
            f"W: expected a connected graph when skip_constant=True (then the eigenvalue 0 "
            f"is simple and its eigenvector constant), got {n_comp} connected components; "
            f"pass skip_constant=False to keep the whole zero eigenspace")
    return _eigenmap(L, D, offset, offset + n_components - 1)


def _eigenmap(L, D, lo, hi):
    """Generalized eigenpairs ``lo..hi`` (ascending) of ``L v = lambda D v``, signs fixed."""
    eigvals, V = scipy.linalg.eigh(L, D, subset_by_index=[lo, hi])
    if not (np.all(np.isfinite(eigvals)) and np.all(np.isfinite(V))):
        raise FloatingPointError("laplacian_eigenmaps: the eigensolver returned non-finite "
                                 "values")
    # the entry of largest absolute value (the first one on ties) of each column is made positive
    idx = np.argmax(np.abs(V) > np.abs(V).max(axis=0) * (1 - 1e-9), axis=0)
    signs = np.sign(V[idx, np.arange(V.shape[1])])
    signs[signs == 0] = 1
    return V * signs, eigvals


# ---- Recovering a graph from published eigenvectors -----------------------------------------


@dataclass(frozen=True)
class GraphRecovery:
    """Result of :func:`recover_graph_from_eigenvectors`.

    Attributes
    ----------
    adjacency : ndarray of int, shape (n, n)
        The best-fitting graph (0/1 adjacency): the recovered graph when ``n_fits == 1``.
    candidates : ndarray of int, shape (n_fits, n, n)
        Every graph whose residual is within ``residual_bound``, best first. More than one means
        the given eigenvectors do not single out the graph.
    degrees : ndarray of int, shape (n,)
        The integer degrees fixed by ``Psi^T D Psi = I``.
    degrees_real : ndarray, shape (n,)
        The real solution of that linear system before rounding.
    degree_error_bound : float
        A bound on ``max |degrees_real - true degrees|`` caused by the rounding of ``Psi``;
        below 0.5 the rounding to integers is certain.
    eigenvalues : ndarray, shape (m,)
        For the best graph, the least-squares eigenvalue of each column.
    residuals : ndarray, shape (n_graphs,)
        For every graph with the degree sequence, ``max_k min_lambda ||L psi_k - lambda D
        psi_k||_2``, sorted ascending.
    residual_bound : float
        The largest residual the true graph can have because ``Psi`` is rounded.
    n_graphs : int
        Number of simple graphs with the degree sequence (all were examined).
    n_fits : int
        How many of them have a residual at most ``residual_bound``.
    """

    adjacency: np.ndarray
    candidates: np.ndarray
    degrees: np.ndarray
    degrees_real: np.ndarray
    degree_error_bound: float
    eigenvalues: np.ndarray
    residuals: np.ndarray
    residual_bound: float
    n_graphs: int
    n_fits: int


def degree_sequence_graphs(degrees, *, max_graphs=5_000_000):
    """Every simple labelled graph with the given degree sequence, as edge lists, each once.

    Parameters
    ----------
    degrees : array_like of int, shape (n,)
        Non-negative degrees with an even sum.
    max_graphs : int, keyword-only
        Refuse (``ValueError``) to list more graphs than this.

    Returns
    -------
    edges : ndarray of int, shape (n_graphs, n_edges, 2)
        Edge ``(i, j)`` with ``i < j``, 0-based.

    Raises
    ------
    ValueError
        If the degrees are negative, not integers, have an odd sum, or admit more than
        ``max_graphs`` graphs.

    Examples
    --------
    >>> degree_sequence_graphs([1, 1, 1, 1]).tolist()
    [[[0, 1], [2, 3]], [[0, 2], [1, 3]], [[0, 3], [1, 2]]]
    """
    deg = as_array(degrees, "degrees", ndim=1)
    if np.any(deg < 0) or np.any(deg != np.round(deg)):
        raise ValueError(f"degrees: expected non-negative integers, got {deg.tolist()}")
    deg = deg.astype(int)
    n = deg.size
    if deg.sum() % 2:
        raise ValueError(f"degrees: expected an even sum (twice the number of edges), got "
                         f"{deg.sum()}")
    max_graphs = check_int(max_graphs, "max_graphs", low=1)
    # Every completion of a partial graph depends only on the next vertex to serve and on the
    # degrees still free, so the completions of each such state are built once and reused.
    def successors(i, rem):
        while i < n and rem[i] == 0:
            i += 1
        if i == n:
            return None
        cands = [j for j in range(i + 1, n) if rem[j] > 0]
        # vertex i joined to each subset of the candidates of the size it still needs
        return [(subset, i, tuple(0 if j == i else r - (j in subset) for j, r in enumerate(rem)))
                for subset in combinations(cands, rem[i])]

    @lru_cache(maxsize=None)
    def count(i, rem):
        succ = successors(i, rem)
        return 1 if succ is None else sum(count(v + 1, r) for _, v, r in succ)

    @lru_cache(maxsize=None)
    def build(i, rem):
        succ = successors(i, rem)
        if succ is None:
            return np.zeros((1, 0), dtype=int)
        parts = []
        for subset, v, r in succ:
            tail = build(v + 1, r)
            if tail.shape[0]:
                head = np.array([(v, j) for j in subset], dtype=int).ravel()
                parts.append(np.hstack([np.broadcast_to(head, (tail.shape[0], head.size)),
                                        tail]))
        return np.vstack(parts) if parts else np.zeros((0, sum(rem)), dtype=int)

    start = tuple(int(v) for v in deg)
    total = count(0, start)
    if total > max_graphs:
        raise ValueError(f"degrees: expected at most max_graphs = {max_graphs} graphs with this "
                         f"degree sequence, got {total}")
    return build(0, start).reshape(total, deg.sum() // 2, 2)


def recover_graph_from_eigenvectors(Psi, *, decimals=8, max_graphs=5_000_000):
    """Recover an unweighted graph from ``m`` of its ``D``-orthonormal generalized eigenvectors.

    The integer degrees from ``Psi^T D Psi = I``, then every graph with these degrees whose
    residual is within what the rounding of ``Psi`` allows (module notes).

    Parameters
    ----------
    Psi : array_like, shape (n, m)
        Generalized eigenvectors as columns, each up to sign, with ``m (m + 1) / 2 >= n``.
    decimals : int, keyword-only
        Number of decimal places ``Psi`` was rounded to.
    max_graphs : int, keyword-only
        Passed to :func:`degree_sequence_graphs`.

    Returns
    -------
    GraphRecovery

    Raises
    ------
    ValueError
        If ``Psi`` has too few columns to fix the degrees, the degree system is singular, the
        degrees are not certain from the rounding bound, or no graph fits.

    Examples
    --------
    A 4-cycle 0-1-2-3 with a pendant vertex 4 at vertex 3; six graphs share its degrees:

    >>> W = np.zeros((5, 5), dtype=int)
    >>> for i, j in [(0, 1), (1, 2), (2, 3), (3, 0), (3, 4)]:
    ...     W[i, j] = W[j, i] = 1
    >>> Psi, _ = laplacian_eigenmaps(W, 3, skip_constant=False)
    >>> rec = recover_graph_from_eigenvectors(Psi.round(8))
    >>> bool((rec.adjacency == W).all()), rec.n_fits, rec.n_graphs
    (True, 1, 6)
    """
    Psi = as_array(Psi, "Psi", ndim=2)
    n, m = Psi.shape
    decimals = check_int(decimals, "decimals", low=0)
    if m * (m + 1) // 2 < n:
        raise ValueError(f"Psi: expected at least m columns with m (m + 1) / 2 >= n = {n} to "
                         f"determine the degrees, got m = {m}")
    delta = 0.5 * 10.0 ** (-decimals)
    # Step 1: degrees from Psi^T D Psi = I.
    pairs = [(a, b) for a in range(m) for b in range(a, m)]
    A = np.array([Psi[:, a] * Psi[:, b] for a, b in pairs])
    rhs = np.array([1.0 if a == b else 0.0 for a, b in pairs])
    rank = np.linalg.matrix_rank(A)
    if rank < n:
        raise ValueError(f"Psi: expected eigenvectors for which Psi^T D Psi = I determines the "
                         f"degrees (rank {n}), got a rank-deficient system (rank {rank})")
    d_real = np.linalg.lstsq(A, rhs, rcond=None)[0]
    degrees = np.rint(d_real).astype(int)
    if np.any(degrees < 1):
        raise ValueError(f"Psi: expected Psi^T D Psi = I to imply positive integer degrees, got "
                         f"{d_real.round(4).tolist()}")
    # |d - d_real| <= ||A^+||_inf ||E||_inf max(d), with max(d) <= n - 1 (module notes)
    mag = np.abs(Psi)
    E = np.array([delta * (mag[:, a] + mag[:, b]) + delta**2 for a, b in pairs])
    bound = float(np.abs(np.linalg.pinv(A)).sum(axis=1).max() * E.sum(axis=1).max() * (n - 1))
    if bound >= 0.5:
        raise ValueError(f"Psi: expected entries precise enough to determine the degrees (a "
                         f"rounding bound below 0.5), got a bound of {bound:.3g}")
    # Step 2: edges, by exhaustive search over the graphs with these degrees.
    edges = degree_sequence_graphs(degrees, max_graphs=max_graphs)
    n_graphs = edges.shape[0]
    DPsi = degrees[:, None] * Psi                       # (n, m)
    norms = np.sum(DPsi**2, axis=0)
    residuals = np.empty(n_graphs)
    lambdas = np.empty((n_graphs, m))
    batch = 20_000
    for start in range(0, n_graphs, batch):
        e = edges[start:start + batch]
        g = e.shape[0]
        gi = np.repeat(np.arange(g), e.shape[1])
        a, b = e[..., 0].ravel(), e[..., 1].ravel()
        WPsi = np.empty((g * n, m))
        for k in range(m):                              # (W Psi)[a] += Psi[b] and vice versa
            WPsi[:, k] = (np.bincount(gi * n + a, Psi[b, k], minlength=g * n)
                          + np.bincount(gi * n + b, Psi[a, k], minlength=g * n))
        LPsi = DPsi[None] - WPsi.reshape(g, n, m)
        lam = np.einsum("ik,gik->gk", DPsi, LPsi) / norms
        res = LPsi - lam[:, None, :] * DPsi[None]
        residuals[start:start + g] = np.sqrt(np.sum(res**2, axis=1)).max(axis=1)
        lambdas[start:start + g] = lam
    r_bound = float(4 * degrees.max() * np.sqrt(n) * delta)
    order = np.argsort(residuals, kind="stable")
    n_fits = int(np.count_nonzero(residuals <= r_bound))
    if n_fits == 0:
        raise ValueError(f"Psi: expected the eigenvectors of a graph with degrees "
                         f"{degrees.tolist()} (a residual at most {r_bound:.3g}), got a best "
                         f"residual of {residuals[order[0]]:.3g}")
    fits = order[:n_fits]
    W = np.zeros((n_fits, n, n), dtype=int)
    gi = np.repeat(np.arange(n_fits), edges.shape[1])
    W[gi, edges[fits, :, 0].ravel(), edges[fits, :, 1].ravel()] = 1
    W = W + W.transpose(0, 2, 1)
    return GraphRecovery(adjacency=W[0], candidates=W, degrees=degrees, degrees_real=d_real,
                         degree_error_bound=bound, eigenvalues=lambdas[order[0]],
                         residuals=residuals[order], residual_bound=r_bound, n_graphs=n_graphs,
                         n_fits=n_fits)
