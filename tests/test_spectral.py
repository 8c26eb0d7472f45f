"""Tests of mlhw.spectral and mlhw.graphs (NTU ML 2024 HW3, problem 3)."""

import itertools

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import connected_components as scipy_components

from mlhw.graphs import NTU_HW3_EDGES, ntu_hw3_graph, ntu_hw3_published_eigenvectors
from mlhw.spectral import (
    GraphRecovery,
    connected_components,
    degree_sequence_graphs,
    graph_laplacian,
    laplacian_eigenmaps,
    recover_graph_from_eigenvectors,
)


def random_weights(rng, n, p=0.5, connected=True):
    """Symmetric non-negative weights; a random spanning path makes the graph connected."""
    W = rng.uniform(0.1, 2.0, (n, n)) * (rng.random((n, n)) < p)
    W = np.triu(W, 1)
    if connected:
        perm = rng.permutation(n)
        a, b = np.minimum(perm[:-1], perm[1:]), np.maximum(perm[:-1], perm[1:])
        W[a, b] = rng.uniform(0.1, 2.0, n - 1)
    W = np.triu(W, 1) + np.triu(W, 1).T
    return W


def block_diag_graph(rng, sizes):
    return scipy.linalg.block_diag(*[random_weights(rng, s) for s in sizes])


graph_params = st.tuples(st.integers(2, 9), st.integers(0, 2**32 - 1))


# ---------------------------------------------------------------------------------- Laplacian


def test_laplacian_small_path():
    L, D = graph_laplacian([[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    np.testing.assert_array_equal(np.diag(D), [1, 2, 1])
    np.testing.assert_array_equal(L, [[1, -1, 0], [-1, 2, -1], [0, -1, 1]])


@settings(max_examples=40, deadline=None)
@given(graph_params)
def test_laplacian_properties(params):
    n, seed = params
    rng = np.random.default_rng(seed)
    W = random_weights(rng, n)
    L, D = graph_laplacian(W)
    np.testing.assert_allclose(L, D - W)
    np.testing.assert_allclose(L, L.T)
    np.testing.assert_allclose(L @ np.ones(n), 0, atol=1e-12)            # L 1 = 0
    assert np.linalg.eigvalsh(L).min() > -1e-10                          # PSD
    f = rng.normal(size=n)
    quad = 0.5 * np.sum(W * (f[:, None] - f[None, :]) ** 2)
    np.testing.assert_allclose(f @ L @ f, quad, rtol=1e-10, atol=1e-12)


def test_self_loops_cancel_in_laplacian():
    W = np.array([[2.0, 1.0], [1.0, 0.0]])
    L, D = graph_laplacian(W)
    np.testing.assert_array_equal(np.diag(D), [3.0, 1.0])
    np.testing.assert_array_equal(L, [[1.0, -1.0], [-1.0, 1.0]])


# ---------------------------------------------------------------------------------- eigenmaps


@settings(max_examples=40, deadline=None)
@given(graph_params, st.booleans())
def test_eigenmaps_match_scipy_eigh(params, skip):
    n, seed = params
    if n - int(skip) < 1:
        return
    rng = np.random.default_rng(seed)
    W = random_weights(rng, n)
    k = int(rng.integers(1, n - int(skip) + 1))
    Psi, lam = laplacian_eigenmaps(W, k, skip_constant=skip)
    L = np.diag(W.sum(1)) - W
    D = np.diag(W.sum(1))
    ref = scipy.linalg.eigh(L, D, eigvals_only=True)
    off = int(skip)
    np.testing.assert_allclose(lam, ref[off:off + k], atol=1e-9)
    assert Psi.shape == (n, k)
    np.testing.assert_allclose(Psi.T @ D @ Psi, np.eye(k), atol=1e-9)
    np.testing.assert_allclose(L @ Psi, D @ Psi * lam, atol=1e-9)
    np.testing.assert_allclose(np.trace(Psi.T @ L @ Psi), lam.sum(), atol=1e-9)
    # sign convention: the first entry of largest magnitude (up to 1e-9 relative) is positive
    mag = np.abs(Psi)
    first = np.argmax(mag >= mag.max(axis=0) * (1 - 1e-9), axis=0)
    assert np.all(Psi[first, np.arange(k)] > 0)


def test_eigenmaps_trace_is_minimal_among_d_orthonormal(rng):
    W = random_weights(rng, 8)
    L, D = graph_laplacian(W)
    Psi, lam = laplacian_eigenmaps(W, 2)
    Dm12 = np.diag(1 / np.sqrt(np.diag(D)))
    ones = np.sqrt(np.diag(D))                     # D^(1/2) 1: the constant direction
    for _ in range(50):
        Q, _ = np.linalg.qr(np.column_stack([ones, rng.normal(size=(8, 2))]))
        other = Dm12 @ Q[:, 1:]                    # D-orthonormal and D-orthogonal to 1
        np.testing.assert_allclose(other.T @ D @ other, np.eye(2), atol=1e-10)
        assert np.trace(other.T @ L @ other) >= lam.sum() - 1e-10


def test_constant_vector_first_when_not_skipped(rng):
    W = random_weights(rng, 7)
    Psi, lam = laplacian_eigenmaps(W, 2, skip_constant=False)
    assert abs(lam[0]) < 1e-10
    np.testing.assert_allclose(Psi[:, 0], 1 / np.sqrt(W.sum()), rtol=1e-9)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(2, 5), min_size=1, max_size=4), st.integers(0, 2**32 - 1))
def test_zero_multiplicity_equals_number_of_components(sizes, seed):
    rng = np.random.default_rng(seed)
    W = block_diag_graph(rng, sizes)
    perm = rng.permutation(W.shape[0])
    W = W[np.ix_(perm, perm)]
    n = W.shape[0]
    _, lam = laplacian_eigenmaps(W, n, skip_constant=False)
    assert np.count_nonzero(np.abs(lam) < 1e-9) == len(sizes)
    count, labels = connected_components(W)
    assert count == len(sizes)
    if len(sizes) > 1:
        with pytest.raises(ValueError, match="W: expected a connected graph"):
            laplacian_eigenmaps(W, 1)
    else:
        assert laplacian_eigenmaps(W, 1)[1][0] > 1e-9          # connected: lambda_2 > 0


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 12), st.floats(0.0, 0.6), st.integers(0, 2**32 - 1))
def test_connected_components_match_scipy(n, p, seed):
    rng = np.random.default_rng(seed)
    W = random_weights(rng, n, p=p, connected=False)
    count, labels = connected_components(W)
    ref_count, ref_labels = scipy_components(W > 0, directed=False)
    assert count == ref_count
    np.testing.assert_array_equal(labels, ref_labels)


