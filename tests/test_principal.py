"""PCA functions against NumPy's SVD, the published NTU numbers, and their invariants."""

import numpy as np
import pytest

import mlhw

TEN = np.array([(1, 2, 3), (4, 8, 5), (3, 12, 9), (1, 8, 5), (5, 14, 2), (7, 4, 1), (9, 8, 9),
                (3, 8, 1), (11, 5, 6), (10, 11, 7)], dtype=float)


@pytest.mark.parametrize("shape", [(50, 8), (8, 50)])
@pytest.mark.parametrize("ddof", [0, 1])
def test_against_numpy_svd(rng, shape, ddof):
    X = rng.normal(size=shape) @ rng.normal(size=(shape[1], shape[1]))
    k = min(shape) - 1
    vals, comps = mlhw.pca(X, k, ddof=ddof)
    Xc = X - X.mean(0)
    _, s, vt = np.linalg.svd(Xc, full_matrices=False)
    np.testing.assert_allclose(vals, s[:k] ** 2 / (len(X) - ddof), rtol=1e-9)
    np.testing.assert_allclose(np.abs(np.sum(comps * vt[:k], axis=1)), 1.0, rtol=1e-8)
    np.testing.assert_allclose(comps @ comps.T, np.eye(k), atol=1e-10)


def test_published_ntu_numbers():
    vals, comps = mlhw.pca(TEN, 3, ddof=1)
    np.testing.assert_allclose(vals[:2], [16.99715933, 12.9228041], atol=1e-8)
    assert mlhw.calc_errs(TEN, comps[:2])[1] == pytest.approx(5.472032912651864, rel=1e-13)


def test_sign_convention_largest_entry_positive(rng):
    _, comps = mlhw.pca(rng.normal(size=(40, 6)), 4)
    rows = np.arange(4)
    assert np.all(comps[rows, np.argmax(np.abs(comps), axis=1)] > 0)


def test_images_are_flattened():
    images, _ = mlhw.load_mnist("train", n=300)
    vals, comps = mlhw.pca(images, 5)
    assert comps.shape == (5, 784)


def test_cfvs():
    cf = mlhw.calc_cfvs([3.0, 1.0, 1.0])
    np.testing.assert_allclose(cf, [0.6, 0.8, 1.0])


def test_error_invariant_to_rotation_of_components(rng):
    X = rng.normal(size=(100, 7))
    _, comps = mlhw.pca(X, 3)
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    assert mlhw.calc_errs(X, q @ comps)[1] == pytest.approx(mlhw.calc_errs(X, comps)[1])


def test_calc_errs_small_residual_does_not_cancel():
    # points on a line far from the origin, off it by 1e-7: the residual is 1e-14 per point while
    # |x - mean|^2 is about 1e6; |x|^2 - |Px|^2 loses every digit of it, the residual itself not
    rng = np.random.default_rng(3)
    t = rng.normal(size=50) * 1e3
    off = rng.choice([-1.0, 1.0], size=50) * 1e-7
    X = np.c_[t, off]                        # exact residual: the centred second coordinate
    _, err = mlhw.calc_errs(X, [[1.0, 0.0]])
    assert err == pytest.approx(np.mean((off - off.mean()) ** 2), rel=1e-9)


def test_calc_errs_and_cfvs_at_the_edge_of_float64():
    X = np.random.default_rng(4).normal(size=(10, 3))
    err_mean, err = mlhw.calc_errs(X * 1e-150, np.eye(3)[:1])
    ref_mean, ref = mlhw.calc_errs(X, np.eye(3)[:1])
    assert err_mean == pytest.approx(ref_mean * 1e-300, rel=1e-12)
    assert err == pytest.approx(ref * 1e-300, rel=1e-12)
    with pytest.raises(FloatingPointError, match="calc_errs: .*rescale"):
        mlhw.calc_errs(X * 1e160, np.eye(3)[:1])
    np.testing.assert_allclose(mlhw.calc_cfvs([1e308, 1e308, 0.0]), [0.5, 1.0, 1.0])
