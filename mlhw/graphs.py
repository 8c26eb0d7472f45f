"""Small graphs of the homeworks, shipped as data.

NTU ML 2024 HW3, problem 3 draws its graph in a figure the published text lacks (its printed ``W``,
``D`` and ``L`` are garbled); :func:`ntu_hw3_graph` is the one graph that fits the intact published
eigenvectors, as :func:`mlhw.spectral.recover_graph_from_eigenvectors` shows in the chapter.
"""

from __future__ import annotations

import numpy as np

__all__ = ["NTU_HW3_EDGES", "ntu_hw3_graph", "ntu_hw3_published_eigenvectors"]

#: Edges of the NTU HW3 graph, vertices numbered 1..10 as in the problem.
NTU_HW3_EDGES = ((1, 2), (1, 3), (1, 4), (2, 4), (2, 8), (3, 8), (5, 6), (5, 7), (7, 10),
                 (8, 9), (9, 10))

# The published D-orthonormal generalized eigenvectors of L v = lambda D v for the four smallest
# eigenvalues (rows: vertices 1..10), as printed in the solution (8 decimal places).
_PUBLISHED_PSI = (
    (0.21320072, 0.18831754, 0.14189576, -0.09069099),
    (0.21320072, 0.17464619, 0.09357859, -0.09972695),
    (0.21320072, 0.15764162, -0.00046639, 0.30654733),
    (0.21320072, 0.19459486, 0.18210673, -0.29471481),
    (0.21320072, -0.3627844, 0.25247422, 0.09353918),
    (0.21320072, -0.38899742, 0.39050752, 0.28954605),
    (0.21320072, -0.28767812, -0.06404401, -0.22910952),
    (0.21320072, 0.10571999, -0.14249883, 0.28875405),
    (0.21320072, -0.03650001, -0.36950084, 0.0730296),
    (0.21320072, -0.17380083, -0.33528676, -0.24156895),
)


def ntu_hw3_graph():
    """The (10, 10) 0/1 adjacency matrix of the graph of NTU ML 2024 HW3, problem 3.

    Row ``i`` is vertex ``i + 1`` of the problem; the graph is connected, with the 11 edges
    :data:`NTU_HW3_EDGES`.

    Returns
    -------
    W : ndarray of int, shape (10, 10)
        Symmetric adjacency with zero diagonal (a new array on every call).

    Examples
    --------
    >>> W = ntu_hw3_graph()
    >>> W.shape, int(W.sum()) // 2
    ((10, 10), 11)
    >>> W.sum(axis=1)
    array([3, 3, 2, 2, 2, 1, 2, 3, 2, 2])
    """
    W = np.zeros((10, 10), dtype=int)
    for i, j in NTU_HW3_EDGES:
        W[i - 1, j - 1] = W[j - 1, i - 1] = 1
    return W


def ntu_hw3_published_eigenvectors():
    """The published eigenvectors of NTU ML 2024 HW3, problem 3 (parts 3 and 4).

    Column 0 is the constant eigenvector ``0.21320072 = 1 / sqrt(22)`` of the eigenvalue 0;
    columns 1-3 belong to the second, third and fourth smallest eigenvalues. Part 3's ``Psi`` is
    columns 0-2, part 4's is columns 1-3.

    Returns
    -------
    Psi : ndarray, shape (10, 4)
        As printed: rounded to 8 decimal places, each column determined up to sign.

    Examples
    --------
    >>> ntu_hw3_published_eigenvectors().shape
    (10, 4)
    """
    return np.array(_PUBLISHED_PSI, dtype=float)