# ---------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("W, match", [
    (np.ones((2, 3)), "square"),
    (np.ones(3), "2-dimensional"),
    ([[0, 1], [2, 0]], "symmetric"),
    ([[0, -1], [-1, 0]], "non-negative"),
    ([[0, np.nan], [np.nan, 0]], "finite"),
    ([[0, 1, 0], [1, 0, 0], [0, 0, 0]], "isolated"),
])
def test_bad_weights(W, match):
    with pytest.raises(ValueError, match=match) as err:
        graph_laplacian(W)
    assert str(err.value).startswith("W:")
    with pytest.raises(ValueError, match="W:"):
        laplacian_eigenmaps(W, 1)


def test_bad_types():
    with pytest.raises(TypeError, match="W"):
        graph_laplacian([["a", "b"], ["c", "d"]])
    W = ntu_hw3_graph()
    with pytest.raises(TypeError, match="n_components"):
        laplacian_eigenmaps(W, 2.0)
    with pytest.raises(TypeError, match="skip_constant"):
        laplacian_eigenmaps(W, 2, skip_constant="yes")


@pytest.mark.parametrize("k, skip", [(0, True), (10, True), (11, False), (-1, False)])
def test_bad_n_components(k, skip):
    with pytest.raises(ValueError, match="n_components"):
        laplacian_eigenmaps(ntu_hw3_graph(), k, skip_constant=skip)


def test_disconnected_allowed_without_skipping():
    W = scipy.linalg.block_diag([[0, 1], [1, 0]], [[0, 1], [1, 0]])
    Psi, lam = laplacian_eigenmaps(W, 2, skip_constant=False)
    np.testing.assert_allclose(lam, 0, atol=1e-12)
    np.testing.assert_allclose(Psi.T @ np.diag(W.sum(1)) @ Psi, np.eye(2), atol=1e-12)


# ---------------------------------------------------------------------------------- NTU graph


def test_ntu_graph_data():
    W = ntu_hw3_graph()
    assert W.shape == (10, 10) and W.dtype.kind == "i"
    np.testing.assert_array_equal(W, W.T)
    assert np.all(np.diag(W) == 0) and set(np.unique(W)) == {0, 1}
    assert W.sum() // 2 == len(NTU_HW3_EDGES) == 11
    np.testing.assert_array_equal(W.sum(1), [3, 3, 2, 2, 2, 1, 2, 3, 2, 2])
    assert connected_components(W)[0] == 1
    W[0, 1] = 5                                   # a fresh copy every call
    assert ntu_hw3_graph()[0, 1] == 1


