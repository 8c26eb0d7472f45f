"""Tests of mlhw.linear_autoencoder: gradients, training, components, principal angles."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import subspace_angles

import mlhw
from mlhw import linear_autoencoder as lae


def _data(rng, n=300, scales=(5.0, 3.0, 2.0, 0.5, 0.3, 0.1)):
    """Anisotropic Gaussian data in a random rotation, with well separated variances."""
    Q, _ = np.linalg.qr(rng.normal(size=(len(scales), len(scales))))
    return (rng.normal(size=(n, len(scales))) * scales) @ Q.T + 3.0


def test_loss_gradient_matches_finite_differences(rng):
    X = rng.normal(size=(20, 5))
    W1 = rng.normal(size=(2, 5))
    W2 = rng.normal(size=(5, 2))
    loss, g1, g2 = lae.autoencoder_loss(X, W1, W2)
    eps = 1e-6
    for W, g, which in ((W1, g1, 0), (W2, g2, 1)):
        num = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            Wp, Wm = W.copy(), W.copy()
            Wp[idx] += eps
            Wm[idx] -= eps
            args_p = (Wp, W2) if which == 0 else (W1, Wp)
            args_m = (Wm, W2) if which == 0 else (W1, Wm)
            num[idx] = (lae.autoencoder_loss(X, *args_p)[0]
                        - lae.autoencoder_loss(X, *args_m)[0]) / (2 * eps)
        np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-6)


def test_gradient_check_can_fail(rng):
    """The finite-difference comparison detects a wrong gradient (sign flipped)."""
    X = rng.normal(size=(10, 4))
    W1, W2 = rng.normal(size=(2, 4)), rng.normal(size=(4, 2))
    _, g1, _ = lae.autoencoder_loss(X, W1, W2)
    Wp = W1.copy()
    Wp[0, 0] += 1e-6
    num = (lae.autoencoder_loss(X, Wp, W2)[0] - lae.autoencoder_loss(X, W1, W2)[0]) / 1e-6
    assert not np.isclose(-g1[0, 0], num, rtol=1e-3) or abs(num) < 1e-8


def test_covariance_form_equals_data_form(rng):
    X = rng.normal(size=(50, 6)) * [3, 2, 1, 1, 0.5, 0.1]
    W1, W2 = rng.normal(size=(3, 6)), rng.normal(size=(6, 3))
    Xc = X - X.mean(axis=0)
    C = Xc.T @ Xc / len(X)
    got = lae._loss_grad_cov(C, np.trace(C), W1, W2)
    want = lae.autoencoder_loss(X, W1, W2)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)


def test_loss_at_pca_solution_is_sum_of_dropped_eigenvalues(rng):
    X = _data(rng)
    vals, P = mlhw.pca(X, 6)
    loss, g1, g2 = lae.autoencoder_loss(X, P[:2], P[:2].T)
    assert loss == pytest.approx(vals[2:].sum(), rel=1e-10)
    # a stationary point: the gradient vanishes there
    np.testing.assert_allclose(g1, 0, atol=1e-9)
    np.testing.assert_allclose(g2, 0, atol=1e-9)


@pytest.mark.parametrize("optimizer,n_steps,tol,rtol",
                         [("gd", 400, 1e-3, 1e-5), ("adam", 1500, 1e-2, 2e-2)])
def test_training_finds_principal_subspace(rng, optimizer, n_steps, tol, rtol):
    """Adam with a fixed step stalls at a small distance, plain GD converges linearly."""
    X = _data(rng)
    vals, P = mlhw.pca(X, 6)
    res = lae.fit_linear_autoencoder(X, 3, n_steps=n_steps, optimizer=optimizer, seed=1)
    angles = lae.principal_angles(res.decoder.T, P[:3])
    assert np.max(angles) < tol
    assert res.loss[-1] == pytest.approx(vals[3:].sum(), rel=rtol)
    assert res.loss.shape == (n_steps + 1,)
    assert res.loss[-1] < res.loss[0]
    np.testing.assert_allclose(res.mean, X.mean(axis=0))


def test_gd_loss_decreases_monotonically(rng):
    X = _data(rng)
    res = lae.fit_linear_autoencoder(X, 2, n_steps=200, seed=0)
    assert np.all(np.diff(res.loss) <= 1e-12 * res.loss[0])


def test_training_is_reproducible_with_seed(rng):
    X = _data(rng, n=50)
    a = lae.fit_linear_autoencoder(X, 2, n_steps=20, seed=7)
    b = lae.fit_linear_autoencoder(X, 2, n_steps=20, seed=np.random.default_rng(7))
    np.testing.assert_array_equal(a.decoder, b.decoder)


def test_divergence_raises(rng):
    X = _data(rng, n=50)
    with pytest.raises(RuntimeError, match="lr: training diverged"):
        lae.fit_linear_autoencoder(X, 2, n_steps=50, lr=10.0, seed=0)


def test_components_recovered_from_weights(rng):
    X = _data(rng)
    vals, P = mlhw.pca(X, 6)
    res = lae.fit_linear_autoencoder(X, 3, n_steps=600, seed=2)
    ev, comps = lae.autoencoder_components(res, X)
    np.testing.assert_allclose(ev, vals[:3], rtol=1e-6)
    np.testing.assert_allclose(np.abs(np.sum(comps * P[:3], axis=1)), 1.0, atol=1e-6)
    np.testing.assert_allclose(comps @ comps.T, np.eye(3), atol=1e-12)
    # same sign convention as mlhw.pca, so the components agree, not only up to sign
    np.testing.assert_allclose(comps, P[:3], atol=1e-3)
    # the decoder's columns themselves are not the components (an arbitrary basis)
    Qd = np.linalg.qr(res.decoder)[0]
    assert np.min(np.abs(np.sum(Qd.T * P[:3], axis=1))) < 0.999


def test_principal_angles_simple_cases():
    e = np.eye(4)
    np.testing.assert_allclose(lae.principal_angles(e[:2], e[:2]), [0, 0], atol=1e-15)
    np.testing.assert_allclose(lae.principal_angles(e[:2], e[2:]), [np.pi / 2] * 2)
    a = lae.principal_angles(e[:2], [[0.0, 1.0, 1.0, 0.0]])
    np.testing.assert_allclose(a, [np.pi / 4])
    # any basis of the same span
    np.testing.assert_allclose(lae.principal_angles(e[:2], [[1.0, 2.0, 0, 0], [3.0, -1.0, 0, 0]]),
                               0, atol=1e-15)


def test_principal_angles_small_angle_accuracy():
    t = 1e-9
    A = np.array([[1.0, 0.0, 0.0]])
    B = np.array([[np.cos(t), np.sin(t), 0.0]])
    assert lae.principal_angles(A, B)[0] == pytest.approx(t, rel=1e-6)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 4), st.integers(1, 4))
def test_principal_angles_match_scipy(seed, p, q):
    r = np.random.default_rng(seed)
    A, B = r.normal(size=(p, 7)), r.normal(size=(q, 7))
    ours = lae.principal_angles(A, B)
    theirs = np.sort(subspace_angles(A.T, B.T))
    # SciPy's angles near 0 come from cosines and are only accurate to ~sqrt(eps); two subspaces
    # of dimension p + q > 7 share a direction, whose exact angle is 0
    np.testing.assert_allclose(ours, theirs, atol=1e-7)
    if p + q > 7:
        assert ours[0] < 1e-12


def test_bad_inputs(rng):
    X = rng.normal(size=(10, 4))
    with pytest.raises(ValueError, match="n_hidden: expected an integer in"):
        lae.fit_linear_autoencoder(X, 5)
    with pytest.raises(TypeError, match="n_hidden"):
        lae.fit_linear_autoencoder(X, 2.5)
    with pytest.raises(ValueError, match="optimizer"):
        lae.fit_linear_autoencoder(X, 2, optimizer="sgd")
    with pytest.raises(ValueError, match="lr"):
        lae.fit_linear_autoencoder(X, 2, lr=-1.0)
    with pytest.raises(ValueError, match="init_scale"):
        lae.fit_linear_autoencoder(X, 2, init_scale=0.0)
    with pytest.raises(ValueError, match="x: expected finite"):
        lae.fit_linear_autoencoder(np.full((3, 2), np.nan), 1)
    with pytest.raises(ValueError, match="x: expected data with positive variance"):
        lae.fit_linear_autoencoder(np.ones((5, 3)), 1)
    with pytest.raises(ValueError, match="encoder: expected shape"):
        lae.autoencoder_loss(X, np.ones((2, 3)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="decoder: expected shape"):
        lae.autoencoder_loss(X, np.ones((2, 4)), np.ones((4, 3)))
    with pytest.raises(ValueError, match="B: expected rows of length"):
        lae.principal_angles(np.eye(3), np.eye(4))
    with pytest.raises(ValueError, match="A: expected linearly independent rows"):
        lae.principal_angles([[1.0, 0.0], [2.0, 0.0]], [[1.0, 0.0]])
    with pytest.raises(TypeError, match="result"):
        lae.autoencoder_components("weights", X)
    res = lae.fit_linear_autoencoder(X, 2, n_steps=2, seed=0)
    with pytest.raises(ValueError, match="x: expected data of dimension 4"):
        lae.autoencoder_components(res, np.ones((3, 5)))