def test_ntu_graph_reproduces_published_eigenvectors():
    published = ntu_hw3_published_eigenvectors()
    Psi, lam = laplacian_eigenmaps(ntu_hw3_graph(), 4, skip_constant=False)
    signs = np.sign(np.sum(Psi * published, axis=0))
    np.testing.assert_allclose(Psi * signs, published, atol=5.1e-9, rtol=0)
    _, lam4 = laplacian_eigenmaps(ntu_hw3_graph(), 3)
    assert round(lam4.sum(), 3) == 1.098
    np.testing.assert_allclose(lam4, lam[1:], atol=1e-12)


def test_ntu_graph_recovered_uniquely_from_published_psi():
    rec = recover_graph_from_eigenvectors(ntu_hw3_published_eigenvectors())
    assert isinstance(rec, GraphRecovery)
    np.testing.assert_array_equal(rec.adjacency, ntu_hw3_graph())
    np.testing.assert_array_equal(rec.degrees, [3, 3, 2, 2, 2, 1, 2, 3, 2, 2])
    assert rec.degree_error_bound < 0.5
    assert rec.n_fits == 1 and rec.candidates.shape == (1, 10, 10)
    assert rec.residuals[0] <= rec.residual_bound < rec.residuals[1] / 1e5
    assert rec.residuals.size == rec.n_graphs


def test_recovery_is_sign_invariant_and_needs_enough_columns():
    published = ntu_hw3_published_eigenvectors() * np.array([1, -1, 1, -1])
    rec = recover_graph_from_eigenvectors(published)
    np.testing.assert_array_equal(rec.adjacency, ntu_hw3_graph())
    with pytest.raises(ValueError, match="Psi: expected at least m columns"):
        recover_graph_from_eigenvectors(published[:, :3])


def test_recovery_fails_for_a_wrong_eigenvector():
    published = ntu_hw3_published_eigenvectors()
    published[[2, 3], 1] = published[[3, 2], 1]          # swap two entries of one column
    with pytest.raises(ValueError, match="Psi"):
        recover_graph_from_eigenvectors(published)


@pytest.mark.parametrize("seed", range(5))
def test_recovery_of_random_small_graphs(seed):
    rng = np.random.default_rng(seed)
    W = (random_weights(rng, 6, p=0.4) > 0).astype(int)
    Psi, _ = laplacian_eigenmaps(W, 4, skip_constant=False)
    rec = recover_graph_from_eigenvectors(Psi.round(8))
    assert rec.candidates.shape == (rec.n_fits, 6, 6)
    assert any(np.array_equal(c, W) for c in rec.candidates)   # the truth always fits
    for cand in rec.candidates:                                 # and every candidate truly fits
        L = np.diag(cand.sum(1)) - cand
        lam = np.diag(Psi.T @ L @ Psi)
        np.testing.assert_allclose(L @ Psi, np.diag(cand.sum(1)) @ Psi * lam, atol=1e-6)


# ---------------------------------------------------------------------------------- enumeration


def brute_force_count(degrees):
    n = len(degrees)
    pairs = list(itertools.combinations(range(n), 2))
    count = 0
    for mask in range(2 ** len(pairs)):
        deg = [0] * n
        for bit, (i, j) in enumerate(pairs):
            if mask >> bit & 1:
                deg[i] += 1
                deg[j] += 1
        count += deg == list(degrees)
    return count


@pytest.mark.parametrize("degrees", [[1, 1, 1, 1], [2, 2, 2, 1, 1], [3, 2, 2, 2, 1],
                                     [2, 2, 2, 2, 2], [1, 1, 1, 1, 1, 1], [4, 1, 1, 1, 1],
                                     [3, 3, 2, 2, 1, 1]])
def test_degree_sequence_graphs_match_brute_force(degrees):
    edges = degree_sequence_graphs(degrees)
    assert edges.shape[0] == brute_force_count(degrees)
    for graph in edges:
        deg = np.bincount(graph.ravel(), minlength=len(degrees))
        np.testing.assert_array_equal(deg, degrees)
        assert np.all(graph[:, 0] < graph[:, 1])
    assert len({tuple(map(tuple, g)) for g in edges}) == edges.shape[0]   # no duplicates


def test_degree_sequence_bad_input():
    with pytest.raises(ValueError, match="even sum"):
        degree_sequence_graphs([1, 1, 1])
    with pytest.raises(ValueError, match="non-negative integers"):
        degree_sequence_graphs([1.5, 0.5])
    with pytest.raises(ValueError, match="max_graphs = 3"):
        degree_sequence_graphs([2, 2, 2, 2, 2, 2], max_graphs=3)
    assert degree_sequence_graphs([2, 0, 0]).shape[0] == 0              # not graphical
